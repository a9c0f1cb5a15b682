package dev.corral.curation.sources.arxiv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.curation.sources.arxiv.TexCleaner.Cleaned;
import dev.corral.curation.sources.arxiv.TexCleaner.Rules;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link TexCleaner} against RedPajama v1's {@code clean_tex_files} as run by {@code
 * arxiv/make-golden.py}: SOURCES.md's A.3 example, then 600 seeded random snippets of the pieces
 * every rule looks at (headers with and without {@code *}/{@code [..]}, comments, {@code \%},
 * bibliography and appendix markers, {@code \newcommand}/{@code \renewcommand}/{@code \def}
 * definitions with ASCII, control and non-ASCII values, uses of each macro, CR/LF/NEL/U+2028,
 * emoji) in both modes. RedPajama's exceptions must come out as {@link
 * TexCleaner#MACRO_ESCAPE_ERROR}.
 */
class TexCleanerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<JsonNode> cases() throws IOException {
    List<JsonNode> cases = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                Objects.requireNonNull(
                    TexCleanerTest.class.getResourceAsStream("/arxiv/clean-cases.jsonl")),
                StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        cases.add(JSON.readTree(line));
      }
    }
    return cases;
  }

  private static List<String> files(JsonNode c) {
    List<String> files = new ArrayList<>();
    c.get("files").forEach(f -> files.add(f.asText()));
    return files;
  }

  @Test
  void sourcesMdExampleA3() {
    String file1 =
        "\\documentclass{article}\n"
            + "\\newcommand{\\R}{\\mathbb{R}}\n"
            + "\\def\\eps{\\varepsilon}\n"
            + "\\begin{document}\n"
            + "\\title{T}\n"
            + "% a full-line comment\n"
            + "\\section{Introduction}\n"
            + "Let $x\\in\\R$ and $\\eps>0$. % trailing comment\n"
            + "We have 50\\% of cases.%\n"
            + "Text\\Rx stays.\n"
            + "\\section*{Method}\n"
            + "Body.\n"
            + "\\bibliography{refs}\n"
            + "\\end{document}\n";
    String file2 = "\\input{intro}\njust text without sections\n";
    Cleaned rp = TexCleaner.clean(List.of(file1, file2), Rules.REDPAJAMA);
    assertEquals(
        "\\section{Introduction}\nLet $x\\in\\mathbb{R}$ and $\\varepsilon>0$.\nWe have 50\\% of"
            + " cases.%\nText\\Rx stays.\n\\section*{Method}\nBody.\n\n",
        rp.text());
    assertNull(rp.dropReason());
    // The paper's rules keep the space before the comment and drop the % ending a line.
    assertEquals(
        "\\section{Introduction}\nLet $x\\in\\mathbb{R}$ and $\\varepsilon>0$. \nWe have 50\\% of"
            + " cases.\nText\\Rx stays.\n\\section*{Method}\nBody.\n\n",
        TexCleaner.clean(List.of(file1, file2), Rules.PAPER).text());
  }

  @Test
  void equalsRedPajamaOnEveryRandomSnippetInBothModes() throws IOException {
    int errors = 0;
    int differ = 0;
    List<JsonNode> cases = cases();
    for (int i = 0; i < cases.size(); i++) {
      JsonNode c = cases.get(i);
      List<String> files = files(c);
      Cleaned rp = TexCleaner.clean(files, Rules.REDPAJAMA);
      if (c.get("redpajama").isNull()) {
        errors++;
        assertEquals(TexCleaner.MACRO_ESCAPE_ERROR, rp.dropReason(), "case " + i + ": " + c);
      } else {
        assertEquals(c.get("redpajama").asText(), rp.text(), "case " + i + ": " + c);
        assertTrue(
            rp.dropReason() == null || rp.dropReason().equals(TexCleaner.EMPTY_TEXT), "case " + i);
        assertEquals(rp.text().isEmpty(), TexCleaner.EMPTY_TEXT.equals(rp.dropReason()));
      }
      Cleaned paper = TexCleaner.clean(files, Rules.PAPER);
      assertEquals(c.get("paper").asText(), paper.text(), "case " + i + ": " + c);
      differ += c.get("paper").equals(c.get("redpajama")) ? 0 : 1;
    }
    // The cases exercise both outcomes and both modes' differences, not just the easy path.
    assertTrue(errors > 50 && errors < cases.size() / 2, "RedPajama errors: " + errors);
    assertTrue(differ > 100, "cases where the modes differ: " + differ);
  }

  @Test
  void blankTextIsDroppedOnlyByThePapersRules() {
    // Two files without a section join to "\n": RedPajama keeps that record, the paper does not.
    List<String> files = List.of("no header\n", "none here either\n");
    assertEquals(new Cleaned("\n", null), TexCleaner.clean(files, Rules.REDPAJAMA));
    assertEquals(new Cleaned("\n", TexCleaner.EMPTY_TEXT), TexCleaner.clean(files, Rules.PAPER));
    assertEquals(
        new Cleaned("", TexCleaner.EMPTY_TEXT),
        TexCleaner.clean(List.of("no header\n"), Rules.REDPAJAMA));
    assertEquals(
        new Cleaned("", TexCleaner.NO_TEX_FILES), TexCleaner.clean(List.of(), Rules.PAPER));
  }

  @Test
  void aBadMacroValueFailsThePaperOnlyWhenAFileReachesExpansion() {
    String macro = "\\newcommand{\\ua}{\u00fc}\n";
    Cleaned withSection =
        TexCleaner.clean(List.of(macro + "\\section{A}\n\\ua{} x\n"), Rules.REDPAJAMA);
    assertEquals(TexCleaner.MACRO_ESCAPE_ERROR, withSection.dropReason());
    // No file has a section: Python returns before compiling the replacement; the text is empty.
    assertEquals(
        TexCleaner.EMPTY_TEXT,
        TexCleaner.clean(List.of(macro + "no section\n"), Rules.REDPAJAMA).dropReason());
    assertEquals(
        new Cleaned("\\section{A}\n\u00fc{} x\n", null),
        TexCleaner.clean(List.of(macro + "\\section{A}\n\\ua{} x\n"), Rules.PAPER));
  }

  @Test
  void expansionConsumesTheFollowingCharacter() {
    assertEquals("v\\R\\R", TexCleaner.expand("\\R\\R\\R", "\\R", "v"));
    assertEquals("v\\R v.", TexCleaner.expand("\\R\\R \\R.", "\\R", "v"));
    assertEquals("\\Rx v\ud83d\ude00", TexCleaner.expand("\\Rx \\R\ud83d\ude00", "\\R", "v"));
    assertEquals("a$1\\b,", TexCleaner.expand("\\g,", "\\g", "a$1\\b"));
    assertEquals("\\R", TexCleaner.expand("\\R", "\\R", "v"));
  }

  @Test
  void handScansMatchTheRegexesTheyReplace() {
    // The rules as regexes (Java's with UNIX_LINES match Python's here), scanned by hand for speed.
    int lines = Pattern.UNIX_LINES | Pattern.MULTILINE;
    Pattern inlineRedPajama = Pattern.compile("[^\\\\]%.+$", lines);
    Pattern inlinePaper = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)%.*$", lines);
    String bibliography =
        "\\\\begin\\{references\\}|\\\\begin\\{REFERENCES\\}|\\\\begin\\{thebibliography\\}"
            + "|\\\\bibliography\\{.*\\}";
    int dotall = Pattern.DOTALL | Pattern.UNIX_LINES;
    Pattern tailRedPajama = Pattern.compile("(\\\\appendix|" + bibliography + ").*$", dotall);
    Pattern tailPaper = Pattern.compile("(" + bibliography + ").*$", dotall);
    String[] pieces = {
      "%",
      "%",
      "\\",
      "\\",
      "\n",
      "\n",
      "a",
      " ",
      "\ud83d\ude00",
      "}",
      "{",
      "\r",
      "\\appendix",
      "\\bibliography{",
      "\\begin{references}",
      "\\begin{REFERENCES}",
      "\\begin{thebibliography}",
      "\\begin{reference}",
      "\\appendices"
    };
    Random random = new Random(15);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int k = random.nextInt(30); k > 0; k--) {
        b.append(pieces[random.nextInt(pieces.length)]);
      }
      String text = b.toString();
      assertEquals(
          inlineRedPajama.matcher(text).replaceAll(""),
          TexCleaner.removeInlineCommentsRedPajama(text),
          text);
      assertEquals(
          inlinePaper.matcher(text).replaceAll("$1"), TexCleaner.removeInlineComments(text), text);
      Matcher rp = tailRedPajama.matcher(text);
      assertEquals(rp.find() ? rp.start() : -1, TexCleaner.tailStart(text, Rules.REDPAJAMA), text);
      Matcher paper = tailPaper.matcher(text);
      assertEquals(
          paper.find() ? paper.start() : -1, TexCleaner.tailStart(text, Rules.PAPER), text);
    }
  }

  @Test
  void onePassExpansionEqualsOnePassPerMacro() {
    String[] names = {"\\R", "\\Rx", "\\a", "\\ab", "\\b1", "\\eps"};
    String[] values = {
      "v",
      "",
      "{x}",
      "\\mathbb{R}",
      "\\R",
      "\\a",
      "\\ab ",
      "x\\Rx",
      "1",
      "\\\\",
      " ",
      "\ud83d\ude00",
      "\\eps{}"
    };
    String[] pieces = {
      "\\R",
      "\\Rx",
      "\\a",
      "\\ab",
      "\\b1",
      "\\eps",
      "\\",
      " ",
      "x",
      "1",
      "{",
      "}",
      ".",
      "\n",
      "\ud83d\ude00",
      "\\R\\R",
      "\\a\\ab"
    };
    Random random = new Random(16);
    int onePass = 0;
    for (int i = 0; i < 50_000; i++) {
      Map<String, String> macros = new LinkedHashMap<>();
      for (int k = random.nextInt(5); k > 0; k--) {
        macros.put(names[random.nextInt(names.length)], values[random.nextInt(values.length)]);
      }
      StringBuilder b = new StringBuilder();
      for (int k = random.nextInt(25); k > 0; k--) {
        b.append(pieces[random.nextInt(pieces.length)]);
      }
      String text = b.toString();
      String expected = text;
      for (Map.Entry<String, String> m : macros.entrySet()) {
        expected = TexCleaner.expand(expected, m.getKey(), m.getValue());
      }
      assertEquals(expected, TexCleaner.expandAll(text, macros), text + " " + macros);
      String once = macros.isEmpty() ? null : TexCleaner.expandInOnePass(text, macros);
      if (once != null) {
        assertEquals(expected, once, text + " " + macros);
        onePass++;
      }
    }
    assertTrue(onePass > 10_000, "one pass taken " + onePass + " times");
  }
}
