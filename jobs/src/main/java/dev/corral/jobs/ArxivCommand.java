package dev.corral.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.corral.core.Errors;
import dev.corral.core.io.TextLength;
import dev.corral.core.job.Job;
import dev.corral.core.job.JobContext;
import dev.corral.curation.sources.arxiv.ArxivReader;
import dev.corral.curation.sources.arxiv.LatexCleaner;
import dev.corral.curation.sources.arxiv.TexCleaner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code corral source arxiv}: arXiv's LaTeX sources → one document per paper, cleaned as LLaMA
 * describes and RedPajama v1 did, plus a report (papers read, kept, dropped and skipped by reason,
 * characters).
 */
@Command(
    name = "arxiv",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "arXiv (LLaMA: everything before the first section and the bibliography removed, comments"
            + " removed, user macros inline-expanded): --input takes arXiv's bulk source tars"
            + " (src/arXiv_src_YYMM_NNN.tar), their YYMM/<id>.gz members as files, extracted project"
            + " folders, or folders of these. One document per paper: its .tex files cleaned and"
            + " joined. Unreadable archives, non-UTF-8 .tex files and damaged stretches of a tar are"
            + " skipped and counted with their file and offset.")
final class ArxivCommand extends JobCommand {
  @Mixin JobOptions options;

  @Option(
      names = "--compat",
      description =
          "redpajama: RedPajama v1's rules byte for byte (a comment takes the character before its"
              + " %%, \\paragraph alone is no section, the appendix is cut, a non-ASCII macro value"
              + " drops the paper). Default: the paper's, RedPajama's with those bugs fixed.")
  String compat;

  @Option(
      names = "--split-mb",
      defaultValue = "64",
      description =
          "MB of a bulk tar (or of small .gz files) per reading task (default: ${DEFAULT-VALUE}).")
  long splitMb;

  @Option(
      names = "--max-paper-mb",
      defaultValue = "256",
      description =
          "A paper whose archive or .tex files exceed this many MB is skipped and counted"
              + " (default: ${DEFAULT-VALUE}; arXiv caps a submission at 50 MB).")
  long maxPaperMb;

  @Override
  Job declare() {
    if (compat != null && !compat.equals(TexCleaner.Rules.REDPAJAMA.label())) {
      throw Errors.badArgument("--compat", compat, "redpajama");
    }
    if (splitMb < 1 || splitMb > (1L << 30)) {
      throw Errors.badArgument("--split-mb", splitMb, "a number of MB >= 1");
    }
    if (maxPaperMb < 1 || maxPaperMb > 2000) {
      throw Errors.badArgument("--max-paper-mb", maxPaperMb, "a number of MB in 1..2000");
    }
    ArxivReader.Options reading =
        ArxivReader.Options.defaults()
            .withSplitBytes(splitMb << 20)
            .withMaxPaperBytes(maxPaperMb << 20);
    TexCleaner.Rules rules = compat == null ? TexCleaner.Rules.PAPER : TexCleaner.Rules.REDPAJAMA;
    List<PipelineStage> stages =
        List.of(
            new LatexCleaner().setRules(rules.label()),
            // The document table: the common columns first, the raw .tex files left behind.
            new SQLTransformer()
                .setStatement(
                    "SELECT "
                        + String.join(", ", ArxivReader.DOCUMENT_COLUMNS)
                        + " FROM __THIS__"));
    AtomicReference<ArxivReader.Result> read = new AtomicReference<>();
    return options
        .apply(Job.builder().setName("arxiv"))
        .optReader(
            context -> {
              read.set(ArxivReader.read(context.spark(), context.job().inputs(), reading));
              return read.get().papers();
            })
        .optStages(stages)
        .optDropReasons(
            TexCleaner.NO_TEX_FILES, TexCleaner.EMPTY_TEXT, TexCleaner.MACRO_ESCAPE_ERROR)
        .optCountKeptChars(true)
        .optSetting("compat", compat == null ? "none" : compat)
        .optSetting("split_mb", splitMb)
        .optSetting("max_paper_mb", maxPaperMb)
        .optReport((context, written) -> summary(read.get(), context.written(), written))
        .build();
  }

  /**
   * The report, from the counts the write observed ({@code counted}), or from the written table
   * when the runner has none.
   */
  private static Job.Summary summary(
      ArxivReader.Result read, JobContext.Written counted, Dataset<Row> written) {
    JobContext.Written w =
        counted != null && counted.dropped() != null && counted.keptChars() >= 0
            ? counted
            : countWritten(written);
    long documents = w.rows();
    long kept = w.kept();
    long chars = w.keptChars();
    Map<String, Long> dropped = new TreeMap<>(w.dropped());
    Map<String, Long> skipped = read.skipped();
    long papersSkipped =
        skipped.entrySet().stream()
            .filter(e -> !e.getKey().equals(ArxivReader.DAMAGED_TAR))
            .mapToLong(Map.Entry::getValue)
            .sum();
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("inputs", read.files().size());
    stats.put("tasks", read.tasks());
    stats.put("bytes_read", read.bytesRead());
    stats.put("papers_found", read.papersRead() + papersSkipped);
    stats.put("papers_read", read.papersRead());
    stats.put("skipped", skipped);
    stats.put("other_members", read.otherMembers());
    stats.put("documents", documents);
    stats.put("kept", kept);
    stats.put("dropped", dropped);
    stats.put("chars_kept", chars);
    stats.put("problems_first", read.problems(20));
    ConsoleTable table = new ConsoleTable("papers", "count");
    table.row("found in the inputs", read.papersRead() + papersSkipped);
    skipped.forEach((reason, n) -> table.row("skipped: " + reason, n));
    dropped.forEach((reason, n) -> table.row("dropped: " + reason, n));
    table.row("kept", kept);
    StringBuilder console = new StringBuilder();
    console.append(
        String.format(
            "%d inputs, %d tasks: %,d papers read (%.1f MB), %,d kept with %,d characters, %d other"
                + " tar members%n",
            read.files().size(),
            read.tasks(),
            read.papersRead(),
            read.bytesRead() / 1e6,
            kept,
            chars,
            read.otherMembers()));
    List<String> problems = read.problems(3);
    if (!problems.isEmpty()) {
      console.append("skipped, first at: ").append(String.join("; ", problems)).append('\n');
    }
    console.append(table.render());
    return new Job.Summary(
        stats, console.toString(), Reports.markdown("arXiv run", stats).toString());
  }

  /** What the written table holds, counted by reading it again. */
  private static JobContext.Written countWritten(Dataset<Row> written) {
    long documents = 0;
    long chars = 0;
    Map<String, Long> dropped = new TreeMap<>();
    for (Row r :
        written
            .groupBy(coalesce(col("drop_reason"), lit("")))
            .agg(count("*"), sum(TextLength.of(col("text"))).cast("long"))
            .collectAsList()) {
      documents += r.getLong(1);
      if (r.getString(0).isEmpty()) {
        chars = r.isNullAt(2) ? 0 : r.getLong(2);
      } else {
        dropped.put(r.getString(0), r.getLong(1));
      }
    }
    return new JobContext.Written(documents, dropped, chars, Map.of());
  }

  @Override
  int progressSeconds() {
    return options.progressSeconds;
  }
}
