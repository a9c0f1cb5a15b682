package dev.corral.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.core.testing.TestSpark;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data card of a recipe folder built by real jobs on the bundled samples (language ID, exact
 * dedup with planted copies, contamination with a planted benchmark overlap and token counts,
 * Wikipedia, a mixture): every number on the card equals what the tables say when counted directly,
 * and the HTML page needs nothing but itself.
 */
class DataCardTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @AfterAll
  static void stopSpark() {
    TestSpark.stopActive();
  }

  @Test
  void theCardSaysWhatTheTablesHold() throws Exception {
    Path dir = tmp.resolve("recipe");
    List<String> lines;
    try (InputStream in =
        DataCardTest.class.getResourceAsStream("/dev/corral/jobs/demo/udhr-sample.jsonl")) {
      lines =
          new ArrayList<>(
              List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
    }
    for (int i = 0; i < 3; i++) { // three exact copies for dedup to find
      lines.add(lines.get(i).replaceFirst("\"id\": \"([^\"]+)\"", "\"id\": \"$1-copy\""));
    }
    Path sample = tmp.resolve("udhr.jsonl");
    Files.writeString(sample, String.join("\n", lines) + "\n");
    // A benchmark holding 20 words of a French paragraph, upper-cased and across a line break.
    String french =
        lines.stream().filter(l -> l.contains("\"html_lang\": \"fr\"")).findFirst().orElseThrow();
    List<String> words =
        Arrays.asList(JSON.readTree(french).get("text").asText().split("\\s+")).subList(0, 20);
    String planted =
        String.join(" ", words.subList(0, 10)).toUpperCase()
            + "\n"
            + String.join(" ", words.subList(10, 20));
    Path benchmarks = tmp.resolve("benchmarks.jsonl");
    Files.writeString(
        benchmarks,
        "{\"benchmark\": \"planted\", \"text\": "
            + JSON.writeValueAsString(planted)
            + "}\n{\"benchmark\": \"unrelated\", \"text\": \"one two three four five six seven eight"
            + " nine ten eleven twelve thirteen fourteen\"}\n");
    Path decontam = tmp.resolve("decontam.yaml");
    Files.writeString(
        decontam,
        "name: decontam\nstages:\n  - stage: Contamination\n    params:\n      benchmarks: "
            + benchmarks
            + "\n  - stage: TokenCounter\n");

    Path langid = dir.resolve("udhr/langid");
    Path dedup = dir.resolve("udhr/dedup");
    Path clean = dir.resolve("udhr/decontam");
    Path wiki = dir.resolve("wikipedia/source");
    Path mixture = dir.resolve("mixture");
    ok(CommandLineTest.cli("langid --input %s --output %s", sample, langid));
    ok(CommandLineTest.cli("dedup --method exact --input %s --output %s", langid, dedup));
    ok(CommandLineTest.cli("curate --config %s --input %s --output %s", decontam, dedup, clean));
    ok(
        CommandLineTest.cli(
            "source wikipedia --input %s --output %s",
            Path.of("src/main/resources/dev/corral/jobs/demo/sources/wikipedia"), wiki));
    Path mix = tmp.resolve("mixture.yaml");
    Files.writeString(
        mix,
        String.join(
            "\n",
            "name: card-test",
            "seed: 3",
            "budget_tokens: 20000",
            "output: {shards: 1, formats: [parquet]}",
            "sources:",
            "  - {name: udhr, path: '" + clean + "', id_column: id, proportion: 0.8, epochs: 1}",
            "  - {name: wikipedia, path: '" + wiki + "', proportion: 0.2, epochs: 1}",
            ""));
    ok(CommandLineTest.cli("mixture --config %s --output %s", mix, mixture));

    // The recipe's record, as the recipe writes it (shape in RecipeRecord).
    List<String[]> steps =
        List.of(
            new String[] {"udhr", "langid", "langid", langid.toString()},
            new String[] {"udhr", "dedup", "dedup", dedup.toString()},
            new String[] {"udhr", "decontam", "curate", clean.toString()},
            new String[] {"wikipedia", "source", "source-wikipedia", wiki.toString()});
    StringBuilder recipe = new StringBuilder("{\"recipe\": \"card-test\", \"steps\": [");
    for (int i = 0; i < steps.size(); i++) {
      String[] s = steps.get(i);
      recipe
          .append(i == 0 ? "" : ", ")
          .append(
              String.format(
                  "{\"source\": \"%s\", \"step\": \"%s\", \"job\": \"%s\", \"output\": \"%s\","
                      + " \"status\": \"complete\", \"key\": \"k%d\", \"wall_s\": %d.5, \"cpu_s\": %d}",
                  s[0], s[1], s[2], s[3], i, i + 1, 10 * (i + 1)));
    }
    recipe.append("], \"mixture\": {\"job\": \"mixture\", \"output\": \"mixture\"}}");
    Files.createDirectories(dir.resolve("_corral"));
    Files.writeString(dir.resolve("_corral/recipe.json"), recipe);

    CommandLineTest.Result card = CommandLineTest.cli("card --input %s", dir);
    ok(card);
    JsonNode json = JSON.readTree(dir.resolve("report.json").toFile());
    SparkSession spark = SparkSession.active();
    assertEquals(4, json.get("steps").size());
    for (int i = 0; i < steps.size(); i++) {
      JsonNode step = json.get("steps").get(i);
      assertEquals(steps.get(i)[1], step.get("step").asText());
      assertEquals(i + 1.5, step.get("wall_s").asDouble());
      assertEquals(10.0 * (i + 1), step.get("cpu_s").asDouble());
      checkAgainstTable(spark.read().format("delta").load(steps.get(i)[3]), step);
    }
    // The planted copies and the planted overlap are on the card.
    JsonNode dedupStep = json.get("steps").get(1);
    // The sample holds duplicates of its own; the planted copies are among those dropped.
    assertTrue(dedupStep.get("drop_reasons").get("exact_duplicate").get("documents").asLong() >= 3);
    assertEquals(
        3,
        spark
            .read()
            .format("delta")
            .load(dedup.toString())
            .where("id LIKE '%-copy' AND drop_reason = 'exact_duplicate'")
            .count());
    JsonNode decontamStep = json.get("steps").get(2);
    assertTrue(decontamStep.get("contaminated_by").get("planted").asLong() >= 1);
    assertFalse(decontamStep.get("tokens_estimated").asBoolean());
    // curate's run record counts documents per benchmark, and the card shows the same.
    JsonNode curate = JSON.readTree(clean.resolve("_corral/curate.json").toFile());
    JsonNode perBenchmark = curate.get("stats").get("contamination").get("documents_per_benchmark");
    assertEquals(
        decontamStep.get("contaminated_by").get("planted").asLong(),
        perBenchmark.get("planted").asLong());
    assertEquals(
        2, // 14 words
        curate
            .get("stats")
            .get("contamination")
            .get("per_benchmark")
            .get("unrelated")
            .get("ngrams")
            .asLong());
    assertTrue(json.get("steps").get(0).get("tokens_estimated").asBoolean());
    assertEquals(
        3, json.get("sources").get("udhr").get("steps").size(), json.get("sources").toString());

    // The mixture's shares are the manifest's.
    JsonNode manifest = JSON.readTree(mixture.resolve("manifest.json").toFile());
    for (int i = 0; i < 2; i++) {
      JsonNode m = manifest.get("sources").get(i);
      JsonNode c = json.get("mixture").get("sources").get(i);
      assertEquals(m.get("achieved_proportion").asDouble(), c.get("achieved_share").asDouble());
      assertEquals(m.get("target_proportion").asDouble(), c.get("target_share").asDouble());
      assertEquals(m.get("effective_epochs").asDouble(), c.get("effective_epochs").asDouble());
    }

    String md = Files.readString(dir.resolve("report.md"));
    assertTrue(md.startsWith("<!-- corral data card -->"), md);
    for (String expected :
        List.of(
            "`exact_duplicate`",
            "`contaminated`",
            "| decontam | planted |",
            "## Mixture",
            "source-wikipedia",
            "![share of tokens per source, target and achieved](report/mixture-shares.png)")) {
      assertTrue(md.contains(expected), expected);
    }
    // The HTML page opens as a file: no script, no stylesheet link, every image inside it.
    String html = Files.readString(dir.resolve("report.html"));
    assertFalse(html.contains("<script"), "script");
    assertFalse(html.contains("<link"), "link");
    Matcher src = Pattern.compile("(src|href)=\"([^\"]*)\"").matcher(html);
    int images = 0;
    while (src.find()) {
      assertTrue(src.group(2).startsWith("data:image/png;base64,"), src.group(2));
      images++;
    }
    try (Stream<Path> pngs = Files.list(dir.resolve("report"))) {
      // (Hadoop's local file system keeps a hidden .crc beside each file it writes.)
      List<Path> files = pngs.filter(p -> p.toString().endsWith(".png")).toList();
      assertEquals(files.size(), images);
      for (Path png : files) {
        assertNotNull(ImageIO.read(png.toFile()), png.toString());
      }
    }
    assertTrue(images >= 6, "charts: " + images);

    // Without recipe.json the steps are found by their records, with the same numbers; the card
    // replaces its own files.
    Files.move(dir.resolve("_corral/recipe.json"), tmp.resolve("recipe.json"));
    ok(CommandLineTest.cli("card --input %s", dir));
    JsonNode found = JSON.readTree(dir.resolve("report.json").toFile());
    Map<String, JsonNode> byStep = new HashMap<>();
    found
        .get("steps")
        .forEach(s -> byStep.put(s.get("source").asText() + "/" + s.get("step").asText(), s));
    assertEquals(4, byStep.size(), byStep.keySet().toString());
    assertEquals(
        json.get("steps").get(1).get("drop_reasons"), byStep.get("udhr/dedup").get("drop_reasons"));
    assertEquals(
        List.of("langid", "dedup", "decontam"),
        List.of(
            found.get("steps").get(0).get("step").asText(),
            found.get("steps").get(1).get("step").asText(),
            found.get("steps").get(2).get("step").asText()));
    assertEquals("card-test", found.get("mixture").get("name").asText());

    // Written again, the card keeps the statistics of a step whose run and table are unchanged: a
    // number planted in the earlier card shows through. A step run again, or a table with a new
    // commit, is counted again.
    ObjectNode earlier = (ObjectNode) JSON.readTree(dir.resolve("report.json").toFile());
    earlier.get("steps").forEach(s -> ((ObjectNode) s).put("documents_in", 123_456_789L));
    Files.writeString(dir.resolve("report.json"), JSON.writeValueAsString(earlier));
    Files.delete(dir.resolve(".report.json.crc")); // or Hadoop's file system refuses the edit
    ok(CommandLineTest.cli("dedup --method exact --input %s --output %s", langid, dedup));
    spark.sql("DELETE FROM delta.`" + clean + "` WHERE id = '" + firstId(clean) + "'");
    ok(CommandLineTest.cli("card --input %s", dir));
    Map<String, JsonNode> again = new HashMap<>();
    JSON.readTree(dir.resolve("report.json").toFile())
        .get("steps")
        .forEach(s -> again.put(s.get("source").asText() + "/" + s.get("step").asText(), s));
    assertEquals(123_456_789L, again.get("udhr/langid").get("documents_in").asLong());
    assertEquals(123_456_789L, again.get("wikipedia/source").get("documents_in").asLong());
    assertEquals(
        json.get("steps").get(0).get("languages"), again.get("udhr/langid").get("languages"));
    checkAgainstTable(spark.read().format("delta").load(dedup.toString()), again.get("udhr/dedup"));
    checkAgainstTable(
        spark.read().format("delta").load(clean.toString()), again.get("udhr/decontam"));
    assertEquals(
        json.get("steps").get(2).get("documents_in").asLong() - 1,
        again.get("udhr/decontam").get("documents_in").asLong());

    // A report.md the card did not write stays.
    Path other = tmp.resolve("other");
    Files.createDirectories(other.resolve("a/b"));
    Files.writeString(other.resolve("report.md"), "# mine\n");
    CommandLineTest.Result refused = CommandLineTest.cli("card --input %s", other);
    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("--overwrite"), refused.err());
    assertEquals("# mine\n", Files.readString(other.resolve("report.md")));
  }

  /** The smallest id in the Delta table at {@code table}. */
  private static String firstId(Path table) {
    return SparkSession.active()
        .read()
        .format("delta")
        .load(table.toString())
        .orderBy("id")
        .first()
        .getAs("id")
        .toString();
  }

  /** The card's numbers for one step against counts computed directly from its table. */
  private static void checkAgainstTable(Dataset<Row> t, JsonNode step) {
    String name = step.get("source").asText() + "/" + step.get("step").asText();
    boolean hasReason = Arrays.asList(t.columns()).contains("drop_reason");
    Dataset<Row> kept = hasReason ? t.where("drop_reason IS NULL") : t;
    assertEquals(t.count(), step.get("documents_in").asLong(), name);
    assertEquals(kept.count(), step.get("documents_out").asLong(), name);
    assertEquals(bytes(t), step.get("bytes_in").asLong(), name);
    assertEquals(bytes(kept), step.get("bytes_out").asLong(), name);
    if (Arrays.asList(t.columns()).contains("num_tokens")) {
      assertEquals(
          t.agg(sum("num_tokens")).first().getLong(0), step.get("tokens_in").asLong(), name);
    }
    long dropped = 0;
    List<Row> reasons =
        hasReason
            ? t.groupBy("drop_reason").count().where("drop_reason IS NOT NULL").collectAsList()
            : List.of();
    for (Row r : reasons) {
      JsonNode reason = step.get("drop_reasons").get(r.getString(0));
      assertEquals(r.getLong(1), reason.get("documents").asLong(), name + " " + r.getString(0));
      Set<String> examples = new HashSet<>();
      reason.get("examples").forEach(id -> examples.add(id.asText()));
      assertTrue(
          !examples.isEmpty()
              && examples.size() == reason.get("examples").size()
              && examples.size() <= 5,
          name + " " + reason);
      for (JsonNode id : reason.get("examples")) {
        assertEquals(
            r.getString(0),
            t.where(col("id").cast("string").equalTo(id.asText())).first().getAs("drop_reason"),
            name);
      }
      dropped += r.getLong(1);
    }
    assertEquals(t.count() - kept.count(), dropped, name);
    if (Arrays.asList(t.columns()).contains("language")) {
      long listed = 0;
      for (JsonNode l : step.get("languages")) {
        listed += l.get("documents").asLong();
      }
      assertEquals(t.count(), listed, name);
      String top =
          t.groupBy("language")
              .count()
              .orderBy(col("count").desc(), col("language"))
              .first()
              .getString(0);
      assertEquals(
          t.where(col("language").equalTo(top)).count(),
          step.get("languages").get(top).get("documents").asLong(),
          name);
    }
    if (Arrays.asList(t.columns()).contains("cluster_size")) {
      long docs = 0;
      for (JsonNode n : step.get("cluster_sizes").get("documents")) {
        docs += n.asLong();
      }
      assertEquals(t.count(), docs, name);
    }
    if (Arrays.asList(t.columns()).contains("contaminated_by")) {
      for (Row r :
          t.select(explode(col("contaminated_by")).as("b")).groupBy("b").count().collectAsList()) {
        assertEquals(r.getLong(1), step.get("contaminated_by").get(r.getString(0)).asLong());
      }
    }
    long histogram = 0;
    for (JsonNode n : step.get("length_chars").get("all")) {
      histogram += n.asLong();
    }
    assertEquals(t.where("text IS NOT NULL").count(), histogram, name);
  }

  private static long bytes(Dataset<Row> t) {
    Row r = t.agg(sum(octet_length(col("text")))).first();
    return r.isNullAt(0) ? 0 : r.getLong(0);
  }

  private static void ok(CommandLineTest.Result r) {
    assertEquals(0, r.code(), r.err());
  }
}
