package dev.corral.curation.sources.arxiv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * How a paper's archive becomes its {@code .tex} files: {@link PaperArchive} against RedPajama's
 * {@code _tex_proj_loader} run on 38 odd archives ({@code loader-cases.jsonl}, made by {@code
 * make-golden.py}: empty files, gzip header fields, padding, garbage, damage, bzip2/xz, plain,
 * ustar, pax and GNU tars, links, folders and FIFOs named {@code .tex}, Latin-1, cut tars), and
 * {@link Tar}'s number, path and id helpers against Python's values.
 */
class PaperArchiveTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyOddArchiveLoadsAsRedPajamaLoadsIt() throws IOException {
    int cases = 0;
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                Objects.requireNonNull(getClass().getResourceAsStream("/arxiv/loader-cases.jsonl")),
                StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        JsonNode c = JSON.readTree(line);
        String name = c.get("name").asText();
        PaperArchive.Loaded loaded =
            PaperArchive.load(Base64.getDecoder().decode(c.get("archive").asText()), 1 << 20);
        if (c.get("files").isNull()) {
          String why =
              c.get("why").asText().equals("unicode") ? "non_utf8_tex" : "unreadable_archive";
          assertEquals(why, loaded.skipReason(), name);
        } else {
          assertNull(loaded.skipReason(), name);
          List<String> expected = new ArrayList<>();
          c.get("files").forEach(f -> expected.add(f.asText()));
          assertEquals(expected, loaded.files(), name);
        }
        cases++;
      }
    }
    assertEquals(38, cases);
  }

  @Test
  void decompressionBeyondTheLimitSkipsThePaper() {
    byte[] zeros = new byte[1 << 16];
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.GZIPOutputStream(gz)) {
      out.write(zeros);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertEquals("too_large", PaperArchive.load(gz.toByteArray(), 1000).skipReason());
    assertNull(PaperArchive.load(gz.toByteArray(), 1 << 17).skipReason());
  }

  @Test
  void numberFieldsParseAsTarfileNtiDoes() throws Tar.HeaderException {
    assertEquals(420, nti("0000644\0"));
    assertEquals(493, nti(" 755 \0\0"));
    assertEquals(15, nti("0o17\0\0\0\0"));
    assertEquals(10, nti("1_2\0\0\0\0\0"));
    assertEquals(-10, nti("-12\0\0\0\0\0"));
    assertEquals(0, nti("\0\0\0\0\0\0\0\0"));
    assertEquals(0, nti("   \0\0\0\0\0"));
    assertEquals(7, nti("+7\0\0\0\0\0\0"));
    assertEquals(7, nti("0o_7\0\0\0\0"));
    assertEquals(7, nti("\u001c7\u001f\0\0\0\0\0"));
    assertEquals(256, Tar.number(new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 1, 0}, 0, 8));
    byte[] minus2 = {-1, -1, -1, -1, -1, -1, -1, -2};
    assertEquals(-2, Tar.number(minus2, 0, 8));
    for (String bad :
        List.of("_1\0\0\0\0\0\0", "1_\0\0\0\0\0\0", "1__2\0\0\0\0", "8\0\0\0\0\0\0\0")) {
      assertThrows(Tar.HeaderException.class, () -> nti(bad), bad);
    }
  }

  private static long nti(String field) throws Tar.HeaderException {
    byte[] b = field.getBytes(StandardCharsets.ISO_8859_1);
    return Tar.number(b, 0, b.length);
  }

  @Test
  void pathsNormaliseAsPosixpathDoes() {
    assertEquals("a/c", Tar.normpath("a/b/../c"));
    assertEquals("//x/y", Tar.normpath("//x/./y"));
    assertEquals("/x", Tar.normpath("///x"));
    assertEquals(".", Tar.normpath(""));
    assertEquals(".", Tar.normpath("."));
    assertEquals("../a", Tar.normpath("../a"));
    assertEquals("../b", Tar.normpath("a/../../b"));
    assertEquals("/", Tar.normpath("/.."));
    assertEquals("a/b", Tar.normpath("a//b/"));
    assertEquals("a", Tar.dirname("a/b.tex"));
    assertEquals("", Tar.dirname("b.tex"));
    assertEquals("/", Tar.dirname("/x"));
    assertEquals("//", Tar.dirname("//x"));
    assertEquals("a", Tar.dirname("a//b"));
  }

  @Test
  void idsAndMonthsAsRedPajamaFormatsThem() {
    assertEquals("2301.00001", ArxivNames.formatId("2301.00001"));
    assertEquals("hep-th/9901001", ArxivNames.formatId("hep-th9901001"));
    assertEquals("math/0702001", ArxivNames.formatId("math0702001"));
    assertEquals("q-bio/0702003", ArxivNames.formatId("q-bio0702003"));
    assertEquals("not_an_id", ArxivNames.formatId("not_an_id"));
    assertEquals("solv-int", ArxivNames.formatId("solv-int"));
    assertEquals("2301.00001", ArxivNames.stem("2301/2301.00001.gz"));
    assertEquals("hep-th9901001", ArxivNames.stem("9901/hep-th9901001.gz"));
    assertEquals(".gz", ArxivNames.stem(".gz"));
    assertEquals("2301", ArxivNames.yymm("2301/2301.00001.gz"));
    assertEquals("2301", ArxivNames.yymm("./2301//2301.00001.gz"));
    assertNull(ArxivNames.yymm("2301.00001.gz"));
    assertEquals("2023-01-01T12:00:00", ArxivNames.timestamp(1672574400, 0));
    assertEquals("2023-01-01T12:00:00.000250", ArxivNames.timestamp(1672574400, 250));
    assertEquals("1969-12-31T23:59:59", ArxivNames.timestamp(-1, 0));
  }
}
