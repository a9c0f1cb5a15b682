package dev.corral.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.corral.curation.ccnet.LanguageFilter;
import dev.corral.curation.ccnet.LineDeduplicator;
import dev.corral.curation.ccnet.PerplexityBuckets;
import dev.corral.curation.ccnet.PerplexityScorer;
import dev.corral.core.io.Tables;
import dev.corral.curation.io.WarcReader;
import dev.corral.curation.langid.LanguageIdentifier;
import dev.corral.curation.spark.ExecutorTokenizers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code corral ccnet}: CommonCrawl WET/WARC → line dedup → language → n-gram perplexity → buckets, written
 * partitioned by language and bucket with CCNet's fields, plus a stats report (JSON and markdown).
 */
@Command(name = "ccnet", mixinStandardHelpOptions = true, sortOptions = false,
    description = "CCNet's pipeline on Spark (Wenzek et al. 2020): read WET/WARC, deduplicate lines, identify "
        + "languages, score perplexity per language, bucket head/middle/tail.")
final class CcnetCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, split = ",", description = "WET/WARC files, folders or globs (comma-separated or repeated).")
  List<String> inputs;

  @Option(names = "--output", required = true, description = "Output folder.")
  String output;

  @Option(names = "--format", defaultValue = "delta",
      description = "delta, parquet (both partitioned by language and bucket) or json (flat JSON lines with every "
          + "CCNet field) (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--lm-dir", description = "Folder of <lang>.arpa models (and optional <lang>.tokenizer.json).")
  String lmDir;

  @Option(names = "--tokenizer", defaultValue = ExecutorTokenizers.LLAMA,
      description = "Tokenizer for languages without their own: 'whitespace' or a tokenizer.json (default: ${DEFAULT-VALUE}).")
  String tokenizer;

  @Option(names = "--languages", split = ",", description = "Languages to keep, e.g. en,fr (default: all).")
  List<String> languages = new ArrayList<>();

  @Option(names = "--min-lang-score", defaultValue = "0.5", description = "CCNet's language threshold (default: ${DEFAULT-VALUE}).")
  double minLangScore;

  @Option(names = "--min-len", defaultValue = "300", description = "Shorter documents are dropped at reading (default: ${DEFAULT-VALUE}).")
  int minLen;

  @Override
  public Integer call() {
    SparkSession spark = SparkSessions.create("corral ccnet");
    WarcReader.Result read = WarcReader.read(spark, inputs, new WarcReader.Options(minLen));
    // Dedup reads its input twice; on local disk, not in memory, so that memory does not grow with the input.
    Dataset<Row> input = read.documents().persist(StorageLevel.DISK_ONLY());
    Dataset<Row> docs = input;
    List<PipelineStage> stages = new ArrayList<>(List.of(
        new LineDeduplicator(),
        new LanguageIdentifier().setInputCol("raw_content").setMinScore(minLangScore),
        new LanguageFilter().setLanguages(languages.toArray(new String[0]))));
    if (lmDir != null) {
      stages.add(new PerplexityScorer().setLmDir(lmDir).setTokenizer(tokenizer));
    } else {
      docs = docs.withColumn("perplexity", lit(null).cast(DataTypes.DoubleType));
    }
    Dataset<Row> scored = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(docs).transform(docs);
    // The buckets' percentiles and the write both read the scores: computed once, not once for each.
    scored = scored.persist(StorageLevel.DISK_ONLY());
    Dataset<Row> annotated = new PerplexityBuckets().fit(scored).transform(scored);
    input.unpersist();
    // JSON lines keep every field in each record, as CCNet's own tools expect; tables get one folder per value.
    boolean json = format.equals("json") || format.equals("jsonl");
    Tables.write(annotated, output, format, json ? new String[0] : new String[] {"language", "bucket"});
    scored.unpersist();

    // Only the columns the report counts are cached: the text would make memory grow with the input.
    Dataset<Row> written = Tables.read(spark, output, format).select("original_nlines", "nlines", "original_length",
        "length", "drop_reason", "language", "bucket").cache();
    Row totals = written.agg(count("*"), sum("original_nlines"), sum("nlines"), sum("original_length"),
        sum(coalesce(col("length"), lit(0)))).first();
    long documents = totals.getLong(0);
    long linesIn = totals.isNullAt(1) ? 0 : totals.getLong(1);
    long linesOut = totals.isNullAt(2) ? 0 : totals.getLong(2);
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("documents_read", read.documentsRead());
    stats.put("documents_shorter_than_min_len", read.shortDocuments());
    stats.put("malformed_records", read.malformedRecords());
    stats.put("documents", documents);
    stats.put("lines_in", linesIn);
    stats.put("lines_out", linesOut);
    stats.put("share_of_lines_removed_by_dedup", linesIn == 0 ? 0 : 1 - (double) linesOut / linesIn);
    stats.put("bytes_in", totals.isNullAt(3) ? 0 : totals.getLong(3));
    stats.put("bytes_out", totals.isNullAt(4) ? 0 : totals.getLong(4));
    stats.put("by_drop_reason", RunReport.byDropReason(written));
    ConsoleTable table = new ConsoleTable("language", "bucket", "documents", "kept");
    Map<String, Long> byLanguageBucket = new LinkedHashMap<>();
    for (Row r : written.groupBy("language", "bucket")
        .agg(count("*").as("n"), sum(col("drop_reason").isNull().cast("long")).as("kept"))
        .orderBy(col("n").desc(), col("language"), col("bucket")).collectAsList()) {
      String lang = r.isNullAt(0) ? "(none)" : r.getString(0);
      table.row(lang, r.getString(1), r.getLong(2), r.getLong(3));
      byLanguageBucket.put(lang + "/" + r.getString(1), r.getLong(2));
    }
    stats.put("documents_by_language_and_bucket", byLanguageBucket);

    System.out.println(read.summary());
    table.print(System.out);
    System.out.printf("lines: %d in, %d after dedup (%.1f%% removed); wrote %s (%s)%n",
        linesIn, linesOut, 100 * (double) stats.get("share_of_lines_removed_by_dedup"), output,
        json ? format : format + ", by language and bucket");
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("inputs", inputs);
    config.put("lm_dir", lmDir);
    config.put("tokenizer", tokenizer);
    config.put("languages", languages);
    config.put("min_lang_score", minLangScore);
    config.put("min_len", minLen);
    Tables.writeRunInfo(spark, output, "ccnet", config, stats);
    Tables.writeText(spark, output, "ccnet.md",
        RunReport.markdown("CCNet run", stats).toString().getBytes(StandardCharsets.UTF_8));
    return 0;
  }
}
