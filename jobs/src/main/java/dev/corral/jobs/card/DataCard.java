package dev.corral.jobs.card;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.corral.core.Errors;
import dev.corral.core.io.Fingerprint;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.io.Tables;
import dev.corral.core.job.Build;
import dev.corral.core.job.OutputFile;
import dev.corral.core.job.RunRecord;
import dev.corral.curation.mixture.BarChart;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The data card of a recipe's folder: {@code DIR/report.md}, {@code DIR/report.json}, {@code
 * DIR/report.html} (one page with its charts inside) and {@code DIR/report/*.png}. Per source and
 * step: documents, bytes and tokens in and out; every {@code drop_reason} with its count and
 * example ids; languages; length and dedup cluster-size distributions; documents per contaminating
 * benchmark; wall and CPU time; every setting and input fingerprint from the run records; then the
 * mixture's achieved and target shares and epochs. It reads the steps' tables and records and
 * writes only those report files, each to a hidden file first and renamed into place.
 *
 * <p>A step whose run record and table fingerprint are those the card written before describes
 * keeps that card's statistics (a recipe rerun that skipped it): only the tables that changed are
 * read again.
 */
public final class DataCard {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Reads an earlier card's statistics back with the types the card computes them in. */
  private static final ObjectMapper LONGS =
      new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

  private DataCard() {}

  /** What the card wrote. */
  public record Written(Path markdown, Path json, Path html, List<Path> charts) {}

  /** Writes the card of the recipe in {@code recipeDir}, replacing a card written before. */
  public static Written write(SparkSession spark, String recipeDir) {
    return write(spark, recipeDir, false, null);
  }

  /**
   * Writes the card of the recipe in {@code recipeDir}. A report file there that the card did not
   * write is refused unless {@code overwrite}. {@code tokenizer} estimates tokens of tables without
   * a {@code num_tokens} column (null: the LLaMA tokenizer).
   */
  public static Written write(
      SparkSession spark, String recipeDir, boolean overwrite, String tokenizer) {
    Path dir = new Path(recipeDir);
    FileSystem fs = HadoopFs.fileSystem(dir);
    dir = fs.makeQualified(dir);
    refuseForeign(fs, dir, overwrite, "--input");
    RecipeRecord recipe = RecipeRecord.read(fs, dir);
    Map<String, JsonNode> earlier = earlierSteps(fs, dir, tokenizer);

    List<Map<String, Object>> steps = new ArrayList<>();
    for (RecipeRecord.Step step : recipe.steps()) {
      steps.add(step(spark, fs, step, tokenizer, earlier.get(step.output())));
    }
    if (recipe.json() == null) {
      // Discovered steps: in each source, in the order they ran.
      steps.sort(
          Comparator.comparing((Map<String, Object> s) -> (String) s.get("source"))
              .thenComparing(s -> String.valueOf(s.get("started"))));
    }
    Map<String, Object> mixture = recipe.mixture() == null ? null : mixture(fs, recipe.mixture());

    Map<String, Object> card = new LinkedHashMap<>();
    Map<String, Object> about = new LinkedHashMap<>();
    about.put("written", Instant.now().toString());
    about.put("corral_version", Build.version());
    about.put("corral_commit", Build.commit());
    about.put("folder", dir.toString());
    about.put("recipe_record", recipe.json() == null ? null : RecipeRecord.FILE);
    about.put("tokenizer", tokenizer);
    card.put("card", about);
    card.put("recipe", recipe.json());
    card.put("sources", sources(steps));
    card.put("steps", steps);
    card.put("mixture", mixture);

    CardDocument doc = Render.document(card, recipe, dir.getName());
    try {
      String json = JSON.writeValueAsString(card);
      return commit(fs, dir, doc, json, recipe, dir.getName());
    } catch (IOException e) {
      throw Errors.unwritable(new Path(dir, "report.json").toString(), e);
    }
  }

  /**
   * Wall and CPU seconds: the recipe's record when it has them, else the step's run record (for a
   * skipped step, what its recorded run took).
   */
  private static void putTimes(Map<String, Object> out, RecipeRecord.Step step, JsonNode timings) {
    out.put(
        "wall_s",
        !Double.isNaN(step.wallS())
            ? step.wallS()
            : timings == null ? null : number(timings.path("wall_seconds")));
    out.put(
        "cpu_s",
        !Double.isNaN(step.cpuS())
            ? step.cpuS()
            : timings == null ? null : number(timings.path("executor_cpu_seconds")));
  }

  private static boolean exists(FileSystem fs, Path path) {
    try {
      return fs.exists(path);
    } catch (IOException e) {
      throw Errors.unreadable(path.toString(), e);
    }
  }

  /**
   * One step: how it ran (recipe and run record) and what its table holds; {@code earlier} is its
   * entry on the card written before, or null.
   */
  private static Map<String, Object> step(
      SparkSession spark,
      FileSystem fs,
      RecipeRecord.Step step,
      String tokenizer,
      JsonNode earlier) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", step.source());
    out.put("step", step.step());
    out.put("job", step.job());
    out.put("output", step.output());
    out.put("status", step.status());
    out.put("key", step.key());
    JsonNode record = RunRecord.read(fs, new Path(step.output()), step.job()).orElse(null);
    JsonNode timings = record == null ? null : record.path("timings");
    out.put("started", timings == null ? null : timings.path("started").asText(null));
    putTimes(out, step, timings);
    if (record == null) {
      out.put("note", "no run record at " + step.output() + "/_corral/" + step.job() + ".json");
    } else if (!List.of("failed", "not_run", "pending", "running").contains(step.status())) {
      String format = record.path("output").path("format").asText(Tables.DELTA);
      if (!List.of(Tables.DELTA, Tables.PARQUET, Tables.JSON).contains(format)) {
        format = null;
      }
      if (Tables.DELTA.equals(format) && !exists(fs, new Path(step.output(), "_delta_log"))) {
        out.put("note", "not a table (a model or files the job wrote itself)");
      } else {
        String fingerprint = Fingerprint.of(spark, step.output()).digest();
        out.put("table_fingerprint", fingerprint);
        if (earlier != null
            && record.equals(earlier.path("run_record"))
            && fingerprint.equals(earlier.path("table_fingerprint").asText())) {
          earlier
              .fields()
              .forEachRemaining(
                  f -> {
                    if (!out.containsKey(f.getKey()) && !f.getKey().equals("run_record")) {
                      out.put(f.getKey(), LONGS.convertValue(f.getValue(), Object.class));
                    }
                  });
        } else {
          Dataset<Row> table = Tables.read(spark, step.output(), format);
          out.putAll(TableStats.of(table, tokenizer));
        }
      }
    }
    out.put("run_record", record);
    return out;
  }

  /**
   * The steps of the card in {@code dir}, by output folder, when it is a card this build wrote with
   * {@code tokenizer}; else none.
   */
  private static Map<String, JsonNode> earlierSteps(FileSystem fs, Path dir, String tokenizer) {
    Map<String, JsonNode> out = new HashMap<>();
    Path md = new Path(dir, "report.md");
    Path json = new Path(dir, "report.json");
    try {
      if (!fs.exists(json) || !isCard(fs, md)) {
        return out;
      }
      JsonNode card;
      try (InputStream in = fs.open(json)) {
        card = JSON.readTree(in);
      }
      JsonNode about = card.path("card");
      if (!Objects.equals(text(about.path("corral_version")), Build.version())
          || !Objects.equals(text(about.path("corral_commit")), Build.commit())
          || !Objects.equals(text(about.path("tokenizer")), tokenizer)) {
        return out;
      }
      for (JsonNode s : card.path("steps")) {
        out.put(s.path("output").asText(), s);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return Map.of(); // an unreadable earlier card is only a card to compute again
    }
  }

  /** Whether {@code md} exists and starts with the mark of a card Corral wrote. */
  private static boolean isCard(FileSystem fs, Path md) throws IOException {
    if (!fs.exists(md)) {
      return false;
    }
    try (InputStream in = fs.open(md)) {
      byte[] head = in.readNBytes(CardDocument.MARK.length());
      return new String(head, StandardCharsets.UTF_8).equals(CardDocument.MARK);
    }
  }

  private static String text(JsonNode n) {
    return n.isTextual() ? n.asText() : null;
  }

  /** Per source: the first step's input and the last step's output. */
  private static Map<String, Object> sources(List<Map<String, Object>> steps) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map<String, Object> s : steps) {
      if (!s.containsKey("documents_in")) {
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> source =
          (Map<String, Object>)
              out.computeIfAbsent((String) s.get("source"), k -> new LinkedHashMap<>());
      List<String> names = new ArrayList<>();
      if (source.isEmpty()) {
        for (String k : List.of("documents_in", "bytes_in", "tokens_in")) {
          source.put(k, s.get(k));
        }
      } else {
        @SuppressWarnings("unchecked")
        List<String> before = (List<String>) source.get("steps");
        names.addAll(before);
      }
      names.add((String) s.get("step"));
      source.put("steps", names);
      for (String k : List.of("documents_out", "bytes_out", "tokens_out", "tokens_estimated")) {
        source.put(k, s.get(k));
      }
    }
    return out;
  }

  /** The mixture as its manifest and run record say. */
  private static Map<String, Object> mixture(FileSystem fs, RecipeRecord.Step step) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("output", step.output());
    out.put("status", step.status());
    Path manifest = new Path(step.output(), "manifest.json");
    try {
      if (!fs.exists(manifest)) {
        out.put("note", "no manifest.json in " + step.output());
        return out;
      }
      JsonNode m;
      try (InputStream in = fs.open(manifest)) {
        m = JSON.readTree(in);
      }
      boolean epochs = "epochs".equals(m.path("mode").asText());
      double allTargets = 0;
      for (JsonNode s : m.path("sources")) {
        allTargets += s.path("target_tokens").asDouble();
      }
      out.put("name", m.path("name").asText());
      out.put("mode", m.path("mode").asText());
      out.put("seed", m.path("seed").asLong());
      out.put("tokenizer", m.path("tokenizer").asText());
      out.put("total_tokens", m.path("total_tokens").asLong());
      out.put("shards", m.path("shards").size());
      List<Map<String, Object>> sources = new ArrayList<>();
      for (JsonNode s : m.path("sources")) {
        Map<String, Object> src = new LinkedHashMap<>();
        src.put("name", s.path("name").asText());
        src.put(
            "target_share",
            epochs
                ? (allTargets == 0 ? 0 : s.path("target_tokens").asDouble() / allTargets)
                : s.path("target_proportion").asDouble());
        src.put("achieved_share", s.path("achieved_proportion").asDouble());
        src.put("configured_epochs", s.path("configured_epochs").asDouble());
        src.put("effective_epochs", s.path("effective_epochs").asDouble());
        src.put("documents", s.path("documents").asLong());
        src.put("tokens", s.path("tokens").asLong());
        src.put("available_documents", s.path("available_documents").asLong());
        src.put("available_tokens", s.path("available_tokens").asLong());
        sources.add(src);
      }
      out.put("sources", sources);
      JsonNode record = RunRecord.read(fs, new Path(step.output()), step.job()).orElse(null);
      JsonNode timings = record == null ? null : record.path("timings");
      putTimes(out, step, timings);
      out.put("run_record", record);
      return out;
    } catch (IOException e) {
      throw Errors.unreadable(manifest.toString(), e);
    }
  }

  /**
   * Refuses {@code recipeDir} as a recipe's output, before anything runs, when it holds report
   * files the card did not write (the card would refuse them at the end); {@code flag} names it.
   */
  public static void refuseForeign(String recipeDir, String flag) {
    Path dir = new Path(recipeDir);
    FileSystem fs = HadoopFs.fileSystem(dir);
    refuseForeign(fs, fs.makeQualified(dir), false, flag);
  }

  /** Report files that exist and that the card did not write: refused unless overwrite. */
  private static void refuseForeign(FileSystem fs, Path dir, boolean overwrite, String flag) {
    if (overwrite) {
      return;
    }
    Path md = new Path(dir, "report.md");
    try {
      if (isCard(fs, md)) {
        return;
      }
      for (String name : List.of("report.md", "report.json", "report.html", CardDocument.CHARTS)) {
        if (fs.exists(new Path(dir, name))) {
          throw Errors.badUsage(
              flag + " " + dir,
              new Path(dir, name)
                  + " exists and is not a data card Corral wrote; give --overwrite to replace it");
        }
      }
    } catch (IOException e) {
      throw Errors.unreadable(md.toString(), e);
    }
  }

  /** Writes every file hidden, then renames them into place. */
  private static Written commit(
      FileSystem fs, Path dir, CardDocument doc, String json, RecipeRecord recipe, String folder)
      throws IOException {
    String tag = ".corral-card-" + UUID.randomUUID();
    Path charts = new Path(dir, tag + "-" + CardDocument.CHARTS);
    fs.mkdirs(charts);
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, byte[]> c : doc.charts().entrySet()) {
      put(fs, new Path(charts, c.getKey()), c.getValue());
      written.add(new Path(new Path(dir, CardDocument.CHARTS), c.getKey()));
    }
    String title = "Data card: " + (recipe.recipe() == null ? folder : recipe.recipe());
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("report.json", json.getBytes(StandardCharsets.UTF_8));
    files.put("report.html", doc.page(title).getBytes(StandardCharsets.UTF_8));
    files.put("report.md", doc.markdown().getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      put(fs, new Path(dir, tag + "-" + f.getKey()), f.getValue());
    }
    Path finalCharts = new Path(dir, CardDocument.CHARTS);
    if (fs.exists(finalCharts)) {
      fs.delete(finalCharts, true);
    }
    rename(fs, charts, finalCharts);
    // report.md last: its mark says the other files are the card's.
    for (String name : files.keySet()) {
      OutputFile.replace(fs, new Path(dir, tag + "-" + name), new Path(dir, name));
    }
    return new Written(
        new Path(dir, "report.md"),
        new Path(dir, "report.json"),
        new Path(dir, "report.html"),
        written);
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("cannot rename " + from + " to " + to);
    }
  }

  private static void put(FileSystem fs, Path file, byte[] bytes) throws IOException {
    try (OutputStream out = fs.create(file, true)) {
      out.write(bytes);
    }
  }

  private static Double number(JsonNode n) {
    return n.isNumber() ? n.asDouble() : null;
  }

  /** A number for a table cell: thousands separated, or "~n" for an estimate, "" for none. */
  static String count(Object v, boolean estimated) {
    if (v == null) {
      return "";
    }
    String s = String.format(Locale.ROOT, "%,d", ((Number) v).longValue());
    return estimated ? "~" + s : s;
  }

  static String chartsNumber(double v) {
    return BarChart.format(v);
  }
}
