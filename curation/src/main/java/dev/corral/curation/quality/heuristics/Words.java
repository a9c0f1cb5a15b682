package dev.corral.curation.quality.heuristics;

import dev.corral.core.text.PythonStr;
import java.util.ArrayList;
import java.util.List;

/**
 * How the heuristic filters split text into words and lines, defined once so that every number they
 * report means the same thing.
 *
 * <p><b>Words.</b> Gopher (Rae et al. 2021, appendix A.1.1) does not say how it splits words;
 * DataTrove uses NLTK's {@code word_tokenize}, which makes punctuation its own tokens. Corral
 * splits on Python's whitespace ({@code str.split()}) and trims each token of leading and trailing
 * characters that are neither letters nor digits, dropping tokens that become empty: {@code
 * "Hello,"} is {@code Hello}, {@code "#tag"} is {@code tag}, {@code "e.g."} is {@code e.g}, {@code
 * "3.14"} stays, and {@code "—"}, {@code "..."} or {@code "•"} are no words. This matches {@code
 * word_tokenize} on counts and mean lengths for ordinary prose (both leave punctuation out) without
 * a tokenizer model. Lengths are in Unicode code points.
 *
 * <p><b>Lines</b> are split on {@code \n}, {@code \r\n} or {@code \r}. <b>Paragraphs</b> are
 * separated by two or more line breaks, possibly with blanks between them.
 */
public final class Words {
  private Words() {}

  /** The words of {@code text}, in order. */
  public static List<String> of(String text) {
    List<String> words = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && PythonStr.isSpace(text.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !PythonStr.isSpace(text.charAt(i))) {
        i++;
      }
      int from = start;
      int to = i;
      while (from < to && !Character.isLetterOrDigit(text.codePointAt(from))) {
        from += Character.charCount(text.codePointAt(from));
      }
      while (to > from && !Character.isLetterOrDigit(text.codePointBefore(to))) {
        to -= Character.charCount(text.codePointBefore(to));
      }
      if (from < to) {
        words.add(text.substring(from, to));
      }
    }
    return words;
  }

  /** The length of {@code word} in code points. */
  public static int length(String word) {
    return word.codePointCount(0, word.length());
  }

  /** Whether {@code word} holds at least one alphabetic character. */
  public static boolean hasLetter(String word) {
    for (int i = 0; i < word.length(); i += Character.charCount(word.codePointAt(i))) {
      if (Character.isLetter(word.codePointAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The lines of {@code text}: split on any line break, blank lines included, no trailing empty
   * line.
   */
  public static List<String> lines(String text) {
    return text.lines().toList();
  }

  /** The paragraphs of {@code text}: runs of lines separated by at least one blank line. */
  public static List<String> paragraphs(String text) {
    List<String> paragraphs = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : lines(text)) {
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          paragraphs.add(current.toString());
          current.setLength(0);
        }
      } else {
        if (!current.isEmpty()) {
          current.append('\n');
        }
        current.append(line);
      }
    }
    if (!current.isEmpty()) {
      paragraphs.add(current.toString());
    }
    return paragraphs;
  }
}
