package dev.corral.bench;

import dev.corral.curation.lm.NgramModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The n-gram lookups alone, in one thread: MODEL (ARPA or KenLM binary) scores every line of TEXT,
 * split on whitespace and looked up once beforehand, with {@code <s>} and {@code </s>}. Prints the
 * thread CPU seconds of each of RUNS passes (after one unmeasured pass), their median, words per
 * CPU second, and a checksum of every word's score bits, so two builds can be shown to score alike.
 *
 * <p>Usage: NgramScoring MODEL TEXT RUNS
 */
public final class NgramScoring {
  public static void main(String[] args) throws IOException {
    NgramModel model = NgramModel.load(Path.of(args[0]));
    List<int[]> sentences = new ArrayList<>();
    long words = 0;
    for (String line : Files.readAllLines(Path.of(args[1]))) {
      int[] ids = model.wordIds(Arrays.asList(line.trim().split("\\s+")));
      if (line.isBlank() || Arrays.stream(ids).anyMatch(id -> id < 0)) {
        continue;
      }
      sentences.add(ids);
      words += ids.length + 1; // </s> is scored too
    }
    int runs = Integer.parseInt(args[2]);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Double> seconds = new ArrayList<>();
    long checksum = 0;
    for (int i = 0; i <= runs; i++) {
      long t0 = threads.getCurrentThreadCpuTime();
      long sum = 17;
      for (int[] s : sentences) {
        for (float p : model.wordScores(s, true, true)) {
          sum = sum * 31 + Float.floatToRawIntBits(p);
        }
      }
      if (i > 0) { // the first pass warms up
        seconds.add((threads.getCurrentThreadCpuTime() - t0) / 1e9);
      } else {
        checksum = sum;
      }
      if (sum != checksum) {
        throw new IllegalStateException("a pass scored differently from the first");
      }
    }
    List<Double> sorted = new ArrayList<>(seconds);
    sorted.sort(null);
    double median = sorted.get(sorted.size() / 2);
    System.out.printf(
        "%s: %d sentences, %d words; CPU s per pass %s, median %.3f s, %.2f M words/s;"
            + " score bits checksum %016x%n",
        model, sentences.size(), words, seconds, median, words / median / 1e6, checksum);
  }
}
