package dev.corral.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import dev.corral.curation.models.ExecutorTokenizers;
import dev.corral.curation.sentencepiece.HuggingFaceBpe;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The LLaMA tokenizer.json on one thread: DJL's Hugging Face tokenizer (the Rust library through
 * JNI) against the pure-Java SentencePiece encoder ({@link HuggingFaceBpe}) on the same lines, each
 * line encoded on its own, no special tokens. Two tasks: {@code ids} (what token counting needs:
 * DJL asked for the ids only, as {@code TokenCounter} does, in batches of 256 with the library's
 * parallelism off) and {@code tokens} (what perplexity scoring needs: the pieces joined by spaces).
 * One warm-up pass of each, then ROUNDS rounds alternating DJL and Java; prints each pass's CPU
 * seconds of this thread and wall seconds, medians, MB/s and Java / DJL. Fails if the two disagree
 * on any line's ids or tokens.
 *
 * <p>Usage: LlamaTokenizerEncode TEXT ROUNDS [TOKENIZER_URI] (run with
 * TOKENIZERS_PARALLELISM=false)
 */
public final class LlamaTokenizerEncode {
  private static final int BATCH = 256;

  public static void main(String[] args) throws IOException {
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    int rounds = Integer.parseInt(args[1]);
    String uri = args.length > 2 ? args[2] : ExecutorTokenizers.LLAMA;
    long bytes = Files.size(Path.of(args[0]));
    HuggingFaceTokenizer djl = ExecutorTokenizers.get(uri);
    long t0 = System.nanoTime();
    HuggingFaceBpe java = HuggingFaceBpe.read(ExecutorTokenizers.json(uri), uri);
    System.out.printf(
        Locale.ROOT,
        "%s: %.1f MB, %d lines; Java model read in %.2f s%n",
        args[0],
        bytes / 1e6,
        lines.size(),
        (System.nanoTime() - t0) / 1e9);

    // Parity on the whole input before timing: the counts and the joined tokens of every line.
    long[] djlIds = djlIds(djl, lines);
    long[] javaIds = javaIds(java, lines);
    if (!Arrays.equals(djlIds, javaIds)) {
      throw new IllegalStateException("ids differ between DJL and Java");
    }
    if (djlTokens(djl, lines) != javaTokens(java, lines)) {
      throw new IllegalStateException("tokens differ between DJL and Java");
    }
    System.out.printf(
        Locale.ROOT, "parity: identical ids and tokens, %d tokens%n", Arrays.stream(djlIds).sum());

    for (String task : List.of("ids", "tokens")) {
      boolean ids = task.equals("ids");
      Runnable runDjl = ids ? () -> djlIds(djl, lines) : () -> djlTokens(djl, lines);
      Runnable runJava = ids ? () -> javaIds(java, lines) : () -> javaTokens(java, lines);
      runDjl.run(); // warm-up
      runJava.run();
      List<double[]> d = new ArrayList<>();
      List<double[]> j = new ArrayList<>();
      List<double[]> cold = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        d.add(time(runDjl));
        j.add(time(runJava));
        // A model read again has an empty word cache: its pass sees every word for the first time.
        HuggingFaceBpe fresh = HuggingFaceBpe.read(ExecutorTokenizers.json(uri), uri);
        cold.add(time(ids ? () -> javaIds(fresh, lines) : () -> javaTokens(fresh, lines)));
      }
      double dCpu = median(d, 0);
      double jCpu = median(j, 0);
      System.out.printf(Locale.ROOT, "%s, %d rounds after one warm-up pass:%n", task, rounds);
      report("DJL ", d, bytes);
      report("Java", j, bytes);
      report("Java, a model read again before the pass (its word cache empty)", cold, bytes);
      System.out.printf(
          Locale.ROOT,
          "  Java MB/s / DJL MB/s = %.2f (CPU), %.2f (wall)%n",
          dCpu / jCpu,
          median(d, 1) / median(j, 1));
      System.out.printf(
          Locale.ROOT,
          "  Java MB/s / DJL MB/s with the word cache empty at the start = %.2f (CPU)%n",
          dCpu / median(cold, 0));
    }
  }

  /** Ids per line from DJL: batches of {@link #BATCH}, only the ids copied back. */
  static long[] djlIds(HuggingFaceTokenizer djl, List<String> lines) {
    long[] counts = new long[lines.size()];
    for (int from = 0; from < lines.size(); from += BATCH) {
      List<String> batch = lines.subList(from, Math.min(lines.size(), from + BATCH));
      long[] encodings =
          TokenizersLibrary.LIB.batchEncode(djl.getHandle(), batch.toArray(new String[0]), false);
      try {
        for (int i = 0; i < encodings.length; i++) {
          counts[from + i] = TokenizersLibrary.LIB.getTokenIds(encodings[i]).length;
        }
      } finally {
        for (long e : encodings) {
          TokenizersLibrary.LIB.deleteEncoding(e);
        }
      }
    }
    return counts;
  }

  static long[] javaIds(HuggingFaceBpe java, List<String> lines) {
    long[] counts = new long[lines.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = java.encode(lines.get(i)).length;
    }
    return counts;
  }

  /** Each line's tokens joined by spaces, as the perplexity tokenizer does; a hash of them all. */
  static long djlTokens(HuggingFaceTokenizer djl, List<String> lines) {
    long hash = 0;
    for (String line : lines) {
      long encoding = TokenizersLibrary.LIB.encode(djl.getHandle(), line, false);
      try {
        hash = 31 * hash + String.join(" ", TokenizersLibrary.LIB.getTokens(encoding)).hashCode();
      } finally {
        TokenizersLibrary.LIB.deleteEncoding(encoding);
      }
    }
    return hash;
  }

  static long javaTokens(HuggingFaceBpe java, List<String> lines) {
    long hash = 0;
    for (String line : lines) {
      hash = 31 * hash + String.join(" ", java.encodeAsPieces(line)).hashCode();
    }
    return hash;
  }

  /** CPU seconds of this thread and wall seconds of one pass. */
  private static double[] time(Runnable pass) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    pass.run();
    return new double[] {
      (threads.getCurrentThreadCpuTime() - cpu) / 1e9, (System.nanoTime() - wall) / 1e9
    };
  }

  private static double median(List<double[]> passes, int k) {
    double[] v = passes.stream().mapToDouble(p -> p[k]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void report(String name, List<double[]> passes, long bytes) {
    StringBuilder cpu = new StringBuilder();
    for (double[] p : passes) {
      cpu.append(String.format(Locale.ROOT, " %.2f", p[0]));
    }
    System.out.printf(
        Locale.ROOT,
        "  %s CPU s:%s; median %.2f s CPU (%.2f MB/s), %.2f s wall (%.2f MB/s)%n",
        name,
        cpu,
        median(passes, 0),
        bytes / 1e6 / median(passes, 0),
        median(passes, 1),
        bytes / 1e6 / median(passes, 1));
  }
}
