package dev.corral.curation.quality.heuristics;

import dev.corral.core.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bad-words list and its matcher, as C4's reference code uses it (tensorflow_datasets {@code
 * c4_utils}): a lowercased line contains a bad word when an entry occurs in it with no ASCII letter
 * {@code a-z} right before or right after it, so "ass" matches in "an ass." but not in "class".
 * Entries may be phrases ("blow job") or hold digits and symbols ("2g1c", "s&amp;m"). C4's regular
 * expression also demanded a character before and after the entry; here the start and end of the
 * line count as boundaries too, as in DataTrove.
 *
 * <p>The English list (LDNOOBW, CC BY 4.0, see {@code NOTICE.md} beside the resource) is bundled
 * and loaded once per JVM by {@link #english()}.
 */
public final class BadWords {
  /** Classpath resource of the bundled English list. */
  public static final String ENGLISH_RESOURCE = "/dev/corral/curation/quality/badwords-en.txt";

  // Entries keyed by their first char: each start position is checked against a handful of entries
  // only.
  private final Map<Character, List<String>> byFirstChar;
  private final int size;

  /** A matcher for {@code entries} (lowercased, blank ones ignored). */
  public BadWords(List<String> entries) {
    Map<Character, List<String>> map = new HashMap<>();
    int n = 0;
    for (String e : entries) {
      String entry = e.strip().toLowerCase(Locale.ROOT);
      if (!entry.isEmpty()) {
        map.computeIfAbsent(entry.charAt(0), c -> new ArrayList<>()).add(entry);
        n++;
      }
    }
    byFirstChar = map;
    size = n;
  }

  /** The bundled English list, loaded on first use. */
  public static BadWords english() {
    return EnglishHolder.INSTANCE;
  }

  /** Number of entries. */
  public int size() {
    return size;
  }

  /** The first entry found in {@code lowerLine} (already lowercased), or null. */
  public String find(String lowerLine) {
    int n = lowerLine.length();
    for (int i = 0; i < n; i++) {
      if (i > 0 && isAsciiLetter(lowerLine.charAt(i - 1))) {
        continue;
      }
      List<String> candidates = byFirstChar.get(lowerLine.charAt(i));
      if (candidates == null) {
        continue;
      }
      for (String entry : candidates) {
        int end = i + entry.length();
        if (lowerLine.startsWith(entry, i) && (end == n || !isAsciiLetter(lowerLine.charAt(end)))) {
          return entry;
        }
      }
    }
    return null;
  }

  private static boolean isAsciiLetter(char c) {
    return c >= 'a' && c <= 'z';
  }

  // The holder idiom: the list is read when english() is first called, once per JVM (so once per
  // executor).
  private static final class EnglishHolder {
    static final BadWords INSTANCE = load(ENGLISH_RESOURCE);

    private static BadWords load(String resource) {
      try (InputStream in = BadWords.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw Errors.badInput(resource, "bundled bad-words list is missing from the classpath");
        }
        return new BadWords(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
      } catch (IOException e) {
        throw Errors.unreadable(resource, e);
      }
    }
  }
}
