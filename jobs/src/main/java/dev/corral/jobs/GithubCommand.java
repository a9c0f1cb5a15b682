package dev.corral.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.corral.core.Errors;
import dev.corral.core.job.Job;
import dev.corral.core.job.JobRunner;
import dev.corral.curation.sources.github.GithubPipeline;
import dev.corral.curation.sources.github.GithubQualityFilter;
import dev.corral.curation.sources.github.GithubReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code corral source github}: the BigQuery GitHub export → one row per file, licence header
 * removed, annotated by the licence, quality and exact-dedup rules (LLaMA section 2.1, as RedPajama
 * v1 implements them), plus a report (records read, malformed, kept, dropped by reason, characters,
 * by language).
 */
@Command(
    name = "github",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "GitHub (LLaMA: Apache/BSD/MIT projects, low-quality files filtered by line length and"
            + " alphanumeric share, headers removed, exact file-level dedup): --input takes the BigQuery"
            + " export's github_*.gz JSON Lines files, folders or globs of them, or Parquet/Delta tables"
            + " with content, repo_name, path and license columns. Every file is a row; rejected ones"
            + " keep a drop_reason. Malformed records are skipped and counted with file:line (byte offset).")
final class GithubCommand extends JobCommand {
  @Mixin JobOptions options;

  @Option(
      names = "--compat",
      description =
          "redpajama: RedPajama v1 byte for byte, quirks included: its header rule (only the first"
              + " block comment counts; #include and shebang lines stripped), and the exact dedup before"
              + " the quality rules keeping the first file seen (input files in path order, then lines)."
              + " Default: the paper, those quirks fixed; dedup last, keeping the smallest"
              + " (repo_name, path).")
  String compat;

  @Option(names = "--tokenizer", descriptionKey = "GithubQualityFilter.tokenizer")
  String tokenizer;

  @Option(names = "--licenses", descriptionKey = "GithubLicenseFilter.licensePrefixes")
  String licenses;

  @Option(names = "--extensions", descriptionKey = "GithubQualityFilter.extensions")
  String extensions;

  @Option(names = "--max-line-length", descriptionKey = "GithubQualityFilter.maxLineLength")
  String maxLineLength;

  @Option(names = "--max-avg-line-length", descriptionKey = "GithubQualityFilter.maxAvgLineLength")
  String maxAvgLineLength;

  @Option(names = "--min-alnum-prop", descriptionKey = "GithubQualityFilter.minAlnumProp")
  String minAlnumProp;

  @Option(names = "--min-alpha-per-token", descriptionKey = "GithubQualityFilter.minAlphaPerToken")
  String minAlphaPerToken;

  @Override
  Job declare() {
    if (compat != null && !compat.equals("redpajama")) {
      throw Errors.badArgument("--compat", compat, "redpajama");
    }
    boolean redPajama = compat != null;
    List<PipelineStage> stages = configure(options, GithubPipeline.stages(redPajama));
    String tokenizerUri =
        stages.stream()
            .filter(s -> s instanceof GithubQualityFilter)
            .map(s -> ((GithubQualityFilter) s).getTokenizer())
            .findFirst()
            .orElseThrow();
    stages.add(GithubPipeline.outputColumns(stages, redPajama));
    GithubReader.Options reading = new GithubReader.Options(redPajama);
    AtomicReference<GithubReader.Result> read = new AtomicReference<>();
    return options
        .apply(Job.builder().setName("github"))
        .optReader(
            context -> {
              read.set(GithubReader.read(context.spark(), context.job().inputs(), reading));
              return read.get().documents();
            })
        .optStages(stages)
        .optSetting("compat", redPajama ? "redpajama" : "none")
        .optReport((context, written) -> summary(read.get(), written, redPajama, tokenizerUri))
        .build();
  }

  private static Job.Summary summary(
      GithubReader.Result read, Dataset<Row> table, boolean redPajama, String tokenizer) {
    // Only each text's length is cached, not the text: the report needs no more, and caching the
    // text would copy and compress every file once more.
    Dataset<Row> written =
        table
            .select(
                col("language"),
                col("drop_reason"),
                coalesce(length(col("text")).cast("long"), lit(0L)).as("chars"))
            .cache();
    try {
      Row totals =
          written
              .agg(
                  count("*"),
                  sum(when(col("drop_reason").isNull(), 1L).otherwise(0L)),
                  sum(col("chars")),
                  sum(when(col("drop_reason").isNull(), col("chars")).otherwise(0L)))
              .first();
      long documents = totals.getLong(0);
      long kept = totals.isNullAt(1) ? 0 : totals.getLong(1);
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("mode", redPajama ? "redpajama" : "paper");
      stats.put("tokenizer", tokenizer);
      stats.put("files_read", read.files().size());
      stats.put("tables_read", read.tables().size());
      stats.put("records_read", read.records());
      stats.put("malformed_records", read.malformed());
      stats.put("malformed_by_file", read.malformedByFile());
      stats.put("malformed_first", read.firstMalformed());
      stats.put("documents", documents);
      stats.put("documents_kept", kept);
      stats.put("documents_dropped", documents - kept);
      stats.put("chars", totals.isNullAt(2) ? 0 : totals.getLong(2));
      stats.put("chars_kept", totals.isNullAt(3) ? 0 : totals.getLong(3));
      Map<String, Long> reasons = JobRunner.byDropReason(written);
      stats.put("by_drop_reason", reasons);
      ConsoleTable languages = new ConsoleTable("language", "files", "kept");
      Map<String, Long> keptByLanguage = new LinkedHashMap<>();
      for (Row r :
          written
              .groupBy(coalesce(col("language"), lit("(other)")).as("language"))
              .agg(
                  count("*").as("n"),
                  sum(when(col("drop_reason").isNull(), 1L).otherwise(0L)).as("kept"))
              .orderBy(col("kept").desc(), col("n").desc(), col("language"))
              .collectAsList()) {
        languages.row(r.getString(0), r.getLong(1), r.getLong(2));
        keptByLanguage.put(r.getString(0), r.getLong(2));
      }
      stats.put("kept_by_language", keptByLanguage);
      String console =
          read.summary()
              + "\n"
              + String.format(
                  "%s mode, tokenizer %s: %,d files, %,d kept (%,d chars), %,d dropped%n",
                  redPajama ? "redpajama" : "paper",
                  tokenizer,
                  documents,
                  kept,
                  (long) stats.get("chars_kept"),
                  documents - kept)
              + Reports.dropReasons(reasons)
              + languages.render();
      return new Job.Summary(stats, console, Reports.markdown("GitHub run", stats).toString());
    } finally {
      written.unpersist();
    }
  }

  @Override
  int progressSeconds() {
    return options.progressSeconds;
  }
}
