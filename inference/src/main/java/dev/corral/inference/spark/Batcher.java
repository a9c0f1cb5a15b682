package dev.corral.inference.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Streams the rows of a partition through a batched model in bounded memory, keeping their order.
 *
 * <p>Rows are read a window at a time ({@code window} rows). Each row is prepared (tokenized and
 * checked); a row that fails gets its error and no model time. The prepared rows of the window are
 * sorted by length, so rows of similar length share a batch and padding stays small, then cut into
 * batches whose padded size (sequences x longest sequence) fits the token budget; a row larger than
 * the budget runs alone. When a batch fails, its rows run one by one, so only the row at fault gets
 * the error. The window is then emitted in input order. Memory holds one window, whatever the
 * partition's size.
 *
 * @param <I> an input row
 * @param <P> a prepared row (token ids and what the model needs)
 * @param <R> a row's result
 * @param <O> an output row
 */
final class Batcher<I, P, R, O> implements Iterator<O> {
  /** What a stage does with its rows; {@link Batcher} does the rest. */
  interface Work<I, P, R, O> {
    /**
     * Tokenizes and checks a row; throws (usually {@code CorralException}) for a row the model
     * cannot take.
     */
    P prepare(I row);

    /** Sequences the row puts in a batch (several for a multiple-choice row). */
    int sequences(P prepared);

    /** Padded length of the row's sequences in tokens (generation: prompt plus new tokens). */
    int width(P prepared);

    /** Results for a batch, in the batch's order. */
    List<R> run(List<P> batch);

    /** The output row: {@code result} and null, or null and the error. */
    O output(I row, R result, String error);

    /** Tokens the model reads for a prepared row (progress counters). */
    default long tokensIn(P prepared) {
      return 0;
    }

    /** Tokens the model wrote for a row's result (progress counters). */
    default long tokensOut(R result) {
      return 0;
    }
  }

  private final Iterator<I> rows;
  private final Work<I, P, R, O> work;
  private final int window;
  private final long budget;
  private final ArrayDeque<O> ready = new ArrayDeque<>();

  Batcher(Iterator<I> rows, Work<I, P, R, O> work, int window, long budget) {
    this.rows = rows;
    this.work = work;
    this.window = window;
    this.budget = budget;
  }

  @Override
  public boolean hasNext() {
    if (ready.isEmpty() && rows.hasNext()) {
      fill();
    }
    return !ready.isEmpty();
  }

  @Override
  public O next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  /** Reads, runs and queues the next window. */
  private void fill() {
    List<I> inputs = new ArrayList<>(window);
    while (inputs.size() < window && rows.hasNext()) {
      inputs.add(rows.next());
    }
    int n = inputs.size();
    List<P> prepared = new ArrayList<>(n);
    Object[] results = new Object[n];
    String[] errors = new String[n];
    List<Integer> good = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      P p = null;
      try {
        p = work.prepare(inputs.get(i));
        good.add(i);
      } catch (RuntimeException e) {
        errors[i] = message(e);
      }
      prepared.add(p);
    }
    good.sort(Comparator.comparingInt(i -> work.width(prepared.get(i))));
    List<Integer> batch = new ArrayList<>();
    long sequences = 0;
    for (int i : good) {
      int seq = work.sequences(prepared.get(i));
      // sorted ascending: this row is the widest of the batch so far
      long padded = (sequences + seq) * (long) work.width(prepared.get(i));
      if (!batch.isEmpty() && padded > budget) {
        run(batch, prepared, results, errors);
        batch.clear();
        sequences = 0;
      }
      batch.add(i);
      sequences += seq;
    }
    if (!batch.isEmpty()) {
      run(batch, prepared, results, errors);
    }
    for (int i = 0; i < n; i++) {
      @SuppressWarnings("unchecked")
      R r = errors[i] == null ? (R) results[i] : null;
      ready.add(work.output(inputs.get(i), r, errors[i]));
    }
  }

  private void run(List<Integer> batch, List<P> prepared, Object[] results, String[] errors) {
    List<P> items = new ArrayList<>(batch.size());
    for (int i : batch) {
      items.add(prepared.get(i));
    }
    try {
      List<R> out = work.run(items);
      for (int j = 0; j < batch.size(); j++) {
        results[batch.get(j)] = out.get(j);
      }
    } catch (RuntimeException e) {
      if (batch.size() == 1) {
        errors[batch.get(0)] = message(e);
        return;
      }
      // One bad row must not cost its neighbours their results: find it by running each alone.
      for (int i : batch) {
        run(List.of(i), prepared, results, errors);
      }
    }
  }

  /** The error value of a row: the engine's message, or the exception's type when it has none. */
  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getName() : m;
  }
}
