package dev.corral.curation.sources.wikipedia;

import dev.corral.core.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * Writes dumps in the formats dumps.wikimedia.org serves, for tests: MediaWiki XML (plain, bzip2
 * with small blocks so that a small file has many, multistream with its index) and CirrusSearch
 * content dumps (gzip). Page texts are UDHR paragraphs in wikitext markup.
 */
public final class DumpFixtures {
  private DumpFixtures() {}

  /** A page of a dump: what {@link #pageXml} writes. */
  public record TestPage(String title, int ns, long id, boolean redirect, String text) {}

  public static String header(String dbname, String mediaName, String categoryName) {
    return "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.10/\" version=\"0.10\" xml:lang=\"en\">\n"
        + "  <siteinfo>\n    <sitename>Wikipedia</sitename>\n    <dbname>"
        + dbname
        + "</dbname>\n    <base>https://en.wikipedia.org/wiki/Main_Page</base>\n"
        + "    <generator>MediaWiki 1.39.0-wmf.18</generator>\n    <case>first-letter</case>\n"
        + "    <namespaces>\n      <namespace key=\"-2\" case=\"first-letter\">Media</namespace>\n"
        + "      <namespace key=\"0\" case=\"first-letter\" />\n"
        + "      <namespace key=\"1\" case=\"first-letter\">Talk</namespace>\n"
        + "      <namespace key=\"6\" case=\"first-letter\">"
        + mediaName
        + "</namespace>\n      <namespace key=\"14\" case=\"first-letter\">"
        + categoryName
        + "</namespace>\n    </namespaces>\n  </siteinfo>\n";
  }

  public static final String FOOTER = "</mediawiki>\n";

  public static String pageXml(TestPage p) {
    String text =
        p.text() == null
            ? "      <text bytes=\"0\" xml:space=\"preserve\" />\n"
            : "      <text bytes=\""
                + p.text().getBytes(StandardCharsets.UTF_8).length
                + "\" xml:space=\"preserve\">"
                + escape(p.text())
                + "</text>\n";
    return "  <page>\n    <title>"
        + escape(p.title())
        + "</title>\n    <ns>"
        + p.ns()
        + "</ns>\n    <id>"
        + p.id()
        + "</id>\n"
        + (p.redirect() ? "    <redirect title=\"Target\" />\n" : "")
        + "    <revision>\n      <id>"
        + (1_000_000 + p.id())
        + "</id>\n      <timestamp>2022-06-20T00:00:00Z</timestamp>\n"
        + "      <contributor>\n        <username>Editor</username>\n        <id>7</id>\n"
        + "      </contributor>\n      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
        + text
        + "      <sha1>abc</sha1>\n    </revision>\n  </page>\n";
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** UDHR paragraphs of the shared data, in the order of the file. */
  static List<String> udhr() {
    try {
      List<String> out = new ArrayList<>();
      for (String line :
          Files.readAllLines(
              TestSpark.sharedDir().resolve("data/udhr-dev.tsv"), StandardCharsets.UTF_8)) {
        String[] f = line.split("\t");
        if (f.length == 3 && f[2].length() > 60) {
          out.add(f[2]);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code n} pages: articles of two or three UDHR paragraphs in markup (links, a template, a
   * reference, a heading, a category), every 7th a talk page, every 11th a redirect, every 13th
   * empty.
   */
  public static List<TestPage> pages(int n) {
    List<String> udhr = udhr();
    List<TestPage> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long id = 10 + i * 3L;
      String a = udhr.get((i * 3) % udhr.size());
      String b = udhr.get((i * 3 + 1) % udhr.size());
      String c = udhr.get((i * 3 + 2) % udhr.size());
      String text =
          "{{Infobox|name=Page "
              + i
              + "|image=[[File:P"
              + i
              + ".jpg|200px]]}}\n'''Page "
              + i
              + "''' "
              + a
              + "<ref>{{cite web|url=https://example.org/"
              + i
              + "}}</ref>\n\n== Section ==\n[[Topic "
              + i
              + "|"
              + b.substring(0, Math.min(20, b.length()))
              + "]]"
              + b.substring(Math.min(20, b.length()))
              + "\n\n"
              + c
              + "\n\n[[Category:Test pages]]";
      if (i % 13 == 12) {
        out.add(new TestPage("Empty " + i, 0, id, false, null));
      } else if (i % 11 == 10) {
        out.add(new TestPage("Redirect " + i, 0, id, true, "#REDIRECT [[Page 1]]"));
      } else if (i % 7 == 6) {
        out.add(new TestPage("Talk:Page " + i, 1, id, false, text));
      } else {
        out.add(new TestPage("Page " + i + " (\u00e9t\u00e9 & co)", 0, id, false, text));
      }
    }
    return out;
  }

  public static byte[] xml(String header, List<TestPage> pages) {
    StringBuilder b = new StringBuilder(header);
    pages.forEach(p -> b.append(pageXml(p)));
    return b.append(FOOTER).toString().getBytes(StandardCharsets.UTF_8);
  }

  /** One bzip2 stream of {@code data}, with blocks of {@code blockSize} x 100 kB. */
  public static byte[] bzip2(byte[] data, int blockSize) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = new BZip2CompressorOutputStream(out, blockSize)) {
      z.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(out)) {
      z.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A multistream dump as dumps.wikimedia.org writes one: the siteinfo as the first bzip2 stream,
   * then a stream per {@code perStream} pages, then the closing tag; and its index, {@code
   * offset:page id:title} per page, bzip2-compressed. Returns the stream offsets of the pages.
   */
  public static List<Long> multistream(
      Path dump, Path index, String header, List<TestPage> pages, int perStream)
      throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    StringBuilder idx = new StringBuilder();
    List<Long> offsets = new ArrayList<>();
    file.write(bzip2(header.getBytes(StandardCharsets.UTF_8), 9));
    for (int i = 0; i < pages.size(); i += perStream) {
      long offset = file.size();
      offsets.add(offset);
      StringBuilder chunk = new StringBuilder();
      for (TestPage p : pages.subList(i, Math.min(pages.size(), i + perStream))) {
        chunk.append(pageXml(p));
        idx.append(offset).append(':').append(p.id()).append(':').append(p.title()).append('\n');
      }
      file.write(bzip2(chunk.toString().getBytes(StandardCharsets.UTF_8), 9));
    }
    file.write(bzip2(FOOTER.getBytes(StandardCharsets.UTF_8), 9));
    Files.write(dump, file.toByteArray());
    Files.write(index, bzip2(idx.toString().getBytes(StandardCharsets.UTF_8), 9));
    return offsets;
  }
}
