package dev.corral.curation.sources.wikipedia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.curation.sources.wikipedia.DumpFixtures.TestPage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Splitting without Spark: however a dump is cut into splits (plain XML at any byte, bzip2 at
 * blocks, multistream at streams), its splits together yield each page exactly once, in order; and
 * what cannot be read costs only itself.
 */
class DumpInputFormatTest {
  @TempDir Path tmp;

  private static final String HEADER = DumpFixtures.header("enwiki", "File", "Category");
  private static final List<TestPage> PAGES = DumpFixtures.pages(300);

  private static List<String> expected() {
    return PAGES.stream().map(p -> DumpFixtures.pageXml(p).stripTrailing()).toList();
  }

  @Test
  void plainXmlCutAtAnyByteYieldsEachPageOnce() throws Exception {
    Path file = tmp.resolve("enwiki-20220701-pages-articles.xml");
    Files.write(file, DumpFixtures.xml(HEADER, PAGES));
    long length = Files.size(file);
    for (long split : new long[] {997, 4096, 10_007, 65_536, length}) {
      Splits.Read read = Splits.read(split, file);
      assertEquals(expected(), Splits.contents(read.records()), "split bytes " + split);
      assertTrue(read.splits() >= Math.min(3, length / split), read.splits() + " splits");
    }
    // Offsets of plain XML are the byte offsets of the <page> lines.
    byte[] bytes = Files.readAllBytes(file);
    DumpRecord third = Splits.read(4096, file).records().get(2);
    assertEquals("  <page>", new String(bytes, (int) third.offset(), 8, StandardCharsets.UTF_8));
  }

  @Test
  void bzip2IsSplitAtItsBlocks() throws Exception {
    Path file = tmp.resolve("enwiki-20220701-pages-articles1.xml-p1p900.bz2");
    Files.write(file, DumpFixtures.bzip2(DumpFixtures.xml(HEADER, PAGES), 1));
    long length = Files.size(file);
    assertTrue(length > 40_000, "several 100 kB blocks: " + length);
    for (long split : new long[] {5_000, 12_345, 30_000, length}) {
      Splits.Read read = Splits.read(split, file);
      assertEquals(expected(), Splits.contents(read.records()), "split bytes " + split);
    }
    assertTrue(Splits.read(12_345, file).splits() >= 3);
  }

  @Test
  void multistreamIsSplitAtTheStreamsItsIndexLists() throws Exception {
    Path dump = tmp.resolve("enwiki-20220701-pages-articles-multistream.xml.bz2");
    Path index = tmp.resolve("enwiki-20220701-pages-articles-multistream-index.txt.bz2");
    List<Long> offsets = DumpFixtures.multistream(dump, index, HEADER, PAGES, 20);
    assertEquals(
        index.toString(),
        DumpInputFormat.indexOf(new org.apache.hadoop.fs.Path(dump.toUri())).toUri().getPath());
    for (long split : new long[] {1, 9_000, 40_000, Files.size(dump)}) {
      Splits.Read read = Splits.read(split, dump);
      assertEquals(expected(), Splits.contents(read.records()), "split bytes " + split);
      // Pages report the offset of the stream they are in, as the index does.
      for (int i = 0; i < PAGES.size(); i++) {
        assertEquals((long) offsets.get(i / 20), read.records().get(i).offset(), "page " + i);
      }
    }
    // One split per stream at most: 1 byte per split gives the header's stream and 15 of pages.
    assertEquals(offsets.size() + 1, Splits.read(1, dump).splits());
    // Without its index the same file is split at bzip2 blocks, streams concatenated.
    Files.delete(index);
    Splits.read(9_000, dump);
    assertEquals(expected(), Splits.contents(Splits.read(9_000, dump).records()));
    assertTrue(Splits.read(9_000, dump).splits() >= 3);
  }

  @Test
  void partitionedMultistreamNamesFindTheirIndex() {
    assertEquals(
        "enwiki-20220701-pages-articles-multistream-index3.txt-p151574p311329.bz2",
        DumpInputFormat.indexOf(
                new org.apache.hadoop.fs.Path(
                    "/d/enwiki-20220701-pages-articles-multistream3.xml-p151574p311329.bz2"))
            .getName());
    assertEquals(
        null,
        DumpInputFormat.indexOf(
            new org.apache.hadoop.fs.Path("/d/enwiki-20220701-pages-articles.xml.bz2")));
  }

  @Test
  void aTruncatedBzip2FileKeepsEveryPageBeforeTheCut() throws Exception {
    Path file = tmp.resolve("enwiki-20220701-pages-articles.xml.bz2");
    byte[] whole = DumpFixtures.bzip2(DumpFixtures.xml(HEADER, PAGES), 1);
    Files.write(file, Arrays.copyOf(whole, whole.length - 3_000));
    for (long split : new long[] {12_345, whole.length}) {
      List<DumpRecord> records = Splits.read(split, file).records();
      List<DumpRecord> errors = records.stream().filter(r -> r.error() != null).toList();
      // The cut block, and the page a split had in hand when it ran into it (if one did).
      assertTrue(
          errors.size() == 1 || errors.size() == 2, "unreadable: " + Splits.contents(errors));
      List<String> pages =
          Splits.contents(records.stream().filter(r -> r.error() == null).toList());
      // Every page read is whole and in order: a prefix of the file's pages, most of them.
      assertEquals(expected().subList(0, pages.size()), pages);
      assertTrue(pages.size() > PAGES.size() / 2, pages.size() + " pages kept");
    }
  }

  @Test
  void aCorruptBlockCostsOnlyThePagesInIt() throws Exception {
    Path file = tmp.resolve("enwiki-20220701-pages-articles.xml.bz2");
    byte[] bytes = DumpFixtures.bzip2(DumpFixtures.xml(HEADER, PAGES), 1);
    int middle = bytes.length / 2;
    for (int i = 0; i < 64; i++) {
      bytes[middle + i] ^= 0x5A;
    }
    Files.write(file, bytes);
    for (long split : new long[] {12_345, bytes.length}) {
      List<DumpRecord> records = Splits.read(split, file).records();
      assertTrue(records.stream().anyMatch(r -> r.error() != null), "the bad block is reported");
      List<String> pages =
          Splits.contents(records.stream().filter(r -> r.error() == null).toList());
      // Pages on both sides of the bad block survive, each whole; the last page is there.
      assertTrue(expected().containsAll(pages));
      assertEquals(expected().get(0), pages.get(0));
      assertEquals(expected().get(PAGES.size() - 1), pages.get(pages.size() - 1));
      assertTrue(pages.size() > PAGES.size() / 2, pages.size() + " pages kept");
    }
  }

  @Test
  void aBrokenStreamCostsOnlyItsOwnPages() throws Exception {
    Path dump = tmp.resolve("enwiki-20220701-pages-articles-multistream.xml.bz2");
    Path index = tmp.resolve("enwiki-20220701-pages-articles-multistream-index.txt.bz2");
    List<Long> offsets = DumpFixtures.multistream(dump, index, HEADER, PAGES, 20);
    byte[] bytes = Files.readAllBytes(dump);
    int broken = 4; // pages 80..99
    int at = (int) (long) offsets.get(broken) + 200;
    for (int i = 0; i < 32; i++) {
      bytes[at + i] ^= 0x33;
    }
    Files.write(dump, bytes);
    for (long split : new long[] {9_000, bytes.length}) {
      List<DumpRecord> records = Splits.read(split, dump).records();
      List<DumpRecord> errors = records.stream().filter(r -> r.error() != null).toList();
      assertEquals(1, errors.size(), Splits.contents(errors).toString());
      assertEquals((long) offsets.get(broken), errors.get(0).offset());
      List<String> want = new java.util.ArrayList<>(expected());
      want.subList(broken * 20, broken * 20 + 20).clear();
      assertEquals(want, Splits.contents(records.stream().filter(r -> r.error() == null).toList()));
    }
  }

  @Test
  void brokenPagesAreReportedAtTheirOffsetsAndTheirNeighboursKept() throws Exception {
    String unclosed = DumpFixtures.pageXml(PAGES.get(3)).replace("  </page>\n", "");
    StringBuilder xml = new StringBuilder(HEADER);
    for (int i = 0; i < 10; i++) {
      xml.append(i == 3 ? unclosed : DumpFixtures.pageXml(PAGES.get(i)));
    }
    xml.append(DumpFixtures.FOOTER);
    Path file = tmp.resolve("enwiki-20220701-pages-articles.xml");
    Files.writeString(file, xml.toString());
    List<DumpRecord> records = Splits.read(1 << 20, file).records();
    assertEquals(10, records.size());
    assertEquals("the page has no </page> before the next <page>", records.get(3).error());
    int offset = xml.substring(0, xml.indexOf(unclosed)).getBytes(StandardCharsets.UTF_8).length;
    assertEquals(offset, records.get(3).offset());
    for (int i = 0; i < 10; i++) {
      if (i != 3) {
        assertEquals(
            DumpFixtures.pageXml(PAGES.get(i)).stripTrailing(), Splits.contents(records).get(i));
      }
    }
    // A file that ends inside a page reports that page.
    Files.writeString(file, HEADER + DumpFixtures.pageXml(PAGES.get(0)) + unclosed);
    List<DumpRecord> cut = Splits.read(1 << 20, file).records();
    assertEquals(2, cut.size());
    assertEquals("the file ends inside this page, before </page>", cut.get(1).error());
  }
}
