package dev.corral.curation.sentencepiece;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A truncated, empty, foreign or corrupt {@code .model} file gets one line naming the file and what
 * is wrong, before anything is allocated from its sizes; never an OOM or an index error.
 */
class ModelLoadErrorsTest {
  @TempDir Path dir;

  private CorralException loadFails(byte[] bytes) throws IOException {
    Path file = dir.resolve("bad.model");
    Files.write(file, bytes);
    CorralException e = assertThrows(CorralException.class, () -> SentencePieceModel.load(file));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    return e;
  }

  private static byte[] model() throws IOException {
    return Files.readAllBytes(SentencePieceGoldenTest.resource("unigram-1k.model"));
  }

  @Test
  void emptyFile() throws IOException {
    assertEquals(
        dir.resolve("bad.model")
            + ": not a valid SentencePiece model: the file is empty (at byte 0)",
        loadFails(new byte[0]).getMessage());
  }

  @Test
  void truncatedEverywhere() throws IOException {
    byte[] model = model();
    // Cut inside the pieces, inside the trainer spec and inside the charsmap.
    for (int length : new int[] {1, 2, 3, 100, 5000, model.length - 200_000, model.length - 1}) {
      CorralException e = loadFails(Arrays.copyOf(model, length));
      assertTrue(e.getMessage().contains("not a valid SentencePiece model"), e.getMessage());
    }
  }

  @Test
  void aLengthLargerThanTheFileIsRefusedBeforeAllocating() throws IOException {
    // Field 1 (a piece), length-delimited, claiming 2^31 bytes.
    byte[] bytes = {0x0a, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 0x00};
    assertEquals(
        dir.resolve("bad.model")
            + ": not a valid SentencePiece model: a piece claims 2147483648 bytes but its message"
            + " has 1 left (at byte 1)",
        loadFails(bytes).getMessage());
  }

  @Test
  void garbage() throws IOException {
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] bytes = new byte[1 + random.nextInt(4000)];
      random.nextBytes(bytes);
      loadFails(bytes);
    }
  }

  @Test
  void otherFormats() throws IOException {
    loadFails("<unk>\t0\n<s>\t0\n".getBytes()); // a .vocab file
    loadFails("{\"model\": {\"type\": \"BPE\"}}".getBytes()); // a tokenizer.json
  }

  @Test
  void flippedBytesNeverEscapeAsAnotherException() throws IOException {
    byte[] model = model();
    Random random = new Random(7);
    Path file = dir.resolve("flipped.model");
    for (int i = 0; i < 100; i++) {
      byte[] bytes = model.clone();
      for (int k = 0; k < 5; k++) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      Files.write(file, bytes);
      try {
        SentencePieceModel m = SentencePieceModel.load(file);
        m.encode("All human beings are born free and equal in dignity and rights.");
      } catch (CorralException e) {
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
      }
    }
  }

  @Test
  void noUnknownPiece() throws IOException {
    // One NORMAL piece "a" and nothing else.
    byte[] bytes = {0x0a, 0x03, 0x0a, 0x01, 'a'};
    assertEquals(
        dir.resolve("bad.model")
            + ": not a valid SentencePiece model: no piece has the type UNKNOWN (at byte 0)",
        loadFails(bytes).getMessage());
  }

  @Test
  void duplicatePiece() throws IOException {
    byte[] unk = {0x0a, 0x09, 0x0a, 0x05, '<', 'u', 'n', 'k', '>', 0x18, 0x02};
    byte[] a = {0x0a, 0x03, 0x0a, 0x01, 'a'};
    byte[] bytes = new byte[unk.length + 2 * a.length];
    System.arraycopy(unk, 0, bytes, 0, unk.length);
    System.arraycopy(a, 0, bytes, unk.length, a.length);
    System.arraycopy(a, 0, bytes, unk.length + a.length, a.length);
    assertEquals(
        dir.resolve("bad.model")
            + ": not a valid SentencePiece model: piece 2 'a' is defined twice (at byte 0)",
        loadFails(bytes).getMessage());
  }

  @Test
  void missingFile() {
    CorralException e =
        assertThrows(
            CorralException.class, () -> SentencePieceModel.load(dir.resolve("none.model")));
    assertTrue(e.getMessage().contains("none.model"), e.getMessage());
  }
}
