package dev.corral.curation.fasttext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code expected/MODEL.INPUT.VARIANT.txt} captured from {@code fasttext predict[-prob] MODEL
 * INPUT K [THRESHOLD]} is reproduced byte for byte by {@link StreamPredictor}.
 */
class GoldenPredictTest {
  private static final Pattern NAME =
      Pattern.compile(
          "(.+\\.(?:bin|ftz))\\.([a-z-]+)\\.(predict-)?k(all|\\d+)(?:-t([0-9.]+))?\\.txt(\\.gz)?");

  @TestFactory
  Stream<DynamicTest> everyGoldenFile() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> files = Files.list(GoldenFiles.dir().resolve("expected"))) {
      for (Path p : (Iterable<Path>) files.sorted()::iterator) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches() && !m.group(1).startsWith("skipgram")) {
          tests.add(DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(m, p)));
        }
      }
    }
    assertTrue(tests.size() >= 40, "golden files found: " + tests.size());
    return tests.stream();
  }

  private static void check(Matcher m, Path expectedFile) throws IOException {
    FastTextModel model = FastTextModel.load(GoldenFiles.model(m.group(1)));
    boolean prob = m.group(3) == null;
    int k = m.group(4).equals("all") ? Predictor.ALL_LABELS : Integer.parseInt(m.group(4));
    float threshold = m.group(5) == null ? 0f : Float.parseFloat(m.group(5));
    byte[] expected = GoldenFiles.read(expectedFile);
    for (int threads : new int[] {1, 3}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new StreamPredictor(model, k, threshold, prob, threads)
          .run(new ByteArrayInputStream(GoldenFiles.input(m.group(2))), out);
      assertSameLines(expected, out.toByteArray(), expectedFile + " with " + threads + " threads");
    }
  }

  /** Byte equality, reported as the first differing line. */
  static void assertSameLines(byte[] expected, byte[] actual, String what) {
    if (java.util.Arrays.equals(expected, actual)) {
      return;
    }
    String[] e = new String(expected, StandardCharsets.UTF_8).split("\n", -1);
    String[] a = new String(actual, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < Math.min(e.length, a.length); i++) {
      if (!e[i].equals(a[i])) {
        fail(
            what + ": line " + (i + 1) + " differs\n  fasttext: " + e[i] + "\n  corral:   " + a[i]);
      }
    }
    fail(what + ": fasttext printed " + e.length + " lines, corral " + a.length);
  }

  /**
   * The lid.176 golden top-3 on UDHR: the same labels in the same order, probabilities within 1e-5.
   */
  @Test
  void lidTopThreeOnUdhrThroughTheApi() {
    String[] inputs = new String(GoldenFiles.input("udhr"), StandardCharsets.UTF_8).split("\n");
    String[] expected =
        new String(
                GoldenFiles.read(GoldenFiles.dir().resolve("expected/lid.176.ftz.udhr.k3.txt.gz")),
                StandardCharsets.UTF_8)
            .split("\n");
    assertEquals(inputs.length, expected.length);
    FastTextModel model = FastTextModel.load(SharedFiles.lid176());
    for (int i = 0; i < inputs.length; i++) {
      List<Prediction> got = model.predict(inputs[i], 3, 0f);
      String[] want = expected[i].split(" ");
      assertEquals(want.length / 2, got.size(), "line " + (i + 1));
      for (int j = 0; j < got.size(); j++) {
        assertEquals(want[2 * j], got.get(j).label(), "line " + (i + 1));
        assertEquals(
            Float.parseFloat(want[2 * j + 1]), got.get(j).probability(), 1e-5, "line " + (i + 1));
      }
    }
  }

  @Test
  void unsupervisedModelsLoadButDoNotPredict() {
    FastTextModel model = FastTextModel.load(GoldenFiles.model("skipgram.bin"));
    assertEquals(FastTextArgs.ModelName.SKIPGRAM, model.args().model());
    dev.corral.core.CorralException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.corral.core.CorralException.class, model::newPredictor);
    assertTrue(e.getMessage().contains("only supervised models can"), e.getMessage());
  }

  /**
   * {@code fasttext print-word-vectors skipgram.bin}: in-vocabulary and out-of-vocabulary words, 5
   * digits.
   */
  @Test
  void wordVectorsOfAnUnsupervisedModel() {
    FastTextModel model = FastTextModel.load(GoldenFiles.model("skipgram.bin"));
    String[] expected =
        new String(
                GoldenFiles.read(
                    GoldenFiles.dir()
                        .resolve("expected/skipgram.bin.skipgram-words.word-vectors.txt")),
                StandardCharsets.UTF_8)
            .split("\n");
    assertTrue(expected.length >= 40);
    for (String line : expected) {
      String word = line.substring(0, line.indexOf(' '));
      StringBuilder got = new StringBuilder(word).append(' ');
      for (float v : model.wordVector(word)) {
        got.append(CFormat.g(v, 5)).append(' ');
      }
      assertEquals(line, got.toString());
    }
  }
}
