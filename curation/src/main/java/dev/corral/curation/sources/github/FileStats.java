package dev.corral.curation.sources.github;

import dev.corral.core.text.PythonStr;

/**
 * The statistics RedPajama v1 filters a cleaned file by ({@code get_filecontent_stats} in {@code
 * rp_v1:data_prep/github/github_clean_dedup_local.py}), with Python's semantics: lengths in code
 * points, lines as {@code str.splitlines()} cuts them, characters classed as {@code str.isalnum()}
 * and {@code str.isalpha()} class them (Unicode 14.0, see {@link PythonStr}). A file without lines
 * has every statistic 0.
 *
 * @param length code points of the content ({@code len(content)})
 * @param lineCount lines ({@code len(content.splitlines())})
 * @param maxLineLength the longest line, without its break
 * @param avgLineLength {@code len(content) / line_count}: line breaks count in the numerator
 * @param alnumProp share of alphanumeric code points
 * @param alphaChars alphabetic code points ({@code num_alpha} of the alpha/token rule)
 */
public record FileStats(
    int length,
    int lineCount,
    int maxLineLength,
    double avgLineLength,
    double alnumProp,
    int alphaChars) {

  /** The statistics of {@code content}, in one pass. */
  public static FileStats of(String content) {
    int n = content.length();
    int codePoints = 0;
    int alnum = 0;
    int alpha = 0;
    int lines = 0;
    int maxLine = 0;
    int line = 0;
    for (int i = 0; i < n; i++) {
      char c = content.charAt(i);
      int cp = c;
      if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(content.charAt(i + 1))) {
        cp = Character.toCodePoint(c, content.charAt(++i));
      }
      codePoints++;
      if (cp < 0x80) {
        boolean letter = (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
        alpha += letter ? 1 : 0;
        alnum += letter || (cp >= '0' && cp <= '9') ? 1 : 0;
      } else {
        alpha += PythonStr.isAlpha(cp) ? 1 : 0;
        alnum += PythonStr.isAlnum(cp) ? 1 : 0;
      }
      if (cp <= 0xFFFF && PythonStr.isLineBreak((char) cp)) {
        lines++;
        maxLine = Math.max(maxLine, line);
        line = 0;
        if (cp == '\r' && i + 1 < n && content.charAt(i + 1) == '\n') {
          i++;
          codePoints++;
        }
      } else {
        line++;
      }
    }
    if (line > 0) {
      lines++;
      maxLine = Math.max(maxLine, line);
    }
    if (lines == 0) {
      return new FileStats(codePoints, 0, 0, 0, 0, alpha);
    }
    return new FileStats(
        codePoints,
        lines,
        maxLine,
        (double) codePoints / lines,
        (double) alnum / codePoints,
        alpha);
  }
}
