package dev.corral.curation.fasttext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A truncated, empty, foreign or corrupt model gets one clear line naming the file, never an OOM or
 * index error.
 */
class ModelLoadErrorsTest {
  static byte[] lid;

  @BeforeAll
  static void readModel() throws IOException {
    lid = Files.readAllBytes(SharedFiles.lid176());
  }

  private static CorralException loadFails(byte[] bytes) {
    return assertThrows(
        CorralException.class,
        () -> FastTextModel.load(new ByteArrayInputStream(bytes), bytes.length, "bad.bin"));
  }

  private static void assertOneLine(CorralException e) {
    assertTrue(e.getMessage().startsWith("bad.bin: "), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void emptyFile() {
    CorralException e = loadFails(new byte[0]);
    assertOneLine(e);
    assertEquals(
        "bad.bin: truncated fastText model: reading magic number needs 4 bytes at byte 0 but only 0 remain",
        e.getMessage());
  }

  @Test
  void textFile() {
    CorralException e =
        loadFails("__label__en hello world\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertOneLine(e);
    assertTrue(e.getMessage().contains("wrong magic number"), e.getMessage());
  }

  @Test
  void newerVersion() {
    byte[] b = lid.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 13);
    assertTrue(loadFails(b).getMessage().contains("unsupported file format version 13"));
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 8, 20, 60, 64, 100, 1000, 100_000, 500_000, 900_000})
  void truncatedAnywhere(int length) {
    CorralException e = loadFails(Arrays.copyOf(lid, length));
    assertOneLine(e);
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void truncatedByOneByte() {
    assertTrue(loadFails(Arrays.copyOf(lid, lid.length - 1)).getMessage().contains("truncated"));
  }

  @Test
  void hugeDictionaryIsRefusedBeforeAllocating() {
    byte[] b = lid.clone();
    // Dictionary sizes follow the 8-byte signature and the 56-byte args.
    ByteBuffer.wrap(b)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(64, Integer.MAX_VALUE - 1)
        .putInt(68, Integer.MAX_VALUE - 177);
    CorralException e = loadFails(b);
    assertTrue(e.getMessage().contains("dictionary of 2147483646 entries"), e.getMessage());
  }

  @Test
  void inconsistentDictionarySizes() {
    byte[] b = lid.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(68, 5);
    assertTrue(loadFails(b).getMessage().contains("dictionary sizes do not add up"));
  }

  @Test
  void unknownLoss() {
    byte[] b = lid.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8 + 24, 9);
    assertTrue(loadFails(b).getMessage().contains("unknown loss code 9"));
  }

  @Test
  void missingFileNamesThePath() {
    CorralException e =
        assertThrows(
            CorralException.class,
            () -> FastTextModel.load(java.nio.file.Path.of("/nonexistent/model.bin")));
    assertEquals("/nonexistent/model.bin: cannot read: no such file", e.getMessage());
  }

  /**
   * Random corruption of the header and dictionary either loads or fails with a CorralException.
   */
  @Test
  void corruptedBytesNeverEscapeAsOtherErrors() {
    Random random = new Random(42);
    int loaded = 0;
    for (int trial = 0; trial < 300; trial++) {
      byte[] b = lid.clone();
      for (int flips = 0; flips < 3; flips++) {
        int at = random.nextInt(trial % 2 == 0 ? 200 : 60_000);
        b[at] = (byte) random.nextInt(256);
      }
      try {
        FastTextModel m = FastTextModel.load(new ByteArrayInputStream(b), b.length, "bad.bin");
        m.predict("Ceci est une phrase en français.", 3, 0f);
        loaded++;
      } catch (CorralException e) {
        assertOneLine(e);
      }
    }
    assertTrue(
        loaded > 0 && loaded < 300, "some corruptions are harmless, some are caught: " + loaded);
  }
}
