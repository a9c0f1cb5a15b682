package dev.corral.curation.fasttext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * fastText's {@code predict} and {@code predict-prob} commands over a stream of any size: output is
 * byte-identical to the fastText binary's. Input is cut into chunks of whole lines that worker
 * threads predict in parallel; chunks are written back in input order, and at most a few chunks per
 * thread are in memory at once.
 */
public final class StreamPredictor {
  private static final int CHUNK_BYTES = 1 << 20;

  private final FastTextModel model;
  private final int k;
  private final float threshold;
  private final boolean printProbabilities;
  private final int threads;

  /**
   * @param k labels per line ({@link Predictor#ALL_LABELS} for all)
   * @param threshold minimum probability of a printed label
   * @param printProbabilities {@code predict-prob} rather than {@code predict}
   * @param threads worker threads (at least 1)
   */
  public StreamPredictor(
      FastTextModel model, int k, float threshold, boolean printProbabilities, int threads) {
    this.model = model;
    this.k = k;
    this.threshold = threshold;
    this.printProbabilities = printProbabilities;
    this.threads = Math.max(1, threads);
    model
        .newPredictor()
        .predict(new byte[0], 0, 0, true, k, threshold); // fail fast on a bad k or model
  }

  /**
   * Reads lines from {@code in} until it ends and writes one prediction line per fastText line to
   * {@code out}.
   */
  public void run(InputStream in, OutputStream out) throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "fasttext-predict");
              t.setDaemon(true);
              return t;
            });
    ThreadLocal<Predictor> predictors = ThreadLocal.withInitial(model::newPredictor);
    ArrayDeque<Future<ByteArrayOutputStream>> pending = new ArrayDeque<>();
    try {
      byte[] carry = new byte[0];
      int carryLen = 0;
      boolean eof = false;
      while (!eof) {
        byte[] buf = Arrays.copyOf(carry, Math.max(CHUNK_BYTES, carryLen * 2));
        int len = carryLen;
        while (len < buf.length) {
          int n = in.read(buf, len, buf.length - len);
          if (n < 0) {
            eof = true;
            break;
          }
          len += n;
        }
        int cut = len;
        if (!eof) {
          cut = lastNewline(buf, len) + 1; // 0 when a single line is longer than the buffer
        }
        carryLen = len - cut;
        carry = Arrays.copyOfRange(buf, cut, Math.max(cut + carryLen, cut));
        if (cut > 0) {
          final byte[] chunk = buf;
          final int chunkLen = cut;
          pending.add(pool.submit(() -> predictChunk(predictors.get(), chunk, chunkLen)));
        }
        while (pending.size() > 2 * threads || (eof && !pending.isEmpty())) {
          write(pending.removeFirst(), out);
        }
      }
      out.flush();
    } finally {
      pool.shutdownNow();
    }
  }

  private static int lastNewline(byte[] buf, int len) {
    for (int i = len - 1; i >= 0; i--) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static void write(Future<ByteArrayOutputStream> f, OutputStream out) throws IOException {
    try {
      f.get().writeTo(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new UncheckedIOException(new IOException(e.getCause()));
    }
  }

  /**
   * Predicts every line of {@code buf[0, len)}; the last line has no '\n' only at the end of input.
   */
  private ByteArrayOutputStream predictChunk(Predictor p, byte[] buf, int len) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(len / 8 + 64);
    int start = 0;
    while (start < len) {
      int nl = start;
      while (nl < len && buf[nl] != '\n') {
        nl++;
      }
      boolean newline = nl < len;
      int from = start;
      while (true) {
        int next = p.predict(buf, from, nl, newline, k, threshold);
        appendLine(p, out);
        // After a literal </s>, the rest is another line: always when '\n' follows, else only if
        // bytes remain.
        if (next < 0 || (!newline && next >= nl)) {
          break;
        }
        from = next;
      }
      start = nl + 1;
    }
    return out;
  }

  private void appendLine(Predictor p, ByteArrayOutputStream out) {
    for (int i = 0; i < p.count(); i++) {
      if (i > 0) {
        out.write(' ');
      }
      out.writeBytes(model.labelBytes(p.labelId(i)));
      if (printProbabilities) {
        out.write(' ');
        out.writeBytes(CFormat.g6(p.probability(i)).getBytes(StandardCharsets.US_ASCII));
      }
    }
    out.write('\n');
  }
}
