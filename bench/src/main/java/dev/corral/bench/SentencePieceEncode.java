package dev.corral.bench;

import dev.corral.curation.sentencepiece.SentencePieceModel;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Corral's SentencePiece encoder as a command that does what {@code spm_encode --model=MODEL
 * --output_format=id|piece < TEXT} does, on one thread, so the two can be timed as whole processes
 * and their outputs compared byte for byte. With {@code --warm RUNS} it instead prints the
 * encoder's own MB/s per CPU second of its thread once the JIT is warm (the median of RUNS passes
 * over the text in one JVM, after one unmeasured pass).
 *
 * <p>Usage: SentencePieceEncode MODEL TEXT id|piece [OUTPUT | --warm RUNS]
 */
public final class SentencePieceEncode {
  public static void main(String[] args) throws IOException {
    SentencePieceModel model = SentencePieceModel.load(Path.of(args[0]));
    byte[] text = Files.readAllBytes(Path.of(args[1]));
    boolean ids = args[2].equals("id");
    if (args.length > 4 && args[3].equals("--warm")) {
      int runs = Integer.parseInt(args[4]);
      List<Double> seconds = new ArrayList<>();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      for (int i = 0; i <= runs; i++) {
        long t0 = threads.getCurrentThreadCpuTime();
        encode(model, text, ids, OutputStream.nullOutputStream());
        if (i > 0) {
          seconds.add((threads.getCurrentThreadCpuTime() - t0) / 1e9); // the first pass warms up
        }
      }
      double median = seconds.stream().sorted().toList().get(seconds.size() / 2);
      System.out.printf(
          "warm: %s CPU s per pass (this thread); median %.3f s, %.2f MB/s%n",
          seconds, median, text.length / 1e6 / median);
      return;
    }
    try (OutputStream out =
        new BufferedOutputStream(Files.newOutputStream(Path.of(args[3])), 1 << 16)) {
      encode(model, text, ids, out);
    }
  }

  /** Each '\n'-terminated line (as spm_encode's getline), its ids or pieces joined by spaces. */
  private static void encode(
      SentencePieceModel model, byte[] text, boolean ids, OutputStream sink) {
    PrintStream out = new PrintStream(sink, false, java.nio.charset.StandardCharsets.UTF_8);
    StringBuilder line = new StringBuilder();
    int start = 0;
    while (start < text.length) {
      int end = start;
      while (end < text.length && text[end] != '\n') {
        end++;
      }
      byte[] bytes = Arrays.copyOfRange(text, start, end);
      line.setLength(0);
      if (ids) {
        for (int id : model.encode(bytes)) {
          if (line.length() > 0) {
            line.append(' ');
          }
          line.append(id);
        }
      } else {
        line.append(String.join(" ", model.encodeAsPieces(bytes)));
      }
      line.append('\n');
      out.append(line);
      start = end + 1;
    }
    out.flush();
  }
}
