package dev.corral.curation.fasttext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training: single-threaded runs are deterministic and reproduce the committed models byte for
 * byte; those models were checked with the fastText binary (its predictions and test scores are the
 * golden files {@code corral-*.bin.*}, which {@link GoldenPredictTest} replays).
 */
class TrainerTest {
  static Path train;
  static Path test;
  static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

  @TempDir Path tmp;

  @BeforeAll
  static void inputs(@TempDir Path dir) throws Exception {
    train = dir.resolve("train.txt");
    test = dir.resolve("test.txt");
    Files.write(train, GoldenFiles.input("udhr-train"));
    Files.write(test, GoldenFiles.input("udhr-test"));
  }

  /** The args the committed corral-*.bin models were trained with (see the golden README). */
  static TrainingArgs goldenArgs(String loss) {
    return TrainingArgs.builder()
        .optDim(10)
        .optMinn(2)
        .optMaxn(4)
        .optWordNgrams(2)
        .optEpoch(15)
        .optLr(1.0)
        .optBucket(5000)
        .optMinCount(5)
        .optThread(1)
        .optLoss(loss)
        .optVerbose(0)
        .build();
  }

  @Test
  void singleThreadedTrainingReproducesTheCommittedModels() throws Exception {
    for (String loss : List.of("softmax", "hs")) {
      Path out = tmp.resolve(loss + ".bin");
      Trainer.train(train, goldenArgs(loss), QUIET).save(out);
      assertArrayEquals(
          Files.readAllBytes(GoldenFiles.model("corral-" + loss + ".bin")),
          Files.readAllBytes(out),
          loss);
    }
  }

  @Test
  void testScoresEqualTheFastTextBinary() throws Exception {
    for (String model :
        List.of(
            "corral-softmax.bin",
            "corral-hs.bin",
            "sup-softmax.bin",
            "sup-hs.bin",
            "sup-ova.bin",
            "sup-ns.bin",
            "sup-softmax-qnorm-qout.ftz",
            "sup-hs-cutoff.ftz")) {
      Evaluation e =
          Evaluation.of(
              FastTextModel.load(GoldenFiles.model(model)), Files.newInputStream(test), 1, 0f);
      String expected =
          new String(
              GoldenFiles.read(
                  GoldenFiles.dir().resolve("expected/" + model + ".udhr-test.test.txt")),
              StandardCharsets.UTF_8);
      assertEquals(expected, e.format(1), model);
    }
  }

  @Test
  void everyLossLearnsLanguages() throws Exception {
    for (String loss : List.of("softmax", "hs", "ova", "ns")) {
      TrainingArgs args =
          TrainingArgs.builder()
              .optDim(16)
              .optMinn(2)
              .optMaxn(4)
              .optEpoch(25)
              .optLr(1.0)
              .optBucket(20000)
              .optThread(2)
              .optLoss(loss)
              .optVerbose(0)
              .build();
      FastTextModel m = Trainer.train(train, args, QUIET);
      Evaluation e = Evaluation.of(m, Files.newInputStream(test), 1, 0f);
      assertEquals(2090, e.examples());
      assertTrue(e.precision() > 0.8, loss + " P@1 " + e.precision());
    }
  }

  @Test
  void aSavedModelPredictsAsTheTrainedOne() throws Exception {
    FastTextModel trained =
        Trainer.train(
            train,
            TrainingArgs.builder().optDim(8).optEpoch(3).optThread(2).optVerbose(0).build(),
            QUIET);
    Path bin = tmp.resolve("m.bin");
    trained.save(bin);
    FastTextModel loaded = FastTextModel.load(bin);
    for (String text :
        List.of(
            "Alle Menschen sind frei und gleich an Würde und Rechten geboren.",
            "Todos los seres humanos nacen libres e iguales en dignidad y derechos.",
            "")) {
      assertEquals(trained.predict(text, 3, 0f), loaded.predict(text, 3, 0f));
    }
    trained.saveVectors(tmp.resolve("m.vec"));
    List<String> vec = Files.readAllLines(tmp.resolve("m.vec"));
    assertEquals(trained.wordCount() + " 8", vec.get(0));
    assertEquals(trained.wordCount() + 1, vec.size());
  }

  @Test
  void pretrainedVectorsSeedTheInputMatrix() throws Exception {
    Path vec = tmp.resolve("pre.vec");
    Files.writeString(vec, "2 4\nmenschen 0.5 0.25 -0.5 1\nzzzunseen 1 1 1 1\n");
    FastTextModel m =
        Trainer.train(
            train,
            TrainingArgs.builder()
                .optDim(4)
                .optEpoch(1)
                .optLr(1e-9)
                .optThread(1)
                .optPretrainedVectors(vec.toString())
                .optVerbose(0)
                .build(),
            QUIET);
    // With a negligible learning rate the word keeps its pretrained vector.
    float[] v = m.wordVector("menschen");
    assertEquals(0.5f, v[0], 1e-6);
    assertEquals(1f, v[3], 1e-6);
    assertTrue(m.wordCount() > 2);
  }

  @Test
  void badTrainingInputIsNamed() throws Exception {
    Path empty = tmp.resolve("empty.txt");
    Files.writeString(empty, "");
    CorralException e =
        assertThrows(
            CorralException.class,
            () -> Trainer.train(empty, TrainingArgs.builder().optVerbose(0).build(), QUIET));
    assertTrue(e.getMessage().startsWith(empty + ": no token"), e.getMessage());
    Path noLabels = tmp.resolve("nolabels.txt");
    Files.writeString(noLabels, "just words here\nand more words\n");
    e =
        assertThrows(
            CorralException.class,
            () -> Trainer.train(noLabels, TrainingArgs.builder().optVerbose(0).build(), QUIET));
    assertTrue(e.getMessage().contains("no label with the prefix '__label__'"), e.getMessage());
    e = assertThrows(CorralException.class, () -> TrainingArgs.builder().optLoss("hinge"));
    assertEquals("invalid loss 'hinge': expected hs, ns, softmax or ova", e.getMessage());
  }

  @Test
  void aCustomLabelPrefix() throws Exception {
    Path data = tmp.resolve("custom.txt");
    Files.writeString(data, "#pos good great fine\n#neg bad awful poor\n".repeat(50));
    FastTextModel m =
        Trainer.train(
            data,
            TrainingArgs.builder()
                .optLabel("#")
                .optEpoch(20)
                .optLr(0.5)
                .optThread(1)
                .optVerbose(0)
                .build(),
            QUIET);
    assertEquals(2, m.labelCount());
    assertEquals("#pos", m.predict("great fine", 1, 0f).get(0).label());
    assertEquals(
        new Evaluation(0, Double.NaN, Double.NaN).examples(),
        Evaluation.of(
                m,
                new ByteArrayInputStream("no labels here\n".getBytes(StandardCharsets.UTF_8)),
                1,
                0f)
            .examples());
  }
}
