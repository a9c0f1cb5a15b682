package dev.corral.curation.lm;

import java.util.HashMap;
import java.util.Map;

/** An ARPA text as plain maps, for comparing two models entry by entry in tests. */
record Arpa(long[] counts, Map<String, float[]> entries) {
  /** Entries keyed by {@code "k:words"}, values {log10 prob, log10 back-off or NaN}. */
  static Arpa parse(Iterable<String> lines) {
    long[] counts = new long[10];
    int order = 0;
    int k = 0;
    Map<String, float[]> entries = new HashMap<>();
    for (String line : lines) {
      if (line.startsWith("ngram ")) {
        String[] kv = line.substring(6).split("=");
        order = Integer.parseInt(kv[0]);
        counts[order - 1] = Long.parseLong(kv[1]);
      } else if (line.matches("\\\\\\d+-grams:")) {
        k = Integer.parseInt(line.substring(1, line.indexOf('-')));
      } else if (k > 0 && !line.isEmpty() && !line.startsWith("\\")) {
        String[] f = line.split("\t");
        entries.put(
            k + ":" + f[1],
            new float[] {
              Float.parseFloat(f[0]), f.length > 2 ? Float.parseFloat(f[2]) : Float.NaN
            });
      }
    }
    return new Arpa(java.util.Arrays.copyOf(counts, order), entries);
  }
}
