package dev.corral.curation.sources.books;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GutenbergText against the reference: every golden Gutenberg file stripped as {@code
 * strip_headers} strips it (expected/gutenberg.jsonl, written by make_golden.py from the real
 * function and from it with the paper-mode fix), byte for byte; decoding and header fields.
 */
class GutenbergTextTest {
  private static String read(String name) throws Exception {
    return GutenbergText.decode(
        Files.readAllBytes(GoldenBooks.folder().resolve("gutenberg").resolve(name + ".txt")));
  }

  @Test
  void stripsEveryGoldenFileAsTheReferenceDoes() throws Exception {
    List<JsonNode> expected = GoldenBooks.expected("gutenberg.jsonl");
    assertTrue(expected.size() >= 20, "the golden set has " + expected.size() + " files");
    int differ = 0;
    for (JsonNode e : expected) {
      String text = read(e.get("id").asText().substring("gutenberg/".length()));
      String redpajama = GutenbergText.strip(text, GutenbergText.Mode.REDPAJAMA);
      String paper = GutenbergText.strip(text, GutenbergText.Mode.PAPER);
      assertEquals(e.get("redpajama").asText(), redpajama, e.get("id").asText());
      assertEquals(e.get("paper").asText(), paper, e.get("id").asText());
      differ += redpajama.equals(paper) ? 0 : 1;
    }
    assertEquals(1, differ, "only the short book differs between the modes");
  }

  /** The quirks the golden set plants, as the reference shows them. */
  @Test
  void theReferenceQuirksAreKeptInRedPajamaMode() throws Exception {
    // A short book never reaches the footer check: its licence stays, and the licence's
    // "The Project Gutenberg..." line even discards the poem before it.
    String shortBook = read("10089");
    String rp = GutenbergText.strip(shortBook, GutenbergText.Mode.REDPAJAMA);
    String paper = GutenbergText.strip(shortBook, GutenbergText.Mode.PAPER);
    assertTrue(rp.contains("501(c)(3)") && !rp.contains("A CURSING"), rp.substring(0, 80));
    assertTrue(paper.startsWith("Distributed Proofreaders") && paper.contains("A CURSING"));
    assertTrue(!paper.contains("END OF THE PROJECT GUTENBERG"));
    // A body line that starts with "Produced by" ends the header, wherever it is.
    String bars = GutenbergText.strip(read("10509"), GutenbergText.Mode.PAPER);
    assertTrue(bars.startsWith("\nThe urgency of the order"), bars.substring(0, 40));
    // A line that starts with "by Project Gutenberg" after 100 lines ends the book.
    String birds = GutenbergText.strip(read("38003"), GutenbergText.Mode.PAPER);
    assertTrue(birds.endsWith("this edition was transcribed and proofread"));
    // Old Small Print headers end at their marker line, in each variant.
    for (String old : List.of("moby10b", "base10", "moon10", "elves10")) {
      String text = GutenbergText.strip(read(old), GutenbergText.Mode.REDPAJAMA);
      assertTrue(!text.contains("SMALL PRINT") && !text.contains("Project Gutenberg"), old);
    }
    // World Library's legalese is left out between the parts of a book.
    assertTrue(!GutenbergText.strip(read("elves10"), GutenbergText.Mode.PAPER).contains("<<"));
  }

  @Test
  void decodesUtf8WithoutItsBomElseWindows1252() throws Exception {
    assertEquals(
        "Ab\u00e9",
        GutenbergText.decode(
            new byte[] {
              (byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'A', 'b', (byte) 0xC3, (byte) 0xA9
            }));
    assertEquals(
        "\u201cq\u201d \u2014 \u00e9\u0081",
        GutenbergText.decode(
            new byte[] {
              (byte) 0x93, 'q', (byte) 0x94, ' ', (byte) 0x97, ' ', (byte) 0xE9, (byte) 0x81
            }));
    String cp1252 = read("10089-8");
    assertTrue(cp1252.contains("\u201cfear of things") && cp1252.contains("\u2014"), "curly");
    assertTrue(
        Files.readString(
                GoldenBooks.folder().resolve("gutenberg/2701-0.txt"), StandardCharsets.UTF_8)
            .startsWith("\uFEFF"));
    assertTrue(read("2701-0").startsWith("The Project Gutenberg eBook of Moby Dick"));
  }

  @Test
  void readsTheHeaderFields() throws Exception {
    GutenbergText.Header moby = GutenbergText.header(read("2701-0"));
    assertEquals("Moby Dick; or The Whale", moby.title());
    assertEquals("Herman Melville", moby.author());
    assertEquals("en", moby.language());
    assertEquals("June, 2001", moby.releaseDate());
    assertEquals(2701L, moby.ebook());
    assertEquals("https://www.gutenberg.org/ebooks/2701", GutenbergText.url(moby));
    GutenbergText.Header moon = GutenbergText.header(read("1013-0"));
    assertEquals("The First Men in the Moon", moon.title());
    assertEquals("October, 1997", moon.releaseDate());
    GutenbergText.Header old = GutenbergText.header(read("moby10b"));
    assertEquals("Moby Dick; or The Whale", old.title());
    assertEquals("Herman Melville", old.author());
    assertNull(old.language());
    assertEquals(2701L, old.ebook());
    GutenbergText.Header none = GutenbergText.header(read("40815"));
    assertNull(none.ebook());
    assertNull(GutenbergText.url(none));
    assertEquals("fr", GutenbergText.languageCode("French and English"));
    assertNull(GutenbergText.languageCode("Esperanto-ish"));
    assertNotEquals(null, GutenbergText.header(read("10089")).title());
  }

  @Test
  void headerAndFooterMarkersFromTheReference() {
    String book = "Title: X\n*** START OF THE PROJECT GUTENBERG EBOOK X ***\nbody\n";
    assertEquals("body", GutenbergText.strip(book, GutenbergText.Mode.REDPAJAMA));
    // Before line 100 only paper mode heeds the footer.
    String shortBook = book + "*** END OF THE PROJECT GUTENBERG EBOOK X ***\nlicence";
    assertEquals(
        "body\n*** END OF THE PROJECT GUTENBERG EBOOK X ***\nlicence",
        GutenbergText.strip(shortBook, GutenbergText.Mode.REDPAJAMA));
    assertEquals("body", GutenbergText.strip(shortBook, GutenbergText.Mode.PAPER));
    assertEquals("", GutenbergText.strip("", GutenbergText.Mode.PAPER));
    // Lines kept after a reset start with an empty one when the text does.
    assertEquals("\nb", GutenbergText.strip("a\nProduced by z\n\nb", GutenbergText.Mode.PAPER));
  }
}
