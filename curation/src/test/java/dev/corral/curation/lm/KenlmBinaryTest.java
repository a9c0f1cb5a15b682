package dev.corral.curation.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * KenLM binary files ({@code build_binary}'s probing format, as CCNet releases its models) score as
 * KenLM's {@code query} scores them, word by word and sentence by sentence, and as Corral scores
 * the ARPA file they were built from; broken files are refused with one line naming them. The
 * goldens and the script that made them are in {@code src/test/resources/lm/} (README.md, "KenLM
 * binary files").
 */
class KenlmBinaryTest {
  @TempDir Path dir;

  static byte[] resource(String name) {
    try (InputStream in = Goldens.open(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path file(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private static void assertScoresAsQuery(NgramModel model, String sentences, String query) {
    List<String> lines = Goldens.lines(sentences);
    List<Goldens.Query> expected = Goldens.query(query);
    assertEquals(lines.size(), expected.size());
    for (int i = 0; i < lines.size(); i++) {
      Goldens.Query q = expected.get(i);
      // query prints each float in its shortest round-trip form, so equal floats print equal.
      assertArrayEquals(q.words(), model.wordScores(lines.get(i), true, true), 0f, "line " + i);
      assertEquals(q.total(), model.score(lines.get(i)), 1e-4f, "line " + (i + 1));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 5})
  void probingBinaryScoresAsKenlmQueryAndAsItsArpa(int order) throws IOException {
    byte[] bin = resource("kenlm.o" + order + ".probing.bin.gz");
    NgramModel mapped = NgramModel.load(file("o" + order + ".arpa.bin", bin));
    assertInstanceOf(KenlmProbingModel.class, mapped);
    assertEquals(order, mapped.order());
    assertScoresAsQuery(mapped, "kenlm.sentences.txt", "query.kenlm.o" + order + ".probing.txt.gz");

    // Streamed into the heap (a file system that cannot map) gives the same model.
    NgramModel streamed =
        NgramModel.read(new ByteArrayInputStream(bin), bin.length, "o" + order + ".arpa.bin");
    NgramModel arpa = Goldens.arpa("kenlm.o" + order + ".arpa.gz");
    assertEquals(arpa.vocabularySize(), mapped.vocabularySize());
    double maxDiff = 0;
    double maxWordDiff = 0;
    int differing = 0;
    int words = 0;
    for (int k = 1; k <= order; k++) {
      assertEquals(arpa.count(k), mapped.count(k));
    }
    for (String line : Goldens.lines("kenlm.sentences.txt")) {
      float[] fromBinary = mapped.wordScores(line, true, true);
      assertArrayEquals(fromBinary, streamed.wordScores(line, true, true), 0f, line);
      float[] fromArpa = arpa.wordScores(line, true, true);
      assertArrayEquals(fromArpa, fromBinary, 1e-5f, line);
      for (int i = 0; i < fromArpa.length; i++) {
        maxWordDiff = Math.max(maxWordDiff, Math.abs(fromArpa[i] - fromBinary[i]));
        differing += fromArpa[i] == fromBinary[i] ? 0 : 1;
        words++;
      }
      assertArrayEquals(
          arpa.wordScores(line, false, false), mapped.wordScores(line, false, false), 1e-5f, line);
      maxDiff = Math.max(maxDiff, Math.abs(arpa.score(line) - mapped.score(line)));
      for (String word : line.split(" ")) {
        assertEquals(arpa.contains(word), mapped.contains(word), word);
      }
    }
    assertTrue(maxDiff <= 1e-4, "max |binary - ARPA| sentence total " + maxDiff);
    System.out.printf(
        "order %d: binary vs ARPA: %d of %d word scores differ, max |diff| %.3g per word, %.3g per"
            + " sentence%n",
        order, differing, words, maxWordDiff, maxDiff);
    assertTrue(mapped.contains("<unk>") && mapped.contains("</s>") && !mapped.contains("Zürich"));
  }

  @Test
  void blanksForPrunedSuffixesScoreAsKenlmAndAsTheArpa() throws IOException {
    Path bin = file("pruned.bin", resource("pruned.probing.bin"));
    NgramModel model = NgramModel.load(bin);
    assertScoresAsQuery(model, "pruned.sentences.txt", "query.pruned.probing.txt");
    NgramModel arpa = Goldens.arpa("pruned.arpa");
    for (String line : Goldens.lines("pruned.sentences.txt")) {
      assertArrayEquals(
          arpa.wordScores(line, true, true), model.wordScores(line, true, true), 1e-6f);
    }
  }

  @Test
  void binaryOrArpaIsToldByTheFirstBytesNotTheName() throws IOException {
    Path binaryNamedArpa = file("model.arpa", resource("pruned.probing.bin"));
    assertInstanceOf(KenlmProbingModel.class, NgramModel.load(binaryNamedArpa));
    Path arpaNamedBin = file("model.arpa.bin", resource("pruned.arpa"));
    assertInstanceOf(ArpaModel.class, NgramModel.load(arpaNamedBin));
    assertFalse(KenlmBinary.isBinary(arpaNamedBin));
  }

  // ------------------------------------------------------------------ broken files

  private String error(Path p) {
    CorralException e = assertThrows(CorralException.class, () -> NgramModel.load(p));
    assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    // The stream path checks the same way.
    byte[] bytes = readAll(p);
    CorralException streamed =
        assertThrows(
            CorralException.class,
            () -> NgramModel.read(new ByteArrayInputStream(bytes), bytes.length, p.toString()));
    assertEquals(e.getMessage(), streamed.getMessage());
    return e.getMessage();
  }

  private static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void truncatedFilesAreRefusedBeforeAnythingIsAllocated() throws IOException {
    byte[] good = resource("kenlm.o5.probing.bin.gz");
    for (int length : new int[] {40, 100, 150, 4000, good.length / 2, good.length * 9 / 10}) {
      String message = error(file("cut" + length + ".bin", Arrays.copyOf(good, length)));
      assertTrue(message.contains("truncated KenLM binary"), message);
      if (length >= 152) {
        assertTrue(message.contains("5-grams 1719") && message.contains(" bytes"), message);
      }
    }
  }

  @Test
  void headersThatLieAreRefused() throws IOException {
    byte[] good = resource("pruned.probing.bin");
    assertTrue(edit(good, b -> b.put(0x30, (byte) '4')).contains("only format version 5"));
    byte[] incomplete = "mmap lm http://kheafield.com/code incomplete\n\0\0\0".getBytes();
    assertTrue(
        error(file("incomplete.bin", Arrays.copyOf(incomplete, 200))).contains("did not finish"));
    assertTrue(edit(good, b -> b.putFloat(60, 2f)).contains("little-endian 64-bit"));
    assertTrue(edit(good, b -> b.put(88, (byte) 1)).contains("order 1"));
    assertTrue(edit(good, b -> b.putFloat(92, 0.5f)).contains("probing multiplier 0.5"));
    assertTrue(edit(good, b -> b.putFloat(92, Float.NaN)).contains("probing multiplier NaN"));
    assertTrue(edit(good, b -> b.putInt(96, 9)).contains("unknown data structure 9"));
    assertTrue(edit(good, b -> b.put(100, (byte) 7)).contains("'has vocabulary' is 7"));
    assertTrue(edit(good, b -> b.putInt(104, 1)).contains("version 1"));
    assertTrue(edit(good, b -> b.putLong(108, 0)).contains("count of 1-grams is 0"));
    assertTrue(edit(good, b -> b.putLong(116, 1L << 61)).contains("more bytes than a file"));
    assertTrue(edit(good, b -> b.putLong(116, 1L << 40)).contains("truncated"));
    // The vocabulary: its version, its size, and a word id past the unigrams.
    assertTrue(edit(good, b -> b.putInt(136, 3)).contains("vocabulary version 3"));
    assertTrue(edit(good, b -> b.putInt(140, 99)).contains("holds 99 words"));
    String badId = edit(good, b -> setEveryVocabularyId(b, 1000));
    assertTrue(badId.contains("word id 1000 but there are 5 words"), badId);
  }

  @Test
  void aHashTableWithoutAnEmptyBucketIsAnErrorNotALoop() throws IOException {
    byte[] good = resource("pruned.probing.bin");
    // Fill every key of the vocabulary with a word that is not asked for: every lookup of a word
    // probes the whole table.
    byte[] full = good.clone();
    ByteBuffer b = ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN);
    long buckets = KenlmBinary.buckets(5, 3f);
    for (int i = 0; i < buckets; i++) {
      b.putLong(144 + 12 * i, 0x1234_5678L + i);
      b.putInt(144 + 12 * i + 8, 1);
    }
    Path p = file("full.bin", full);
    CorralException e = assertThrows(CorralException.class, () -> NgramModel.load(p));
    assertTrue(e.getMessage().contains("has no empty bucket"), e.getMessage());
  }

  @Test
  void trieBinariesAreRefusedWithAHint() throws IOException {
    Path p = file("o3.trie.bin", resource("kenlm.o3.trie.bin.gz"));
    String message = error(p);
    assertTrue(message.contains("trie") && message.contains("build_binary probing"), message);
  }

  private static void setEveryVocabularyId(ByteBuffer b, int id) {
    long buckets = KenlmBinary.buckets(5, 3f);
    for (int i = 0; i < buckets; i++) {
      if (b.getLong(144 + 12 * i) != 0) {
        b.putInt(144 + 12 * i + 8, id);
      }
    }
  }

  private int edits;

  private String edit(byte[] good, java.util.function.Consumer<ByteBuffer> change)
      throws IOException {
    byte[] bad = good.clone();
    change.accept(ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN));
    return error(file("edit" + (edits++) + ".bin", bad));
  }
}
