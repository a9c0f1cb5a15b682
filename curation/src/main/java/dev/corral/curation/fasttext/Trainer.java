package dev.corral.curation.fasttext;

import dev.corral.core.Errors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * fastText's supervised training ({@code fasttext supervised}) in pure Java: Hogwild SGD on shared
 * matrices, one thread per {@code -thread}, each reading the input from its own offset, with
 * fastText's linear learning-rate decay over {@code epoch x ntokens} tokens, its initialisation,
 * its four losses and its gradient normalisation. The result loads and predicts in the fastText
 * binary.
 */
public final class Trainer {
  private static final int NEGATIVE_TABLE_SIZE = 10_000_000;

  private final TrainingArgs args;
  private final Path input;
  private final PrintStream log;
  private Dictionary dict;
  private int dim;
  private int osz;
  private float[] wi; // (nwords + bucket, dim), row-major
  private float[] wo; // (nlabels, dim)
  private int[][] paths; // hs: inner nodes from leaf to root, per label
  private boolean[][] codes; // hs: the branch taken at each of them
  private int[] negatives; // ns: labels repeated by sqrt(count)
  private final AtomicLong tokenCount = new AtomicLong();
  private volatile float loss = -1f;
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

  private Trainer(Path input, TrainingArgs args, PrintStream log) {
    this.input = input;
    this.args = args;
    this.log = log;
  }

  /**
   * Trains on {@code input} (fastText's format: labels with the prefix, then text, one example a
   * line).
   */
  public static FastTextModel train(Path input, TrainingArgs args, PrintStream log) {
    return new Trainer(input, args, log).run();
  }

  private FastTextModel run() {
    VocabularyBuilder vocabulary = new VocabularyBuilder(args.labelPrefix());
    try (InputStream in = Files.newInputStream(input)) {
      vocabulary.read(in, input.toString());
    } catch (IOException e) {
      throw Errors.unreadable(input.toString(), e);
    }
    List<byte[]> pretrainedWords = new ArrayList<>();
    List<float[]> pretrained = new ArrayList<>();
    if (args.pretrainedVectors != null) {
      readVectors(Path.of(args.pretrainedVectors), pretrainedWords, pretrained);
      pretrainedWords.forEach(vocabulary::addWord);
    }
    dict = vocabulary.build(args, input.toString());
    if (args.verbose > 0) {
      log.printf(
          "Read %dM words%nNumber of words:  %d%nNumber of labels: %d%n",
          dict.ntokens / 1_000_000, dict.nwords, dict.nlabels);
    }
    dim = args.dim;
    osz = dict.nlabels;
    long rows = dict.nwords + (long) args.bucket;
    if (rows * dim > Integer.MAX_VALUE - 8) {
      throw Errors.badArgument(
          "bucket", args.bucket, "fewer rows: (words + bucket) x dim must fit one Java array");
    }
    wi = new float[(int) (rows * dim)];
    initUniform(wi, 1.0 / dim, args.thread, args.seed);
    for (int i = 0; i < pretrainedWords.size(); i++) {
      byte[] w = pretrainedWords.get(i);
      int id = dict.find(w, 0, w.length, Dictionary.hash(w, 0, w.length));
      if (id >= 0 && id < dict.nwords) {
        System.arraycopy(pretrained.get(i), 0, wi, id * dim, dim);
      }
    }
    wo = new float[osz * dim];
    if (args.loss == FastTextArgs.LossName.HS) {
      buildPaths(dict.labelCounts());
    } else if (args.loss == FastTextArgs.LossName.NS) {
      buildNegatives(dict.labelCounts());
    }
    startThreads();
    return FastTextModel.trained(args.modelArgs(), dict, wi, wo);
  }

  /**
   * fastText 0.9.2's uniform init: ten blocks, block b from minstd_rand(b + seed); only the first
   * {@code threads} blocks.
   */
  private static void initUniform(float[] data, double a, int threads, int seed) {
    long blockSize = data.length / 10;
    int blocks = Math.max(1, threads);
    for (int block = 0; block < blocks; block++) {
      MinstdRand rng = new MinstdRand(block + (long) seed);
      for (long i = blockSize * block; i < data.length && i < blockSize * (block + 1); i++) {
        data[(int) i] = (float) rng.uniformReal(-a, a);
      }
    }
  }

  private void buildPaths(long[] counts) {
    int nodes = 2 * osz - 1;
    int[] parent = new int[nodes];
    boolean[] binary = new boolean[nodes];
    java.util.Arrays.fill(parent, -1);
    int[][] children = Loss.HierarchicalSoftmax.children(counts);
    for (int i = osz; i < nodes; i++) {
      parent[children[0][i]] = i;
      parent[children[1][i]] = i;
      binary[children[1][i]] = true;
    }
    paths = new int[osz][];
    codes = new boolean[osz][];
    for (int label = 0; label < osz; label++) {
      List<Integer> path = new ArrayList<>();
      List<Boolean> code = new ArrayList<>();
      for (int j = label; parent[j] != -1; j = parent[j]) {
        path.add(parent[j] - osz);
        code.add(binary[j]);
      }
      paths[label] = path.stream().mapToInt(Integer::intValue).toArray();
      codes[label] = new boolean[code.size()];
      for (int i = 0; i < code.size(); i++) {
        codes[label][i] = code.get(i);
      }
    }
  }

  private void buildNegatives(long[] counts) {
    float z = 0f;
    for (long c : counts) {
      z += Math.pow(c, 0.5);
    }
    IntList table = new IntList(NEGATIVE_TABLE_SIZE);
    for (int i = 0; i < counts.length; i++) {
      float c = (float) Math.pow(counts[i], 0.5);
      for (long j = 0; j < c * NEGATIVE_TABLE_SIZE / z; j++) {
        table.add(i);
      }
    }
    negatives = table.toArray();
  }

  private void startThreads() {
    long total = (long) args.epoch * dict.ntokens;
    long start = System.nanoTime();
    long size;
    try {
      size = Files.size(input);
    } catch (IOException e) {
      throw Errors.unreadable(input.toString(), e);
    }
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < args.thread; i++) {
      Worker w = new Worker(i, i * size / args.thread);
      Thread t = new Thread(w, "fasttext-train-" + i);
      t.setUncaughtExceptionHandler(
          (th, e) ->
              failure.compareAndSet(
                  null,
                  e instanceof RuntimeException ? (RuntimeException) e : new RuntimeException(e)));
      threads.add(t);
      t.start();
    }
    try {
      while (threads.stream().anyMatch(Thread::isAlive)) {
        Thread.sleep(100);
        if (loss >= 0 && args.verbose > 1) {
          printInfo((float) tokenCount.get() / total, start);
        }
      }
      for (Thread t : threads) {
        t.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.badInput(input.toString(), "training interrupted");
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    if (args.verbose > 0) {
      printInfo(1f, start);
      log.println();
    }
  }

  private void printInfo(float progress, long start) {
    double seconds = (System.nanoTime() - start) / 1e9;
    double wst = tokenCount.get() / seconds / args.thread;
    double lr = args.lr * (1.0 - progress);
    long eta = progress > 0 ? (long) (seconds * (1 - progress) / progress) : 0;
    log.printf(
        "\rProgress: %5.1f%% words/sec/thread: %7d lr: %9.6f avg.loss: %9.6f ETA: %3dh%2dm%2ds",
        progress * 100, (long) wst, lr, loss, eta / 3600, eta / 60 % 60, eta % 60);
    log.flush();
  }

  private void readVectors(Path file, List<byte[]> words, List<float[]> vectors) {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String[] header = r.readLine().trim().split("\\s+");
      int n = Integer.parseInt(header[0]);
      int d = Integer.parseInt(header[1]);
      if (d != args.dim) {
        throw Errors.badInput(
            file.toString(), "pretrained vectors have dimension " + d + " but -dim is " + args.dim);
      }
      for (int i = 0; i < n; i++) {
        String[] parts = r.readLine().trim().split(" ");
        if (parts.length != d + 1) {
          throw Errors.badInput(file + ":" + (i + 2), "expected a word and " + d + " numbers");
        }
        float[] v = new float[d];
        for (int j = 0; j < d; j++) {
          v[j] = Float.parseFloat(parts[j + 1]);
        }
        words.add(parts[0].getBytes(StandardCharsets.UTF_8));
        vectors.add(v);
      }
    } catch (IOException | NullPointerException | NumberFormatException e) {
      throw Errors.badInput(file.toString(), "not a .vec file of pretrained vectors: " + e);
    }
  }

  /** One Hogwild thread: its own reader, random state and buffers; the matrices are shared. */
  private final class Worker implements Runnable {
    private final TrainingReader reader;
    private final MinstdRand rng;
    private final LineEncoder encoder;
    private final float[] hidden = new float[dim];
    private final float[] grad = new float[dim];
    private final float[] output = new float[Math.max(1, osz)];
    private double lossSum;
    private long examples;
    private final boolean reportsLoss;

    Worker(int id, long offset) {
      reader = new TrainingReader(input, offset);
      rng = new MinstdRand(id + (long) args.seed);
      encoder = new LineEncoder(dict, args.labelPrefix());
      reportsLoss = id == 0;
    }

    @Override
    public void run() {
      long total = (long) args.epoch * dict.ntokens;
      long local = 0;
      int from = -1;
      try (TrainingReader r = reader) {
        while (tokenCount.get() < total && failure.get() == null) {
          float progress = (float) tokenCount.get() / total;
          float lr = (float) (args.lr * (1.0 - progress));
          if (from < 0) {
            r.next();
            from = r.lineFrom;
          }
          int next = encoder.encode(r.buffer(), from, r.lineTo, r.newline);
          from = next;
          local += encoder.tokens;
          if (encoder.labels.size > 0 && encoder.ids.size > 0) {
            update(lr);
          }
          if (local > args.lrUpdateRate) {
            tokenCount.addAndGet(local);
            local = 0;
            if (reportsLoss && examples > 0) {
              loss = (float) (lossSum / examples);
            }
          }
        }
      } catch (IOException e) {
        throw Errors.unreadable(input.toString(), e);
      }
      if (reportsLoss && examples > 0) {
        loss = (float) (lossSum / examples);
      }
    }

    private void update(float lr) {
      IntList ids = encoder.ids;
      java.util.Arrays.fill(hidden, 0f);
      for (int i = 0; i < ids.size; i++) {
        int base = ids.data[i] * dim;
        for (int j = 0; j < dim; j++) {
          hidden[j] += wi[base + j];
        }
      }
      float scale = (float) (1.0 / ids.size);
      for (int j = 0; j < dim; j++) {
        hidden[j] *= scale;
      }
      java.util.Arrays.fill(grad, 0f);
      lossSum += forward(lr);
      examples++;
      for (int j = 0; j < dim; j++) {
        grad[j] *= scale; // fastText normalises the gradient by the input length in supervised mode
      }
      for (int i = 0; i < ids.size; i++) {
        int base = ids.data[i] * dim;
        for (int j = 0; j < dim; j++) {
          wi[base + j] += grad[j];
        }
      }
    }

    private float forward(float lr) {
      IntList labels = encoder.labels;
      if (args.loss == FastTextArgs.LossName.OVA) {
        float l = 0f;
        for (int i = 0; i < osz; i++) {
          l += binaryLogistic(i, contains(labels, i), lr);
        }
        return l;
      }
      int target = labels.data[rng.uniformInt(0, labels.size - 1)];
      switch (args.loss) {
        case SOFTMAX:
          return softmax(target, lr);
        case HS:
          {
            float l = 0f;
            int[] path = paths[target];
            boolean[] code = codes[target];
            for (int i = 0; i < path.length; i++) {
              l += binaryLogistic(path[i], code[i], lr);
            }
            return l;
          }
        case NS:
          {
            float l = binaryLogistic(target, true, lr);
            for (int n = 0; n < args.neg; n++) {
              int negative;
              do {
                negative = negatives[rng.uniformInt(0, negatives.length - 1)];
              } while (negative == target);
              l += binaryLogistic(negative, false, lr);
            }
            return l;
          }
        default:
          throw new IllegalStateException(args.loss.toString());
      }
    }

    private float dot(int row) {
      int base = row * dim;
      float d = 0f;
      for (int j = 0; j < dim; j++) {
        d += wo[base + j] * hidden[j];
      }
      return d;
    }

    /** grad += alpha * wo[row]; wo[row] += alpha * hidden. */
    private void backprop(int row, float alpha) {
      int base = row * dim;
      for (int j = 0; j < dim; j++) {
        grad[j] += alpha * wo[base + j];
      }
      for (int j = 0; j < dim; j++) {
        wo[base + j] += alpha * hidden[j];
      }
    }

    private float binaryLogistic(int row, boolean positive, float lr) {
      float score = Loss.sigmoid(dot(row));
      backprop(row, lr * ((positive ? 1f : 0f) - score));
      return positive ? -Loss.tableLog(score) : -Loss.tableLog(1f - score);
    }

    private float softmax(int target, float lr) {
      for (int i = 0; i < osz; i++) {
        output[i] = dot(i);
      }
      float max = output[0];
      for (int i = 0; i < osz; i++) {
        max = Math.max(output[i], max);
      }
      float z = 0f;
      for (int i = 0; i < osz; i++) {
        output[i] = (float) Math.exp(output[i] - max);
        z += output[i];
      }
      for (int i = 0; i < osz; i++) {
        output[i] /= z;
      }
      for (int i = 0; i < osz; i++) {
        backprop(i, lr * ((i == target ? 1f : 0f) - output[i]));
      }
      return -Loss.tableLog(output[target]);
    }

    private boolean contains(IntList list, int value) {
      for (int i = 0; i < list.size; i++) {
        if (list.data[i] == value) {
          return true;
        }
      }
      return false;
    }
  }
}
