package dev.corral.curation.sources.arxiv;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * What a paper's file name says, as RedPajama derives it ({@code arxiv_cleaner.py}, {@code
 * utils.format_arxiv_id}): the id is the file's stem ({@code 2301.00001} of {@code
 * 2301/2301.00001.gz}), formatted by {@code ^([a-zA-Z-]*)([\d\.]+)$} into {@code archive/number}
 * for old-style ids ({@code hep-th9901001} becomes {@code hep-th/9901001}) and kept as it is when
 * it does not match; {@code yymm} is the folder holding the file; times print as Python's {@code
 * datetime.fromtimestamp(t).isoformat()} in UTC.
 */
public final class ArxivNames {
  /** RedPajama's {@code ARXIV_URL}. */
  public static final String ABS_URL = "https://arxiv.org/abs/";

  /** Prefix of the {@code id} column: {@code arxiv/2301.00001}, {@code arxiv/hep-th/9901001}. */
  public static final String ID_PREFIX = "arxiv/";

  private ArxivNames() {}

  /** {@code pathlib.PurePath(name).stem}: the last component without its last suffix. */
  static String stem(String path) {
    String name = lastComponent(path);
    int dot = name.lastIndexOf('.');
    return dot > 0 && dot < name.length() - 1 ? name.substring(0, dot) : name;
  }

  /**
   * RedPajama's {@code yymm}: the stem of the folder holding {@code path} (a tar member's or a
   * file's path); null for a member at the root of its tar (RedPajama would take its temporary
   * folder's name).
   */
  static String yymm(String path) {
    String trimmed = trimSlashes(path);
    int slash = trimmed.lastIndexOf('/');
    if (slash < 0) {
      return null;
    }
    String parent = trimSlashes(trimmed.substring(0, slash));
    while (parent.endsWith("/.") || parent.equals(".")) {
      parent = trimSlashes(parent.substring(0, parent.length() - 1));
    }
    return parent.isEmpty() ? null : stem(parent);
  }

  /** {@code format_arxiv_id}: {@code archive/number} for old-style ids, else the id itself. */
  public static String formatId(String raw) {
    // Python's $ also matches before a final newline.
    String s = raw.endsWith("\n") ? raw.substring(0, raw.length() - 1) : raw;
    int i = 0;
    while (i < s.length() && isArchiveChar(s.charAt(i))) {
      i++;
    }
    if (i == s.length()) {
      return raw;
    }
    for (int j = i; j < s.length(); ) {
      int c = s.codePointAt(j);
      // Python's \d: any Unicode decimal digit.
      if (c != '.' && Character.getType(c) != Character.DECIMAL_DIGIT_NUMBER) {
        return raw;
      }
      j += Character.charCount(c);
    }
    return i == 0 ? s : s.substring(0, i) + "/" + s.substring(i);
  }

  private static boolean isArchiveChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
  }

  /** {@code datetime.fromtimestamp(t).isoformat()} in UTC: microseconds only when not zero. */
  public static String timestamp(long seconds, int micros) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, micros * 1000, ZoneOffset.UTC);
    String s =
        String.format(
            java.util.Locale.ROOT,
            "%04d-%02d-%02dT%02d:%02d:%02d",
            t.getYear(),
            t.getMonthValue(),
            t.getDayOfMonth(),
            t.getHour(),
            t.getMinute(),
            t.getSecond());
    return micros == 0 ? s : s + String.format(java.util.Locale.ROOT, ".%06d", micros);
  }

  private static String lastComponent(String path) {
    String trimmed = trimSlashes(path);
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }

  private static String trimSlashes(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '/') {
      end--;
    }
    return s.substring(0, end);
  }
}
