package dev.corral.curation.lm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The KenLM golden files in {@code src/test/resources/lm/} (see the README there for how each was
 * made).
 */
final class Goldens {
  private Goldens() {}

  /**
   * One line of KenLM {@code query} output: each word's log10 probability and the sentence total.
   */
  record Query(float[] words, float total, int oov) {}

  static InputStream open(String name) {
    InputStream in = Goldens.class.getResourceAsStream("/lm/" + name);
    if (in == null) {
      throw new IllegalStateException("missing test resource lm/" + name);
    }
    try {
      return name.endsWith(".gz") ? new GZIPInputStream(in) : in;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> lines(String name) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(open(name), StandardCharsets.UTF_8))) {
      return r.lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The training corpus of the order-3 goldens; the order-5 goldens used its first 400 lines. */
  static List<String> corpus(int order) {
    List<String> all = lines("train.txt.gz");
    return order == 5 ? all.subList(0, 400) : all;
  }

  static NgramModel lmplzModel(int order) {
    return ArpaReader.read(open("lmplz.o" + order + ".arpa.gz"), "lmplz.o" + order + ".arpa.gz");
  }

  /** An ARPA resource read by Corral's reader. */
  static NgramModel arpa(String name) {
    return ArpaReader.read(open(name), name);
  }

  /**
   * Parses {@code query}'s lines: {@code word=id n log10p} per word, tab-separated, then {@code
   * Total: t OOV: n}.
   */
  static List<Query> query(String name) {
    List<Query> out = new ArrayList<>();
    for (String line : lines(name)) {
      if (!line.contains("Total: ")) {
        continue; // the summary lines at the end
      }
      String[] fields = line.split("\t");
      float[] words = new float[fields.length - 1];
      for (int i = 0; i < words.length; i++) {
        String f = fields[i];
        words[i] = Float.parseFloat(f.substring(f.lastIndexOf(' ') + 1));
      }
      String[] total = fields[fields.length - 1].split(" ");
      out.add(new Query(words, Float.parseFloat(total[1]), Integer.parseInt(total[3])));
    }
    return out;
  }
}
