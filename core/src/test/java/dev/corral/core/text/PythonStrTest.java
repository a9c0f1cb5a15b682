package dev.corral.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * Python's character classes and line splitting against what Python 3.11 (Unicode 14.0) itself
 * says, over every code point ({@code python-unicode-classes.txt}, written by {@code
 * make-unicode-ranges.py} beside it).
 */
class PythonStrTest {
  private static List<String> golden() throws IOException {
    try (InputStream in = PythonStrTest.class.getResourceAsStream("python-unicode-classes.txt")) {
      return Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
    }
  }

  private static BitSet ranges(String kind) throws IOException {
    BitSet set = new BitSet(0x110000);
    for (String line : golden()) {
      if (line.startsWith(kind + " ")) {
        for (String r : line.substring(kind.length() + 1).split(" ")) {
          String[] ends = r.split("-");
          set.set(Integer.parseInt(ends[0], 16), Integer.parseInt(ends[1], 16) + 1);
        }
      }
    }
    return set;
  }

  private static void assertSameClass(BitSet python, IntPredicate corral, String name) {
    List<String> differ = new ArrayList<>();
    for (int cp = 0; cp < 0x110000; cp++) {
      if (python.get(cp) != corral.test(cp)) {
        differ.add(Integer.toHexString(cp));
      }
    }
    assertEquals(List.of(), differ.subList(0, Math.min(20, differ.size())), name);
  }

  @Test
  void isAlphaIsPythons() throws IOException {
    BitSet python = ranges("isalpha");
    assertEquals(true, python.cardinality() > 130_000); // the golden file was read
    assertSameClass(python, PythonStr::isAlpha, "isalpha");
  }

  @Test
  void isAlnumIsPythons() throws IOException {
    assertSameClass(ranges("isalnum"), PythonStr::isAlnum, "isalnum");
  }

  @Test
  void splitlinesBreaksWherePythonDoes() throws IOException {
    int checked = 0;
    for (String line : golden()) {
      if (!line.startsWith("splitlines ")) {
        continue;
      }
      String[] fields = line.substring("splitlines ".length()).split("\t", -1);
      String text = unescape(fields[0]);
      int[] expected =
          fields[1].isEmpty()
              ? new int[0]
              : Arrays.stream(fields[1].split(",")).mapToInt(Integer::parseInt).toArray();
      assertArrayEquals(expected, PythonStr.splitlinesLengths(text), fields[0]);
      assertArrayEquals(
          expected,
          PythonStr.splitlines(text).stream().mapToInt(PythonStr::length).toArray(),
          fields[0]);
      checked++;
    }
    assertEquals(10, checked);
  }

  /** Python's {@code unicode_escape} encoding, decoded. */
  private static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char k = s.charAt(++i);
      int digits =
          switch (k) {
            case 'x' -> 2;
            case 'u' -> 4;
            case 'U' -> 8;
            default -> 0;
          };
      if (digits == 0) {
        out.append(
            switch (k) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              default -> k;
            });
      } else {
        out.appendCodePoint(Integer.parseInt(s.substring(i + 1, i + 1 + digits), 16));
        i += digits;
      }
    }
    return out.toString();
  }
}
