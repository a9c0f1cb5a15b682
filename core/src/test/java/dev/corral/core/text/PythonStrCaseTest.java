package dev.corral.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PythonStr against Python 3.11 itself: {@code python-unicode.txt} was written by {@code
 * make_python_unicode.py} (beside it) from every code point, so each assertion covers all of
 * Unicode, not a sample.
 */
class PythonStrCaseTest {
  private static final int CODE_POINTS = 0x110000;
  private static final BitSet WORD = new BitSet(CODE_POINTS);
  private static final BitSet CASED = new BitSet(CODE_POINTS);
  private static final BitSet IGNORABLE = new BitSet(CODE_POINTS);
  private static final Map<Integer, String> LOWER = new HashMap<>();

  @BeforeAll
  static void readPythonTable() throws IOException {
    try (InputStream in = PythonStrCaseTest.class.getResourceAsStream("python-unicode.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line = r.readLine();
      assertTrue(line.startsWith("# Python 3.11"), line);
      while ((line = r.readLine()) != null) {
        String[] f = line.split(" ");
        if (f[0].equals("l")) {
          StringBuilder lower = new StringBuilder();
          for (int i = 2; i < f.length; i++) {
            lower.appendCodePoint(Integer.parseInt(f[i], 16));
          }
          LOWER.put(Integer.parseInt(f[1], 16), lower.toString());
        } else {
          BitSet set = f[0].equals("w") ? WORD : f[0].equals("c") ? CASED : IGNORABLE;
          set.set(Integer.parseInt(f[1], 16), Integer.parseInt(f[2], 16) + 1);
        }
      }
    }
    assertTrue(WORD.cardinality() > 130_000 && LOWER.size() > 1_400, "table read whole");
  }

  private static boolean surrogate(int cp) {
    return cp >= 0xD800 && cp <= 0xDFFF;
  }

  @Test
  void wordCharactersAreReWordOnEveryCodePoint() {
    List<String> differ = new ArrayList<>();
    for (int cp = 0; cp < CODE_POINTS; cp++) {
      if (!surrogate(cp) && PythonStr.isWordChar(cp) != WORD.get(cp)) {
        differ.add(Integer.toHexString(cp));
      }
    }
    assertEquals(List.of(), differ);
    assertTrue(PythonStr.isWordChar('_') && !PythonStr.isAlnum('_'));
    assertTrue(!PythonStr.isWordChar(0x0301), "combining marks are not \\w in Python");
  }

  @Test
  void lowerMapsEveryCodePointAsPythonDoes() {
    List<String> differ = new ArrayList<>();
    for (int cp = 0; cp < CODE_POINTS; cp++) {
      if (surrogate(cp)) {
        continue;
      }
      String c = new String(Character.toChars(cp));
      if (!PythonStr.lower(c).equals(LOWER.getOrDefault(cp, c))) {
        differ.add(Integer.toHexString(cp));
      }
    }
    assertEquals(List.of(), differ);
  }

  /**
   * The final-sigma context, probed as the table was: equal on every code point Java 17 knows,
   * except U+1734, which Unicode 14 moved from Mn (ignorable) to Mc.
   */
  @Test
  void finalSigmaContextMatchesPythonWhereJavaKnowsTheCodePoint() {
    List<String> differ = new ArrayList<>();
    int unassigned = 0;
    for (int cp = 0; cp < CODE_POINTS; cp++) {
      if (surrogate(cp) || cp == 0x3A3) {
        continue;
      }
      String c = new String(Character.toChars(cp));
      boolean cased = PythonStr.lower("A\u03a3" + c).charAt(1) == '\u03c3';
      boolean either = PythonStr.lower("A\u03a3" + c + "a").charAt(1) == '\u03c3';
      boolean ignorable = either && !cased;
      if (cased != CASED.get(cp) || ignorable != IGNORABLE.get(cp)) {
        if (Character.getType(cp) == Character.UNASSIGNED) {
          unassigned++;
        } else {
          differ.add(Integer.toHexString(cp));
        }
      }
    }
    assertEquals(List.of("1734"), differ);
    assertTrue(unassigned < 400, unassigned + " Unicode 14 code points differ");
  }

  /** Outputs printed by Python 3.11 for the same inputs. */
  @Test
  void lowerOfWholeStrings() {
    assertEquals("οδυσσευς", PythonStr.lower("ΟΔΥΣΣΕΥΣ"));
    assertEquals("οδυσσευς.", PythonStr.lower("ΟΔΥΣΣΕΥΣ."));
    assertEquals("σ", PythonStr.lower("Σ"));
    assertEquals("ας1", PythonStr.lower("ΑΣ1"));
    assertEquals("ασ'α", PythonStr.lower("ΑΣ'Α"));
    assertEquals("ας'", PythonStr.lower("ΑΣ'"));
    assertEquals("ας\u0301", PythonStr.lower("ΑΣ\u0301"));
    assertEquals("a\u0301ς b", PythonStr.lower("a\u0301Σ b"));
    assertEquals("i\u0307stanbul", PythonStr.lower("İSTANBUL"));
    String ascii = "already lower 123";
    assertTrue(ascii == PythonStr.lower(ascii), "no copy when nothing changes");
  }

  @Test
  void splitlinesAsPython() {
    assertEquals(
        List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"),
        PythonStr.splitlines("a\r\nb\rc\nd\u000be\u000cf\u001cg\u0085h\u2028i\u2029j"));
    assertEquals(List.of("x"), PythonStr.splitlines("x\n"));
    assertEquals(List.of("", "", "x"), PythonStr.splitlines("\n\nx"));
    assertEquals(List.of(), PythonStr.splitlines(""));
    assertEquals(List.of("a"), PythonStr.splitlines("a\r"));
    assertEquals(List.of("a", "", "b"), PythonStr.splitlines("a\r\r\nb"));
  }
}
