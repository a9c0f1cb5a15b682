package dev.corral.curation.mixture;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha1;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.io.Tables;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Builds a training mixture from curated tables: per source, the kept documents ({@code filter}, by
 * default {@code drop_reason IS NULL}) are counted in tokens, sampled to the source's target (its
 * proportion of the budget, or its epochs), and all sources are written together as shuffled shards
 * with a {@code manifest.json} and a {@code report.md}.
 */
public final class MixtureBuilder {
  private MixtureBuilder() {}

  /** What one source gave and got. */
  public record SourceResult(
      String name,
      double proportion,
      double epochs,
      long availableDocs,
      long availableTokens,
      double targetTokens,
      double factor,
      long sampledDocs,
      long sampledTokens,
      Map<String, Long> dropReasons,
      double[] lengthQuantiles) {}

  /** The quantiles of document length (tokens) the report shows. */
  static final double[] LENGTH_QUANTILES = {0.1, 0.5, 0.9, 0.99};

  /** The mixture as written. */
  public record Result(
      String output, long totalTokens, List<SourceResult> sources, List<ShardWriter.Shard> shards) {
    /** A source's share of the written tokens. */
    public double achievedShare(SourceResult s) {
      return totalTokens == 0 ? 0 : (double) s.sampledTokens() / totalTokens;
    }
  }

  public static Result build(SparkSession spark, MixtureConfig config, String output) {
    if (output == null) {
      throw Errors.badInput(config.name, "no output path: give one or set output.path");
    }
    List<Dataset<Row>> parts = new ArrayList<>();
    List<long[]> available = new ArrayList<>();
    List<Map<String, Long>> reasons = new ArrayList<>();
    List<Dataset<Row>> counted = new ArrayList<>();
    List<double[]> lengths = new ArrayList<>();
    for (MixtureConfig.Source s : config.sources) {
      Dataset<Row> table = Tables.read(spark, s.path(), s.format());
      reasons.add(dropReasons(table));
      boolean hasReason = Arrays.asList(table.columns()).contains("drop_reason");
      Dataset<Row> kept =
          hasReason || !s.filter().equals("drop_reason IS NULL") ? table.filter(s.filter()) : table;
      Dataset<Row> docs =
          kept.select(
                  col(s.textColumn()).as("text"),
                  s.idColumn() == null
                      ? sha1(col(s.textColumn())).as("id")
                      : col(s.idColumn()).cast("string").as("id"))
              .filter(col("text").isNotNull());
      Dataset<Row> withTokens =
          new TokenCounter().setTokenizer(config.tokenizer).transform(docs).cache();
      Row totals = withTokens.agg(count("*"), coalesce(sum("num_tokens"), lit(0L))).first();
      available.add(new long[] {totals.getLong(0), totals.getLong(1)});
      counted.add(withTokens);
      lengths.add(
          totals.getLong(0) == 0
              ? new double[LENGTH_QUANTILES.length]
              : withTokens.stat().approxQuantile("num_tokens", LENGTH_QUANTILES, 0.01));
    }
    List<double[]> plan = new ArrayList<>();
    for (int i = 0; i < config.sources.size(); i++) {
      MixtureConfig.Source s = config.sources.get(i);
      long tokens = available.get(i)[1];
      double target = config.useEpochs ? s.epochs() * tokens : s.proportion() * config.budgetTokens;
      double factor = tokens == 0 ? 0 : target / tokens;
      plan.add(new double[] {target, factor});
      parts.add(
          Sampler.sample(counted.get(i), config.seed, s.name(), factor, tokens)
              .withColumn("source", lit(s.name())));
    }
    Dataset<Row> mixture = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      mixture = mixture.unionByName(parts.get(i));
    }
    double targetTokens = plan.stream().mapToDouble(p -> p[0]).sum();
    int shardCount =
        config.shardTokens > 0
            ? (int) Math.max(1, Math.ceil(targetTokens / config.shardTokens))
            : config.shards;
    ShardWriter.removeStale(output, shardCount, HadoopFs.configuration());
    List<ShardWriter.Shard> shards =
        new ArrayList<>(
            ShardWriter.write(mixture, config.seed, shardCount, config.formats, output));
    shards.sort((a, b) -> a.file().compareTo(b.file()));
    counted.forEach(Dataset::unpersist);

    Map<String, long[]> sampled = new TreeMap<>();
    String firstFormat = config.formats.get(0);
    for (ShardWriter.Shard shard : shards) {
      if (shard.format().equals(firstFormat)) {
        shard
            .sources()
            .forEach(
                (name, v) -> {
                  long[] acc = sampled.computeIfAbsent(name, k -> new long[2]);
                  acc[0] += v[0];
                  acc[1] += v[1];
                });
      }
    }
    List<SourceResult> sources = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < config.sources.size(); i++) {
      MixtureConfig.Source s = config.sources.get(i);
      long[] got = sampled.getOrDefault(s.name(), new long[2]);
      total += got[1];
      sources.add(
          new SourceResult(
              s.name(),
              s.proportion(),
              s.epochs(),
              available.get(i)[0],
              available.get(i)[1],
              plan.get(i)[0],
              plan.get(i)[1],
              got[0],
              got[1],
              reasons.get(i),
              lengths.get(i)));
    }
    Result result = new Result(output, total, sources, shards);
    writeManifest(result, config);
    Report.write(result, config);
    return result;
  }

  /** Documents per drop_reason in a curated table ("kept" for null); empty without that column. */
  private static Map<String, Long> dropReasons(Dataset<Row> table) {
    Map<String, Long> out = new TreeMap<>();
    if (!Arrays.asList(table.columns()).contains("drop_reason")) {
      return out;
    }
    for (Row r :
        table.groupBy(coalesce(col("drop_reason"), lit("(kept)"))).count().collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  private static void writeManifest(Result result, MixtureConfig config) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("name", config.name);
    manifest.put("seed", config.seed);
    manifest.put("tokenizer", config.tokenizer);
    manifest.put("mode", config.useEpochs ? "epochs" : "budget");
    manifest.put("budget_tokens", config.budgetTokens);
    manifest.put("total_tokens", result.totalTokens());
    List<Map<String, Object>> sources = new ArrayList<>();
    for (SourceResult s : result.sources()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("target_proportion", s.proportion());
      m.put("configured_epochs", s.epochs());
      m.put("available_documents", s.availableDocs());
      m.put("available_tokens", s.availableTokens());
      m.put("target_tokens", Math.round(s.targetTokens()));
      m.put("documents", s.sampledDocs());
      m.put("tokens", s.sampledTokens());
      m.put("achieved_proportion", result.achievedShare(s));
      m.put(
          "effective_epochs",
          s.availableTokens() == 0 ? 0 : (double) s.sampledTokens() / s.availableTokens());
      m.put("drop_reasons", s.dropReasons());
      sources.add(m);
    }
    manifest.put("sources", sources);
    List<Map<String, Object>> shards = new ArrayList<>();
    for (ShardWriter.Shard shard : result.shards()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", shard.file());
      m.put("format", shard.format());
      m.put("documents", shard.docs());
      m.put("tokens", shard.tokens());
      m.put("text_bytes", shard.bytes());
      m.put("sha256", shard.sha256());
      Map<String, Object> bySource = new TreeMap<>();
      shard
          .sources()
          .forEach(
              (k, v) ->
                  bySource.put(k, Map.of("documents", v[0], "tokens", v[1], "text_bytes", v[2])));
      m.put("sources", bySource);
      shards.add(m);
    }
    manifest.put("shards", shards);
    Path file = new Path(result.output(), "manifest.json");
    try {
      FileSystem fs = file.getFileSystem(HadoopFs.configuration());
      try (OutputStream out = fs.create(file, true)) {
        new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .writeValue(out, manifest);
      }
    } catch (IOException e) {
      throw Errors.unwritable(file.toString(), e);
    }
  }
}
