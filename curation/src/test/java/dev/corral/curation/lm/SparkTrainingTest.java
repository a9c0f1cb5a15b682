package dev.corral.curation.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.TestSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counting with Spark gives the in-memory counts, hence byte for byte the same ARPA file. */
class SparkTrainingTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("lm-training", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  @Test
  void sparkCountsEqualInMemoryCounts(@TempDir Path dir) throws IOException {
    List<String> corpus = Goldens.corpus(3);
    Dataset<String> lines = spark.createDataset(corpus, Encoders.STRING()).repartition(3);
    Path fromSpark = dir.resolve("spark.arpa.gz");
    new NgramTrainer(3).train(lines, fromSpark);
    Path inMemory = dir.resolve("memory.arpa");
    new NgramTrainer(3).train(corpus, inMemory);
    String expected = Files.readString(inMemory, StandardCharsets.UTF_8);
    NgramModel model = NgramModel.load(fromSpark);
    assertEquals(58059, model.count(1) + model.count(2) + model.count(3));
    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(fromSpark))) {
      assertEquals(expected, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    // The adjusted counts lmplz's conventions give: <s>-initial n-grams keep occurrences, others
    // continuations.
    NgramCounts counts = NgramCounts.count(corpus, 3);
    assertEquals(0, counts.adjustedCount("<s>"));
    assertEquals(0, counts.adjustedCount("<unk>"));
    assertTrue(counts.adjustedCount("<s> O") > 1);
  }
}
