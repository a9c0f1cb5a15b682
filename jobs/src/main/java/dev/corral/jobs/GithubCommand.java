package dev.corral.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.corral.core.Errors;
import dev.corral.core.io.TextLength;
import dev.corral.core.job.Job;
import dev.corral.core.job.JobRunner;
import dev.corral.curation.sources.github.GithubPipeline;
import dev.corral.curation.sources.github.GithubQualityFilter;
import dev.corral.curation.sources.github.GithubReader;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    // One pass: files and characters per (language, drop_reason), a small table that every figure
    // below is summed from.
    List<Row> groups =
        table
            .groupBy(
                coalesce(col("language"), lit("(other)")).as("language"),
                coalesce(col("drop_reason"), lit("(kept)")).as("reason"))
            .agg(count("*"), sum(coalesce(TextLength.of(col("text")).cast("long"), lit(0L))))
            .collectAsList();
    long documents = 0;
    long kept = 0;
    long chars = 0;
    long keptChars = 0;
    Map<String, Long> byReason = new TreeMap<>();
    Map<String, long[]> byLanguage = new TreeMap<>(); // files, kept
    for (Row r : groups) {
      long files = r.getLong(2);
      long length = r.isNullAt(3) ? 0 : r.getLong(3);
      boolean isKept = r.getString(1).equals("(kept)");
      documents += files;
      chars += length;
      kept += isKept ? files : 0;
      keptChars += isKept ? length : 0;
      byReason.merge(r.getString(1), files, Long::sum);
      long[] language = byLanguage.computeIfAbsent(r.getString(0), k -> new long[2]);
      language[0] += files;
      language[1] += isKept ? files : 0;
    }
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
    stats.put("chars", chars);
    stats.put("chars_kept", keptChars);
    Map<String, Long> reasons = JobRunner.mostFrequentFirst(byReason);
    stats.put("by_drop_reason", reasons);
    ConsoleTable languages = new ConsoleTable("language", "files", "kept");
    Map<String, Long> keptByLanguage = new LinkedHashMap<>();
    byLanguage.entrySet().stream()
        .sorted(
            Comparator.comparing((Map.Entry<String, long[]> e) -> -e.getValue()[1])
                .thenComparing(e -> -e.getValue()[0]))
        .forEach(
            e -> {
              languages.row(e.getKey(), e.getValue()[0], e.getValue()[1]);
              keptByLanguage.put(e.getKey(), e.getValue()[1]);
            });
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
                keptChars,
                documents - kept)
            + Reports.dropReasons(reasons)
            + languages.render();
    return new Job.Summary(stats, console, Reports.markdown("GitHub run", stats).toString());
  }

  @Override
  int progressSeconds() {
    return options.progressSeconds;
  }
}
