package dev.corral.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark jobs end to end in process, on local Spark: langid over JSONL into Delta, and the demo.
 */
class JobsTest {
  static final Path UDHR =
      Path.of(System.getProperty("corral.shared.dir", "../../shared"), "data/udhr-dev.tsv");

  @TempDir Path tmp;

  @AfterAll
  static void stopSpark() {
    SparkSession.active().stop();
  }

  private Path jsonl(int docs) throws Exception {
    List<String> lines = new ArrayList<>();
    List<String> tsv = Files.readAllLines(UDHR, StandardCharsets.UTF_8);
    for (int i = 0; i < docs; i++) {
      String text = tsv.get(i * (tsv.size() / docs)).split("\t")[2];
      lines.add(
          "{\"id\": "
              + i
              + ", \"body\": \""
              + text.replace("\\", "\\\\").replace("\"", "\\\"")
              + "\"}");
    }
    lines.add("{\"id\": " + docs + ", \"body\": null}");
    lines.add("{\"id\": " + (docs + 1) + ", \"body\": \"   \"}");
    Path p = tmp.resolve("docs.jsonl");
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void langidWritesEveryRowToDeltaAndARerunReplacesIt() throws Exception {
    Path input = jsonl(60);
    Path output = tmp.resolve("out");
    for (int run = 0; run < 2; run++) {
      CommandLineTest.Result r =
          CommandLineTest.cli(
              "langid --input %s --output %s --text-column body --top-k 2", input, output);
      assertEquals(0, r.code(), r.err());
      assertTrue(r.outText().contains("62 documents"), r.outText());
    }
    Dataset<Row> out = SparkSession.active().read().format("delta").load(output.toString());
    assertEquals(62, out.count());
    assertEquals(
        List.of("body", "id", "language", "language_score", "language_topk"),
        List.of(out.columns()));
    assertEquals(1, out.filter("body is null and language is null").count());
    assertEquals("unknown", out.filter("id = 61").first().getAs("language"));
    assertTrue(Files.exists(output.resolve("_corral/langid.json")));
  }

  @Test
  void langidWritesParquetOnRequest() throws Exception {
    Path output = tmp.resolve("parquet");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "langid --input %s --output %s --text-column body --format parquet", jsonl(20), output);
    assertEquals(0, r.code(), r.err());
    assertEquals(22, SparkSession.active().read().parquet(output.toString()).count());
  }

  @Test
  void langidNamesAMissingColumn() throws Exception {
    CommandLineTest.Result r =
        CommandLineTest.cli("langid --input %s --output %s", jsonl(5), tmp.resolve("x"));
    assertEquals(1, r.code(), r.err());
    List<String> errors = r.err().lines().filter(l -> l.startsWith("corral")).toList();
    assertEquals(1, errors.size(), r.err());
    assertTrue(errors.get(0).contains("column 'text' does not exist"), r.err());
    assertTrue(!r.err().contains("\tat "), r.err());
  }

  @Test
  void qualityTrainWritesAModelAndReportsHeldOutScores() throws Exception {
    List<String> tsv = Files.readAllLines(UDHR, StandardCharsets.UTF_8);
    List<String> positives = new ArrayList<>();
    List<String> negatives = new ArrayList<>();
    java.util.Random random = new java.util.Random(5);
    String[] spam = {
      "click", "here", "buy", "now", "cheap", "price", "casino", "bonus", "win", "deal"
    };
    for (int i = 0; i < 300; i++) {
      positives.add(
          "{\"text\": \""
              + tsv.get(i * 31).split("\t")[2].replace("\\", "").replace("\"", "")
              + "\"}");
      StringBuilder page = new StringBuilder();
      for (int w = 0; w < 25; w++) {
        page.append(spam[random.nextInt(spam.length)]).append(' ');
      }
      negatives.add("{\"text\": \"" + page + "\"}");
    }
    Files.write(tmp.resolve("pos.jsonl"), positives, StandardCharsets.UTF_8);
    Files.write(tmp.resolve("neg.jsonl"), negatives, StandardCharsets.UTF_8);
    Path model = tmp.resolve("models/quality.bin");
    CommandLineTest.Result r =
        CommandLineTest.cli(
            "quality train --positives %s --negatives %s --output %s --dim 16 --epoch 10 --lr 0.5 --bucket 50000 --held-out 0.2",
            tmp.resolve("pos.jsonl"), tmp.resolve("neg.jsonl"), tmp.resolve("models"));
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(model));
    assertTrue(r.outText().contains("reference pages kept"), r.outText());
    assertTrue(Files.exists(tmp.resolve("models/_corral/quality-train.json")));
    assertEquals(2, dev.corral.curation.fasttext.FastTextModel.load(model).labelCount());
  }

  @Test
  void curateRunsAPipelineYamlAndCountsDropReasons() throws Exception {
    Path config = tmp.resolve("pipeline.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "name: test-pipeline",
            "stages:",
            "  - stage: LanguageIdentifier",
            "    params: {inputCol: body}",
            "  - stage: GopherQualityFilter",
            "    params: {inputCol: body}",
            "  - stage: C4Filter",
            "    params: {inputCol: body}",
            ""));
    Path output = tmp.resolve("curated");
    CommandLineTest.Result r =
        CommandLineTest.cli("curate --config %s --input %s --output %s", config, jsonl(40), output);
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.outText().contains("LanguageIdentifier -> GopherQualityFilter -> C4Filter"), r.outText());
    Dataset<Row> out = SparkSession.active().read().format("delta").load(output.toString());
    assertEquals(42, out.count());
    assertTrue(out.filter("drop_reason = 'gopher_short_doc'").count() > 0);
    assertTrue(
        List.of(out.columns())
            .containsAll(List.of("language", "gopher_word_count", "c4_text", "drop_reason")),
        List.of(out.columns()).toString());
    // The record cites where each default threshold comes from; params the YAML set are not listed.
    com.fasterxml.jackson.databind.JsonNode gopher =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(output.resolve("_corral/curate.json").toFile())
            .path("stages")
            .get(1)
            .path("defaults_cited");
    assertTrue(gopher.path("minDocWords").asText().contains("Gopher A.1.1: 50"), gopher.toString());
    assertTrue(gopher.path("inputCol").isMissingNode(), gopher.toString());

    // Every reason these stages set is declared: the write counted them, as the table has them.
    com.fasterxml.jackson.databind.JsonNode record =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(output.resolve("_corral/curate.json").toFile());
    assertEquals("write", record.path("drop_reasons_from").asText());
    assertEquals(byReason(out), byReason(record.path("drop_reasons")));

    // A reason from elsewhere (the input's own column) is declared by no stage: read back, right.
    List<String> marked = new ArrayList<>();
    for (String line : Files.readAllLines(jsonl(40))) {
      marked.add(
          line.contains("\"id\": 3,") ? line.replace("}", ", \"drop_reason\": \"mine\"}") : line);
    }
    Path input = Files.write(tmp.resolve("marked.jsonl"), marked);
    Path again = tmp.resolve("curated-marked");
    CommandLineTest.Result m =
        CommandLineTest.cli("curate --config %s --input %s --output %s", config, input, again);
    assertEquals(0, m.code(), m.err());
    com.fasterxml.jackson.databind.JsonNode marking =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(again.resolve("_corral/curate.json").toFile());
    assertEquals("table", marking.path("drop_reasons_from").asText());
    assertEquals(1, marking.path("drop_reasons").path("mine").asLong(), marking.toString());
    assertEquals(
        byReason(SparkSession.active().read().format("delta").load(again.toString())),
        byReason(marking.path("drop_reasons")));
  }

  private static Map<String, Long> byReason(Dataset<Row> table) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (Row r : table.groupBy("drop_reason").count().collectAsList()) {
      out.put(r.isNullAt(0) ? "(kept)" : r.getString(0), r.getLong(1));
    }
    return out;
  }

  private static Map<String, Long> byReason(com.fasterxml.jackson.databind.JsonNode counts) {
    Map<String, Long> out = new java.util.TreeMap<>();
    counts.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  @Test
  void curateRunsALlamaStageFromYamlAndRecordsEveryParam() throws Exception {
    Path config = tmp.resolve("llama.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "name: llama-perplexity",
            "stages:",
            "  - stage: LanguageIdentifier",
            "    params: {inputCol: body}",
            "  - stage: LlamaScorer",
            "    params: {modelPath: '"
                + LlamaCommandTest.TINY
                + "', textCol: body, batchTokens: 256}",
            ""));
    Path output = tmp.resolve("scored");
    CommandLineTest.Result r =
        CommandLineTest.cli("curate --config %s --input %s --output %s", config, jsonl(6), output);
    assertEquals(0, r.code(), r.err());
    Dataset<Row> out = SparkSession.active().read().format("delta").load(output.toString());
    assertEquals(8, out.count());
    assertEquals(7, out.where("perplexity > 0").count());
    assertEquals(
        1,
        out.where("body IS NULL AND error IS NOT NULL")
            .count()); // a null text gets an error, no row lost
    com.fasterxml.jackson.databind.JsonNode record =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(output.resolve("_corral/curate.json").toFile());
    com.fasterxml.jackson.databind.JsonNode llama = record.path("stages").get(1);
    assertEquals("LlamaScorer", llama.path("stage").asText());
    assertEquals(256, llama.path("params").path("batchTokens").asInt());
    assertEquals(
        "perplexity", llama.path("params").path("mode").asText()); // defaults are recorded too
    assertEquals(
        new dev.corral.inference.spark.LlamaScorer().params().length, llama.path("params").size());
    assertEquals(8, llama.path("rows_out").asLong());
    assertEquals("LanguageIdentifier", record.path("stages").get(0).path("stage").asText());
    assertEquals(0.5, record.path("stages").get(0).path("params").path("minScore").asDouble());
    assertTrue(
        record.path("inputs").get(0).path("digest").asText().length() == 16, record.toString());
  }
}
