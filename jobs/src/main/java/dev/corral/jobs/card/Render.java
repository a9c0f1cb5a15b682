package dev.corral.jobs.card;

import static dev.corral.jobs.card.DataCard.count;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.curation.mixture.BarChart;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The card's text and charts from its JSON model. */
final class Render {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Render() {}

  @SuppressWarnings("unchecked")
  static CardDocument document(Map<String, Object> card, RecipeRecord recipe, String folder) {
    CardDocument doc = new CardDocument();
    Map<String, Object> about = (Map<String, Object>) card.get("card");
    List<Map<String, Object>> steps = (List<Map<String, Object>>) card.get("steps");
    Map<String, Object> sources = (Map<String, Object>) card.get("sources");
    Map<String, Object> mixture = (Map<String, Object>) card.get("mixture");

    doc.heading(1, "Data card: " + (recipe.recipe() == null ? folder : recipe.recipe()));
    doc.text(
        "Written "
            + about.get("written")
            + " by Corral "
            + about.get("corral_version")
            + " ("
            + about.get("corral_commit")
            + ") from `"
            + about.get("folder")
            + "`"
            + (recipe.json() == null
                ? ", whose steps were found by their run records (no " + RecipeRecord.FILE + ")."
                : ", as its record `" + RecipeRecord.FILE + "` lists the steps."));
    if (recipe.config() != null) {
      String sha = recipe.json().path("config_sha256").asText(null);
      doc.text(
          "To reproduce: `./corral recipe --config "
              + recipe.config()
              + " --output DIR`"
              + (sha == null ? "" : " (config SHA-256 `" + sha + "`)")
              + " with the inputs whose fingerprints are listed under Settings and inputs.");
    }
    doc.text(
        "Documents in are the rows of a step's table (a step annotates every row it reads and"
            + " removes none); out are the rows without a `drop_reason`. Bytes are UTF-8 bytes of"
            + " `text`. Tokens are LLaMA tokens: counted where the table has `num_tokens`, else"
            + " estimated (~) from "
            + TableStats.TOKEN_SAMPLE
            + " sampled kept documents.");

    doc.heading(2, "Sources");
    List<List<String>> rows = new ArrayList<>();
    sources.forEach(
        (name, v) -> {
          Map<String, Object> s = (Map<String, Object>) v;
          boolean est = Boolean.TRUE.equals(s.get("tokens_estimated"));
          rows.add(
              List.of(
                  name,
                  String.join(" → ", (List<String>) s.get("steps")),
                  count(s.get("documents_in"), false),
                  count(s.get("documents_out"), false),
                  count(s.get("bytes_in"), false),
                  count(s.get("bytes_out"), false),
                  count(s.get("tokens_in"), est),
                  count(s.get("tokens_out"), est)));
        });
    doc.table(
        List.of(
            "source",
            "steps",
            "#documents in",
            "#documents out",
            "#bytes in",
            "#bytes out",
            "#tokens in",
            "#tokens out"),
        rows);

    doc.heading(2, "Steps");
    List<List<String>> stepRows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<double[]> inOut = new ArrayList<>();
    double wall = 0;
    double cpu = 0;
    for (Map<String, Object> s : steps) {
      boolean est = Boolean.TRUE.equals(s.get("tokens_estimated"));
      stepRows.add(
          List.of(
              (String) s.get("source"),
              (String) s.get("step"),
              "`" + s.get("job") + "`",
              String.valueOf(s.get("status")),
              count(s.get("documents_in"), false),
              count(s.get("documents_out"), false),
              count(s.get("bytes_in"), false),
              count(s.get("bytes_out"), false),
              count(s.get("tokens_in"), est),
              count(s.get("tokens_out"), est),
              seconds(s.get("wall_s")),
              seconds(s.get("cpu_s"))));
      wall += s.get("wall_s") == null ? 0 : ((Number) s.get("wall_s")).doubleValue();
      cpu += s.get("cpu_s") == null ? 0 : ((Number) s.get("cpu_s")).doubleValue();
      if (s.containsKey("documents_in")) {
        labels.add(s.get("source") + "/" + s.get("step"));
        inOut.add(
            new double[] {
              ((Number) s.get("documents_in")).doubleValue(),
              ((Number) s.get("documents_out")).doubleValue()
            });
      }
      if (s.containsKey("note")) {
        doc.text(s.get("source") + "/" + s.get("step") + ": " + s.get("note") + ".");
      }
    }
    doc.table(
        List.of(
            "source",
            "step",
            "job",
            "status",
            "#documents in",
            "#documents out",
            "#bytes in",
            "#bytes out",
            "#tokens in",
            "#tokens out",
            "#wall s",
            "#CPU s"),
        stepRows);
    doc.text(
        String.format(
            Locale.ROOT,
            "All steps: %.1f s wall, %.1f s CPU (the tasks' CPU time on the executors; steps that"
                + " ran side by side overlap in wall time).",
            wall,
            cpu));
    if (!labels.isEmpty()) {
      doc.chart(
          "documents.png",
          "documents in and out per step",
          BarChart.png(
              "Documents per step: in and out (kept)",
              labels.toArray(new String[0]),
              new String[] {"in", "out"},
              inOut.toArray(new double[0][]),
              ""));
    }

    dropReasons(doc, steps);
    contamination(doc, steps);
    languages(doc, steps);
    lengths(doc, steps);
    clusters(doc, steps);
    if (mixture != null) {
      mixture(doc, mixture);
    }
    settings(doc, steps, mixture);
    return doc;
  }

  @SuppressWarnings("unchecked")
  private static void dropReasons(CardDocument doc, List<Map<String, Object>> steps) {
    doc.heading(2, "Why documents were removed");
    List<List<String>> rows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    for (Map<String, Object> s : steps) {
      Map<String, Object> reasons = (Map<String, Object>) s.get("drop_reasons");
      if (reasons == null) {
        continue;
      }
      reasons.forEach(
          (reason, v) -> {
            Map<String, Object> r = (Map<String, Object>) v;
            List<String> examples = (List<String>) r.get("examples");
            rows.add(
                List.of(
                    (String) s.get("source"),
                    (String) s.get("step"),
                    "`" + reason + "`",
                    count(r.get("documents"), false),
                    examples == null ? "" : String.join(", ", examples)));
            labels.add(s.get("source") + "/" + s.get("step") + ": " + reason);
            values.add(new double[] {((Number) r.get("documents")).doubleValue()});
          });
    }
    if (rows.isEmpty()) {
      doc.text("No step's table has a document with a `drop_reason`.");
      return;
    }
    doc.table(List.of("source", "step", "drop_reason", "#documents", "example ids"), rows);
    doc.chart(
        "drop-reasons.png",
        "documents per drop_reason",
        BarChart.png(
            "Documents per drop_reason",
            labels.toArray(new String[0]),
            new String[] {"documents"},
            values.toArray(new double[0][]),
            ""));
  }

  @SuppressWarnings("unchecked")
  private static void contamination(CardDocument doc, List<Map<String, Object>> steps) {
    List<List<String>> rows = new ArrayList<>();
    for (Map<String, Object> s : steps) {
      Map<String, Object> per = (Map<String, Object>) s.get("contaminated_by");
      if (per == null) {
        continue;
      }
      JsonNode found = stats(s).path("contamination").path("per_benchmark");
      per.forEach(
          (benchmark, n) ->
              rows.add(
                  List.of(
                      (String) s.get("source"),
                      (String) s.get("step"),
                      benchmark,
                      count(n, false),
                      found.path(benchmark).path("texts").asText(""),
                      found.path(benchmark).path("ngrams").asText(""))));
      found
          .fieldNames()
          .forEachRemaining(
              b -> {
                if (!per.containsKey(b)) {
                  rows.add(
                      List.of(
                          (String) s.get("source"),
                          (String) s.get("step"),
                          b,
                          "0",
                          found.path(b).path("texts").asText(""),
                          found.path(b).path("ngrams").asText("")));
                }
              });
    }
    if (rows.isEmpty()) {
      return;
    }
    doc.heading(2, "Benchmark contamination");
    doc.text(
        "Documents sharing an n-gram with a benchmark's texts (`drop_reason = contaminated` unless an"
            + " earlier stage dropped them); a document overlapping two benchmarks counts for both.");
    doc.table(
        List.of("source", "step", "benchmark", "#documents", "#benchmark texts", "#n-grams"), rows);
  }

  @SuppressWarnings("unchecked")
  private static void languages(CardDocument doc, List<Map<String, Object>> steps) {
    boolean any = false;
    for (Map<String, Object> s : steps) {
      Map<String, Object> langs = (Map<String, Object>) s.get("languages");
      if (langs == null) {
        continue;
      }
      if (!any) {
        doc.heading(2, "Languages");
        any = true;
      }
      String name = s.get("source") + "/" + s.get("step");
      doc.heading(3, name);
      List<List<String>> rows = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      List<double[]> values = new ArrayList<>();
      langs.forEach(
          (lang, v) -> {
            Map<String, Object> l = (Map<String, Object>) v;
            rows.add(List.of(lang, count(l.get("documents"), false), count(l.get("kept"), false)));
            labels.add(lang);
            values.add(
                new double[] {
                  ((Number) l.get("documents")).doubleValue(),
                  ((Number) l.get("kept")).doubleValue()
                });
          });
      doc.table(List.of("language", "#documents", "#kept"), rows);
      doc.chart(
          "languages-" + slug(name) + ".png",
          "languages of " + name,
          BarChart.png(
              "Languages: " + name,
              labels.toArray(new String[0]),
              new String[] {"documents", "kept"},
              values.toArray(new double[0][]),
              ""));
    }
  }

  @SuppressWarnings("unchecked")
  private static void lengths(CardDocument doc, List<Map<String, Object>> steps) {
    List<List<String>> rows = new ArrayList<>();
    for (Map<String, Object> s : steps) {
      for (String unit : List.of("chars", "tokens")) {
        Map<String, Object> l = (Map<String, Object>) s.get("length_" + unit);
        if (l == null) {
          continue;
        }
        Map<String, Object> q = (Map<String, Object>) l.get("quantiles_kept");
        rows.add(
            List.of(
                (String) s.get("source"),
                (String) s.get("step"),
                unit,
                count(q.get("p10"), false),
                count(q.get("p50"), false),
                count(q.get("p90"), false),
                count(q.get("p99"), false)));
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    doc.heading(2, "Document lengths");
    doc.text("Percentiles over the kept documents; histograms of all and kept documents.");
    doc.table(List.of("source", "step", "unit", "#p10", "#p50", "#p90", "#p99"), rows);
    for (Map<String, Object> s : steps) {
      for (String unit : List.of("chars", "tokens")) {
        Map<String, Object> l = (Map<String, Object>) s.get("length_" + unit);
        if (l == null) {
          continue;
        }
        String name = s.get("source") + "/" + s.get("step");
        List<String> bins = (List<String>) l.get("bins");
        List<Long> all = (List<Long>) l.get("all");
        List<Long> kept = (List<Long>) l.get("kept");
        double[][] values = new double[bins.size()][];
        for (int i = 0; i < bins.size(); i++) {
          values[i] = new double[] {all.get(i), kept.get(i)};
        }
        doc.chart(
            "lengths-" + unit + "-" + slug(name) + ".png",
            "length in " + unit + " of " + name,
            BarChart.png(
                "Documents by length in " + unit + ": " + name,
                bins.toArray(new String[0]),
                new String[] {"all", "kept"},
                values,
                ""));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void clusters(CardDocument doc, List<Map<String, Object>> steps) {
    boolean any = false;
    for (Map<String, Object> s : steps) {
      Map<String, Object> c = (Map<String, Object>) s.get("cluster_sizes");
      if (c == null) {
        continue;
      }
      if (!any) {
        doc.heading(2, "Dedup clusters");
        doc.text(
            "Documents and clusters by cluster size (`cluster_size`: 1 for a document without"
                + " duplicates; each cluster keeps one document).");
        any = true;
      }
      String name = s.get("source") + "/" + s.get("step");
      List<String> bins = (List<String>) c.get("bins");
      List<Long> docs = (List<Long>) c.get("documents");
      List<Long> clusters = (List<Long>) c.get("clusters");
      List<List<String>> rows = new ArrayList<>();
      for (int i = 0; i < bins.size(); i++) {
        rows.add(List.of(bins.get(i), count(docs.get(i), false), count(clusters.get(i), false)));
      }
      doc.heading(3, name + " (largest cluster: " + c.get("largest") + ")");
      doc.table(List.of("cluster size", "#documents", "#clusters"), rows);
    }
  }

  @SuppressWarnings("unchecked")
  private static void mixture(CardDocument doc, Map<String, Object> mixture) {
    doc.heading(2, "Mixture");
    List<Map<String, Object>> sources = (List<Map<String, Object>>) mixture.get("sources");
    if (sources == null) {
      doc.text(String.valueOf(mixture.get("note")) + ".");
      return;
    }
    doc.text(
        String.format(
            Locale.ROOT,
            "`%s` in `%s`: %s tokens in %d shard files, sampled by %s, seed %d, tokenizer `%s`.",
            mixture.get("name"),
            mixture.get("output"),
            count(mixture.get("total_tokens"), false),
            ((Number) mixture.get("shards")).intValue(),
            "epochs".equals(mixture.get("mode")) ? "epochs" : "proportion of a token budget",
            ((Number) mixture.get("seed")).longValue(),
            mixture.get("tokenizer")));
    List<List<String>> rows = new ArrayList<>();
    String[] names = new String[sources.size()];
    double[][] shares = new double[sources.size()][];
    double[][] epochs = new double[sources.size()][];
    for (int i = 0; i < sources.size(); i++) {
      Map<String, Object> s = sources.get(i);
      double target = ((Number) s.get("target_share")).doubleValue();
      double achieved = ((Number) s.get("achieved_share")).doubleValue();
      double configured = ((Number) s.get("configured_epochs")).doubleValue();
      double effective = ((Number) s.get("effective_epochs")).doubleValue();
      names[i] = (String) s.get("name");
      shares[i] = new double[] {100 * target, 100 * achieved};
      epochs[i] = new double[] {configured, effective};
      rows.add(
          List.of(
              names[i],
              String.format(Locale.ROOT, "%.2f%%", 100 * target),
              String.format(Locale.ROOT, "%.2f%%", 100 * achieved),
              String.format(Locale.ROOT, "%.3f", configured),
              String.format(Locale.ROOT, "%.3f", effective),
              count(s.get("documents"), false),
              count(s.get("tokens"), false),
              count(s.get("available_tokens"), false)));
    }
    doc.table(
        List.of(
            "source",
            "#target share",
            "#achieved share",
            "#configured epochs",
            "#effective epochs",
            "#documents",
            "#tokens",
            "#available tokens"),
        rows);
    doc.chart(
        "mixture-shares.png",
        "share of tokens per source, target and achieved",
        BarChart.png(
            "Share of tokens per source: target vs achieved",
            names,
            new String[] {"target", "achieved"},
            shares,
            "%"));
    doc.chart(
        "mixture-epochs.png",
        "epochs per source, configured and effective",
        BarChart.png(
            "Epochs per source: configured vs effective",
            names,
            new String[] {"configured", "effective"},
            epochs,
            ""));
  }

  /** Every setting, param and input fingerprint, from the run records. */
  private static void settings(
      CardDocument doc, List<Map<String, Object>> steps, Map<String, Object> mixture) {
    doc.heading(2, "Settings and inputs");
    doc.text(
        "From each step's run record (`<output>/_corral/<job>.json`): the inputs with their"
            + " fingerprints, the job's settings and every param of every stage (set or default).");
    List<Map<String, Object>> all = new ArrayList<>(steps);
    if (mixture != null) {
      all.add(mixture);
    }
    for (Map<String, Object> s : all) {
      JsonNode record = (JsonNode) s.get("run_record");
      String name = s.containsKey("source") ? s.get("source") + "/" + s.get("step") : "mixture";
      doc.heading(3, name);
      if (record == null) {
        doc.text("No run record.");
        continue;
      }
      doc.text(
          "Job `"
              + record.path("job").asText()
              + "`, run `"
              + record.path("run_id").asText()
              + "`, Corral "
              + record.path("corral").path("version").asText()
              + " ("
              + record.path("corral").path("commit").asText()
              + "), Spark "
              + record.path("spark_version").asText()
              + ", output `"
              + record.path("output").path("path").asText()
              + "`.");
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode in : record.path("inputs")) {
        rows.add(
            List.of(
                "`" + in.path("path").asText() + "`",
                in.path("kind").asText(),
                in.has("version") ? in.path("version").asText() : "",
                in.path("files").asText(),
                in.path("bytes").asText(),
                "`" + in.path("digest").asText() + "`"));
      }
      doc.table(List.of("input", "kind", "version", "#files", "#bytes", "fingerprint"), rows);
      ObjectNode settings = JSON.createObjectNode();
      settings.set("settings", record.path("settings"));
      var stages = settings.putArray("stages");
      for (JsonNode st : record.path("stages")) {
        ObjectNode stage = stages.addObject();
        stage.set("stage", st.path("stage"));
        stage.set("params", st.path("params"));
      }
      settings.set("corral_conf", record.path("corral_conf"));
      try {
        doc.code(JSON.writeValueAsString(settings));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        doc.code(settings.toString());
      }
    }
  }

  private static JsonNode stats(Map<String, Object> step) {
    JsonNode record = (JsonNode) step.get("run_record");
    return record == null ? JSON.createObjectNode() : record.path("stats");
  }

  private static String seconds(Object v) {
    return v == null ? "" : String.format(Locale.ROOT, "%.1f", ((Number) v).doubleValue());
  }

  private static String slug(String s) {
    return s.replaceAll("[^A-Za-z0-9]+", "-");
  }
}
