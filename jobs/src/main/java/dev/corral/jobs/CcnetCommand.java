package dev.corral.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.corral.core.io.DeltaStats;
import dev.corral.core.io.Tables;
import dev.corral.core.job.Job;
import dev.corral.core.job.JobContext;
import dev.corral.core.job.JobRunner;
import dev.corral.curation.ccnet.LanguageFilter;
import dev.corral.curation.ccnet.LanguageModels;
import dev.corral.curation.ccnet.LineDeduplicator;
import dev.corral.curation.ccnet.PerplexityBuckets;
import dev.corral.curation.ccnet.PerplexityScorer;
import dev.corral.curation.io.WarcReader;
import dev.corral.curation.langid.LanguageIdentifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code corral ccnet}: CommonCrawl WET/WARC → line dedup → language → n-gram perplexity → buckets,
 * written partitioned by language and bucket with CCNet's fields, plus a stats report (JSON and
 * markdown).
 */
@Command(
    name = "ccnet",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "CCNet's pipeline on Spark (Wenzek et al. 2020): read WET/WARC, deduplicate lines, identify "
            + "languages, score perplexity per language, bucket head/middle/tail. --input takes WET/WARC files, folders"
            + " or globs; --format json writes flat JSON lines with every CCNet field, delta and parquet are "
            + "partitioned by language and bucket.")
final class CcnetCommand extends JobCommand {
  @Mixin JobOptions options;

  @Option(names = "--lm-dir", descriptionKey = "PerplexityScorer.lmDir")
  String lmDir;

  @Option(names = "--tokenizer", descriptionKey = "PerplexityScorer.tokenizer")
  String tokenizer;

  @Option(names = "--line-dedup", descriptionKey = "LineDeduplicator.mode")
  String lineDedup;

  @Option(names = "--perplexity-mode", descriptionKey = "PerplexityScorer.mode")
  String perplexityMode;

  @Option(names = "--languages", descriptionKey = "LanguageFilter.languages")
  String languages;

  @Option(names = "--min-lang-score", descriptionKey = "LanguageIdentifier.minScore")
  String minLangScore;

  @Option(
      names = "--min-len",
      defaultValue = "" + WarcReader.Options.DEFAULT_MIN_LENGTH,
      description =
          "Documents with fewer characters are dropped at reading, as CCNet's min_len (default: "
              + "${DEFAULT-VALUE}).")
  int minLen;

  @Override
  Job declare() {
    WarcReader.Options reading = WarcReader.Options.defaults().withMinLength(minLen);
    if (lmDir != null) {
      LanguageModels.checkModels(lmDir); // a broken model fails here, before Spark starts
    }
    List<PipelineStage> stages =
        new ArrayList<>(
            List.of(
                new LineDeduplicator(),
                new LanguageIdentifier().setInputCol("raw_content"),
                new LanguageFilter()));
    // Without models every document has a null perplexity, hence bucket "all", as in CCNet.
    stages.add(
        lmDir != null
            ? new PerplexityScorer()
            : new SQLTransformer()
                .setStatement("SELECT *, CAST(NULL AS DOUBLE) AS perplexity FROM __THIS__"));
    stages.add(new PerplexityBuckets());
    boolean json = Tables.normalize(options.format).equals(Tables.JSON);
    AtomicReference<WarcReader.Result> read = new AtomicReference<>();
    return options
        .apply(Job.builder().setName("ccnet"))
        .optReader(
            context -> {
              read.set(WarcReader.read(context.spark(), context.job().inputs(), reading));
              return read.get().documents();
            })
        .optStages(configure(options, stages))
        // Line dedup reads its input twice: from local disk, so memory does not grow with the
        // input.
        .optPersistInput(true)
        .optPartitionBy(json ? new String[0] : new String[] {"language", "bucket"})
        .optSetting("min_len", minLen)
        // The report's counts, taken during the write: the output is thousands of small files (a
        // file per task, language and bucket), and reading them again costs a second pass.
        .optDropReasons(
            LineDeduplicator.DUPLICATE_LINES,
            LanguageFilter.LOW_LANGUAGE_SCORE,
            LanguageFilter.LANGUAGE_NOT_SELECTED)
        .optSums(LINE_AND_BYTE_COLUMNS)
        .optReport((context, written) -> summary(read.get(), context, written))
        .build();
  }

  /** The columns the report sums: lines and bytes before and after line dedup. */
  private static final String[] LINE_AND_BYTE_COLUMNS = {
    "original_nlines", "nlines", "original_length", "length"
  };

  private static Job.Summary summary(
      WarcReader.Result read, JobContext context, Dataset<Row> table) {
    long[] totals = totals(context, table);
    long linesIn = totals[1];
    long linesOut = totals[2];
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("documents_read", read.documentsRead());
    stats.put("documents_shorter_than_min_len", read.shortDocuments());
    stats.put("malformed_records", read.malformedRecords());
    stats.put("documents", totals[0]);
    stats.put("lines_in", linesIn);
    stats.put("lines_out", linesOut);
    stats.put(
        "share_of_lines_removed_by_dedup", linesIn == 0 ? 0 : 1 - (double) linesOut / linesIn);
    stats.put("bytes_in", totals[3]);
    stats.put("bytes_out", totals[4]);
    stats.put("by_drop_reason", JobRunner.byDropReason(context, table));
    ConsoleTable table2 = new ConsoleTable("language", "bucket", "documents", "kept");
    Map<String, Long> byLanguageBucket = new LinkedHashMap<>();
    for (Row r : byLanguageAndBucket(context, table)) {
      String lang = r.isNullAt(0) ? "(none)" : r.getString(0);
      table2.row(lang, r.getString(1), r.getLong(2), r.getLong(3));
      byLanguageBucket.put(lang + "/" + r.getString(1), r.getLong(2));
    }
    stats.put("documents_by_language_and_bucket", byLanguageBucket);
    String console =
        read.summary()
            + "\n"
            + table2.render()
            + String.format(
                "lines: %d in, %d after dedup (%.1f%% removed)%n",
                linesIn, linesOut, 100 * (double) stats.get("share_of_lines_removed_by_dedup"));
    return new Job.Summary(stats, console, Reports.markdown("CCNet run", stats).toString());
  }

  /**
   * Documents, lines in and out, bytes in and out: as the write summed them, else from the table.
   */
  private static long[] totals(JobContext context, Dataset<Row> table) {
    JobContext.Written w = context.written();
    if (w != null && w.sums().keySet().containsAll(List.of(LINE_AND_BYTE_COLUMNS))) {
      long[] out = {w.rows(), 0, 0, 0, 0};
      for (int i = 0; i < LINE_AND_BYTE_COLUMNS.length; i++) {
        out[i + 1] = w.sums().get(LINE_AND_BYTE_COLUMNS[i]);
      }
      return out;
    }
    Row r =
        table
            .agg(
                count("*"),
                sum("original_nlines"),
                sum("nlines"),
                sum("original_length"),
                sum(coalesce(col("length"), lit(0))))
            .first();
    long[] out = new long[5];
    for (int i = 0; i < out.length; i++) {
      out[i] = r.isNullAt(i) ? 0 : r.getLong(i);
    }
    return out;
  }

  /**
   * Documents and kept documents per language and bucket, most first: from the Delta log's file
   * statistics (each file's row count and rows without a drop reason; a file per partition) when
   * the output is a Delta table that has them, else from the table.
   */
  private static List<Row> byLanguageAndBucket(JobContext context, Dataset<Row> table) {
    Dataset<Row> counts = null;
    if (context.job().format().equals(Tables.DELTA) && context.writtenAt() != null) {
      counts =
          DeltaStats.rowsByPartition(
              context.spark(), context.writtenAt(), List.of("language", "bucket"), "drop_reason");
    }
    if (counts == null) {
      counts =
          table
              .groupBy("language", "bucket")
              .agg(
                  count("*").as("rows"), sum(col("drop_reason").isNull().cast("long")).as("nulls"));
    }
    return counts
        .where(col("rows").gt(0))
        .orderBy(col("rows").desc(), col("language"), col("bucket"))
        .collectAsList();
  }

  @Override
  int progressSeconds() {
    return options.progressSeconds;
  }
}
