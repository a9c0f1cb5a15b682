package dev.corral.bench;

import dev.corral.curation.ccnet.LanguageModels;
import dev.corral.curation.lm.CcnetPerplexity;
import dev.corral.curation.lm.NgramModel;
import dev.corral.curation.sentencepiece.SentencePieceModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * CCNet's document perplexity in one thread, a model in CCNet's layout ({@code LANG.sp.model} and
 * {@code LANG.arpa.bin} in LM_DIR) scoring the documents of TEXT (one per line, {@code \n} written
 * as {@code \\n}), two ways: through the pieces joined by spaces (split and hashed again for every
 * text), and piece by piece through the {@code VocabularyTokenizer} (each vocabulary piece's word
 * found once). Prints each way's thread CPU seconds per pass (the median of RUNS passes,
 * alternating, after one unmeasured pass of each) and fails unless both give every document the
 * same score.
 *
 * <p>Usage: CcnetScoring LM_DIR LANG TEXT RUNS [lines|document]
 */
public final class CcnetScoring {
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    SentencePieceModel sp = SentencePieceModel.load(dir.resolve(args[1] + ".sp.model"));
    NgramModel model = NgramModel.load(dir.resolve(args[1] + ".arpa.bin"));
    List<String> documents =
        Files.readAllLines(Path.of(args[2])).stream().map(l -> l.replace("\\n", "\n")).toList();
    int runs = Integer.parseInt(args[3]);
    CcnetPerplexity.Mode mode =
        CcnetPerplexity.Mode.parse(
            args.length > 4 ? args[4] : CcnetPerplexity.Mode.DOCUMENT.name());
    CcnetPerplexity joined =
        new CcnetPerplexity(model, text -> String.join(" ", sp.encodeAsPieces(text)), mode);
    CcnetPerplexity pieces = new CcnetPerplexity(model, LanguageModels.sentencePiece(sp), mode);
    for (String d : documents) {
      if (!Objects.equals(joined.score(d), pieces.score(d))) {
        throw new IllegalStateException("the two ways score differently: " + d);
      }
    }
    long bytes = documents.stream().mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length).sum();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Double> byJoined = new ArrayList<>();
    List<Double> byPieces = new ArrayList<>();
    for (int i = 0; i <= runs; i++) {
      for (CcnetPerplexity way : List.of(joined, pieces)) {
        long t0 = threads.getCurrentThreadCpuTime();
        double sink = 0;
        for (String d : documents) {
          CcnetPerplexity.Score s = way.score(d);
          sink += s == null ? 0 : s.log10Prob();
        }
        double seconds = (threads.getCurrentThreadCpuTime() - t0) / 1e9;
        if (i > 0) { // the first pass of each warms up
          (way == joined ? byJoined : byPieces).add(seconds);
        }
        if (sink > 0) {
          throw new IllegalStateException("a log probability above 0");
        }
      }
    }
    double a = median(byJoined);
    double b = median(byPieces);
    System.out.printf(
        "%d documents, %.1f MB, %s mode, identical scores%n"
            + "joined pieces:  %s CPU s per pass, median %.3f s, %.2f MB/s%n"
            + "piece by piece: %s CPU s per pass, median %.3f s, %.2f MB/s (%.2fx)%n",
        documents.size(),
        bytes / 1e6,
        mode.name().toLowerCase(java.util.Locale.ROOT),
        byJoined,
        a,
        bytes / 1e6 / a,
        byPieces,
        b,
        bytes / 1e6 / b,
        a / b);
  }

  private static double median(List<Double> xs) {
    return xs.stream().sorted().toList().get(xs.size() / 2);
  }
}
