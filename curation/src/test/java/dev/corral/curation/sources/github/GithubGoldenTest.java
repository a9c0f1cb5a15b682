package dev.corral.curation.sources.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.models.ExecutorTokenizers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Corral's GitHub processing against RedPajama v1's own code run on the same export-shaped input
 * (421 files, 3 gzipped JSON Lines files; {@code make-inputs.py}, {@code make-golden.py} and the
 * README beside the resources): in RedPajama mode every record must be kept or dropped as
 * RedPajama's four scripts do and every file they clean must come out with the same text and
 * statistics; in paper mode likewise against RedPajama's functions with the fixes.
 */
class GithubGoldenTest {
  static SparkSession spark;
  static Path golden;

  @BeforeAll
  static void start() throws Exception {
    spark = TestSpark.start("GithubGoldenTest", Map.of());
    golden = Path.of(GithubGoldenTest.class.getResource("inputs").toURI()).getParent();
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  static List<JsonNode> expected(String mode) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> rows = new ArrayList<>();
    for (String line :
        Files.readAllLines(golden.resolve("expected-" + mode + ".jsonl"), StandardCharsets.UTF_8)) {
      rows.add(json.readTree(line));
    }
    return rows;
  }

  /** Corral's rows of the golden inputs in a mode, by (repo_name, path). */
  static Map<String, Row> corral(boolean redPajama) {
    GithubReader.Result read =
        GithubReader.read(
            spark,
            List.of(golden.resolve("inputs").toString()),
            new GithubReader.Options(redPajama));
    Dataset<Row> data = read.documents();
    List<PipelineStage> stages = GithubPipeline.stages(redPajama);
    for (PipelineStage stage : stages) {
      data = ((Transformer) stage).transform(data);
    }
    data = GithubPipeline.outputColumns(stages, redPajama).transform(data);
    assertEquals(
        List.of(
            "id",
            "text",
            "source",
            "url",
            "title",
            "language",
            "timestamp",
            "repo_name",
            "path",
            "license",
            "content_hash",
            "line_count",
            "max_line_length",
            "avg_line_length",
            "alnum_prop",
            "alpha_token_ratio",
            "duplicate_of",
            "drop_reason"),
        List.of(data.columns()));
    Map<String, Row> rows = new HashMap<>();
    for (Row r :
        data.select(
                "repo_name",
                "path",
                "text",
                "content_hash",
                "line_count",
                "max_line_length",
                "avg_line_length",
                "alnum_prop",
                "drop_reason")
            .collectAsList()) {
      rows.put(r.getString(0) + "\n" + r.getString(1), r);
    }
    assertEquals(0, read.malformed(), read.summary());
    return rows;
  }

  static void assertParity(String mode, boolean redPajama) throws Exception {
    List<JsonNode> expected = expected(mode);
    Map<String, Row> rows = corral(redPajama);
    assertEquals(expected.size(), rows.size());
    int equal = 0;
    int kept = 0;
    int cleaned = 0;
    List<String> differ = new ArrayList<>();
    for (JsonNode e : expected) {
      String key = e.get("repo_name").asText() + "\n" + e.get("path").asText();
      Row r = rows.get(key);
      List<String> why = new ArrayList<>();
      boolean corralKept = r.isNullAt(8);
      if (corralKept != e.get("kept").asBoolean()) {
        why.add("kept " + corralKept + " (drop_reason " + r.get(8) + ")");
      }
      if (e.has("text")) {
        cleaned++;
        if (!e.get("text").asText().equals(r.getString(2))) {
          why.add("text");
        }
        if (!e.get("content_hash").asText().equals(r.getString(3))) {
          why.add("content_hash");
        }
        if (e.get("line_count").asInt() != r.getInt(4)
            || e.get("max_line_length").asInt() != r.getInt(5)
            || e.get("avg_line_length").asDouble() != r.getDouble(6)
            || e.get("alnum_prop").asDouble() != r.getDouble(7)) {
          why.add("stats " + e + " vs " + r);
        }
      }
      if (why.isEmpty()) {
        equal++;
        kept += corralKept ? 1 : 0;
      } else {
        differ.add(key.replace('\n', ':') + " " + why);
      }
    }
    System.out.printf(
        "github golden, %s mode: %d/%d records equal (%d cleaned files compared; %d kept)%n",
        mode, equal, expected.size(), cleaned, kept);
    assertEquals(List.of(), differ.subList(0, Math.min(10, differ.size())));
    assertTrue(kept > 50 && cleaned > 200, kept + " kept, " + cleaned + " cleaned");
  }

  @Test
  void redPajamaModeEqualsRedPajamasScripts() throws Exception {
    assertParity("redpajama", true);
  }

  @Test
  void paperModeEqualsRedPajamasFunctionsWithTheFixes() throws Exception {
    assertParity("paper", false);
  }

  /**
   * Counting by cached segments gives what the tokenizer gives for the whole text, on every golden
   * text (whose counts the golden maker got from DJL, whole) and again on the second pass, served
   * from the cache.
   */
  @Test
  void tokenCountsBySegmentsEqualWholeTexts() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, Long> whole = new HashMap<>();
    for (String line :
        Files.readAllLines(golden.resolve("token-counts.jsonl"), StandardCharsets.UTF_8)) {
      JsonNode r = json.readTree(line);
      whole.put(r.get("md5").asText(), r.get("tokens").asLong());
    }
    TokenCounts counts = TokenCounts.get(ExecutorTokenizers.LLAMA);
    assertTrue(counts.bySegments());
    int checked = 0;
    for (int pass = 0; pass < 2; pass++) {
      for (String mode : List.of("redpajama", "paper")) {
        for (JsonNode e : expected(mode)) {
          if (e.has("text")) {
            String text = e.get("text").asText();
            String md5 =
                HexFormat.of()
                    .formatHex(
                        MessageDigest.getInstance("MD5")
                            .digest(text.getBytes(StandardCharsets.UTF_8)));
            if (!text.isEmpty()) {
              assertEquals(whole.get(md5), counts.count(text), text);
              checked++;
            }
          }
        }
      }
    }
    assertTrue(checked > 400, "" + checked);
    assertTrue(Objects.nonNull(whole.get("0098d0a180f8e6d2960004d570156d4d")));
  }

  /**
   * The same on random texts made of what segments hinge on: runs of spaces and of {@code ▁}, line
   * breaks, tabs, carriage returns and NUL, letters, a character outside the vocabulary (byte
   * fallback), an emoji, and the tokenizer's added tokens, which send the text to the whole-text
   * path.
   */
  @Test
  void tokenCountsBySegmentsEqualWholeTextsOnRandomTexts() {
    String[] pieces = {
      " ",
      "  ",
      "\u2581",
      "\n",
      "\t",
      "\r",
      "\r\n",
      "\u0000",
      "a",
      "bc",
      "the",
      "def",
      "é",
      "\uD83D\uDE00",
      "\u4E2D",
      "(",
      "0",
      "\u0fff",
      "<s>",
      "</s>"
    };
    java.util.Random random = new java.util.Random(7);
    TokenCounts counts = TokenCounts.get(ExecutorTokenizers.LLAMA);
    for (int i = 0; i < 3000; i++) {
      StringBuilder text = new StringBuilder();
      int n = 1 + random.nextInt(12);
      for (int k = 0; k < n; k++) {
        String piece = pieces[random.nextInt(pieces.length)];
        if (!piece.startsWith("<") || random.nextInt(10) == 0) {
          text.append(piece);
        }
      }
      String t = text.toString();
      assertEquals(counts.whole(List.of(t))[0], counts.count(t), t.replace("\n", "\\n"));
    }
  }
}
