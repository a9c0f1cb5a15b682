package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CorralAppTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = CorralApp.localSpark();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void languagesOfKnownSentences() {
    List<Row> rows =
        CorralApp.languages(
            spark,
            List.of(
                "The committee approved the new budget on Tuesday morning.",
                "Der Ausschuss hat den neuen Haushalt am Dienstag genehmigt.",
                "Le comité a approuvé le nouveau budget mardi matin."));
    assertEquals(List.of("en", "de", "fr"), rows.stream().map(r -> r.getString(1)).toList());
    for (Row row : rows) {
      assertTrue(row.getFloat(2) > 0.5f, row.toString());
    }
  }

  @Test
  void aPlantedNearDuplicateIsFound() {
    String base =
        "Corral curates pre-training data the way LLaMA did: it removes duplicated lines, keeps"
            + " documents in the languages asked for, scores them with an n-gram model and a"
            + " classifier, and then finds documents that are nearly the same as another one so"
            + " that only one copy of each is kept in the training mixture that comes out at the"
            + " end of the pipeline, counted in tokens and shuffled into shards.";
    List<String> texts =
        List.of(
            base,
            "A different text about the weather in the mountains, where it rained all week and the"
                + " rivers rose over their banks while the farmers waited for the sun to return.",
            base.replace("shuffled", "sorted"));
    List<Row> rows = CorralApp.nearDuplicates(spark, texts);
    assertEquals(0L, rows.get(0).getLong(1));
    assertNull(rows.get(0).get(2));
    assertEquals(1L, rows.get(1).getLong(1));
    assertNull(rows.get(1).get(3));
    assertEquals(0L, rows.get(2).getLong(1), "the planted copy joins the first document's cluster");
    assertEquals(0L, rows.get(2).getLong(2));
    assertEquals("near_duplicate", rows.get(2).getString(3));
  }

  @Test
  void logProbsEqualLlamaCppOnTheTinyCheckpoint() throws IOException {
    Path checkpoint = Path.of(System.getProperty("llama.tiny"));
    JsonNode reference = new ObjectMapper().readTree(checkpoint.resolve("reference.json").toFile());
    List<String> texts = new ArrayList<>();
    List<Double> expected = new ArrayList<>();
    for (JsonNode prompt : reference) {
      texts.add(prompt.get("text").asText());
      expected.add(prompt.get("prompt_logprob").asDouble());
    }
    assertTrue(texts.size() >= 2, "reference prompts: " + texts.size());
    List<Row> rows = CorralApp.logProbs(spark, checkpoint.toString(), texts);
    for (int i = 0; i < texts.size(); i++) {
      assertNull(rows.get(i).get(3), texts.get(i));
      // A sum of log-probs over a prompt: llama.cpp's value within 1e-2, as Corral's own tests.
      assertEquals(expected.get(i), rows.get(i).getDouble(1), 1e-2, texts.get(i));
    }
  }
}
