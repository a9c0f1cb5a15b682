package dev.corral.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.corral.core.Errors;
import dev.corral.core.io.TextLength;
import dev.corral.core.job.Job;
import dev.corral.core.job.JobContext;
import dev.corral.core.job.JobRunner;
import dev.corral.curation.dedup.BookDeduplicator;
import dev.corral.curation.dedup.DedupModel;
import dev.corral.curation.dedup.SimHashDeduplicator;
import dev.corral.curation.sources.books.Books;
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
 * {@code corral source books}: Project Gutenberg files, PG-19 and Books3 → one row per book, then
 * book-level dedup (the paper's containment, or RedPajama v1's SimHash), with a report of books
 * read, kept and dropped per corpus and reason.
 */
@Command(
    name = "books",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Books (LLaMA: Gutenberg and Books3, deduplicated at the book level): --input takes Project"
            + " Gutenberg plain-text files (*.txt, header and licence removed), PG-19 JSON Lines"
            + " (short_book_title, publication_date, url, text; the Hugging Face export or RedPajama's"
            + " pg19_NNN chunks) and Books3 JSON Lines (title, text; never fetched), files, folders or"
            + " globs. Every book is kept and annotated: corpus, publication_date, dedup_cluster,"
            + " duplicate_of, cluster_size, drop_reason. Malformed lines and files are skipped and"
            + " counted with their file and offset.")
final class BooksCommand extends JobCommand {
  enum Dedup {
    containment,
    simhash
  }

  @Mixin JobOptions options;

  @Option(
      names = "--dedup",
      description =
          "containment: a book is removed when more than 90%% of its word 5-grams are in another"
              + " book, the longest of overlapping books kept (the paper); simhash: RedPajama v1's"
              + " character 6-gram SimHash, Hamming distance <= 5 (default: containment, simhash with"
              + " --compat redpajama).")
  Dedup dedup;

  @Option(
      names = "--compat",
      description =
          "redpajama: RedPajama v1 byte for byte: Gutenberg headers removed with every quirk of"
              + " strip_headers, SimHash dedup in which a book gives way to any near-duplicate with a"
              + " smaller RedPajama id, and the ids PG-19 and Books3 share share one decision (an rp_id"
              + " column holds them). Default: the paper, with these bugs fixed.")
  String compat;

  @Option(names = "--threshold", descriptionKey = "BookDeduplicator.threshold")
  String threshold;

  @Option(names = "--candidate-threshold", descriptionKey = "BookDeduplicator.candidateThreshold")
  String candidateThreshold;

  @Option(names = "--max-distance", descriptionKey = "SimHashDeduplicator.maxDistance")
  String maxDistance;

  @Option(names = "--width", descriptionKey = "SimHashDeduplicator.width")
  String width;

  @Option(names = "--max-chars", descriptionKey = "SimHashDeduplicator.maxChars")
  String maxChars;

  @Option(
      names = "--task-mb",
      defaultValue = "64",
      description =
          "MB of Gutenberg files read by one task (a JSON Lines file is one task) (default:"
              + " ${DEFAULT-VALUE}).")
  long taskMb;

  @Override
  Job declare() {
    if (compat != null && !compat.equals("redpajama")) {
      throw Errors.badArgument("--compat", compat, "redpajama");
    }
    if (taskMb < 1) {
      throw Errors.badArgument("--task-mb", taskMb, "a number of MB >= 1");
    }
    boolean redpajama = compat != null;
    Dedup method = dedup != null ? dedup : redpajama ? Dedup.simhash : Dedup.containment;
    if (redpajama && method == Dedup.containment) {
      throw Errors.badUsage(
          "--dedup containment",
          "RedPajama v1 deduplicated books with SimHash only; use --dedup simhash with --compat"
              + " redpajama");
    }
    PipelineStage stage =
        method == Dedup.containment
            ? new BookDeduplicator()
            : redpajama
                ? new SimHashDeduplicator()
                    .setRule(SimHashDeduplicator.REDPAJAMA)
                    .setOrderCol(Books.RP_ID)
                : new SimHashDeduplicator();
    Books.Options reading =
        Books.Options.defaults().withRedPajama(redpajama).withTaskBytes(taskMb << 20);
    AtomicReference<Books.Result> read = new AtomicReference<>();
    return options
        .apply(Job.builder().setName("books"))
        .optReader(
            context -> {
              read.set(Books.read(context.spark(), context.job().inputs(), reading));
              return read.get().documents();
            })
        .optStages(configure(options, List.of(stage)))
        // Dedup reads the books more than once: parsed and stripped once, kept on local disk.
        .optPersistInput(true)
        .optSetting("dedup", method.name())
        .optSetting("compat", redpajama ? compat : "none")
        .optSetting("task_mb", taskMb)
        .optReport((context, written) -> summary(read.get(), context, written, method))
        .build();
  }

  private static Job.Summary summary(
      Books.Result read, JobContext context, Dataset<Row> written, Dedup method) {
    Map<String, Map<String, Long>> perCorpus = new LinkedHashMap<>();
    long books = 0;
    long kept = 0;
    long chars = 0;
    long keptChars = 0;
    for (Row r :
        written
            .groupBy(Books.CORPUS)
            .agg(
                count("*"),
                sum(col(JobRunner.DROP_REASON).isNull().cast("long")),
                sum(TextLength.of(col("text"))).cast("long"),
                sum(when(col(JobRunner.DROP_REASON).isNull(), TextLength.of(col("text"))))
                    .cast("long"))
            .orderBy(Books.CORPUS)
            .collectAsList()) {
      Map<String, Long> corpus = new LinkedHashMap<>();
      corpus.put("books", r.getLong(1));
      corpus.put("kept", r.isNullAt(2) ? 0 : r.getLong(2));
      corpus.put("chars", r.isNullAt(3) ? 0 : r.getLong(3));
      corpus.put("kept_chars", r.isNullAt(4) ? 0 : r.getLong(4));
      perCorpus.put(r.getString(0), corpus);
      books += corpus.get("books");
      kept += corpus.get("kept");
      chars += corpus.get("chars");
      keptChars += corpus.get("kept_chars");
    }
    Map<String, Long> reasons = JobRunner.byDropReason(context, written);
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("files", read.files().size());
    stats.put("books_read", read.documentsRead());
    stats.put("malformed_skipped", read.malformed());
    stats.put("malformed_by_file", read.malformedByFile());
    stats.put("malformed_first", read.firstMalformed());
    stats.put("dedup", method.name());
    stats.put("books", books);
    stats.put("kept", kept);
    stats.put("dropped", books - kept);
    stats.put("chars", chars);
    stats.put("kept_chars", keptChars);
    stats.put("by_drop_reason", reasons);
    stats.put("per_corpus", perCorpus);
    String search = "";
    if (!context.fitted().isEmpty() && context.fitted().get(0) instanceof DedupModel model) {
      DedupModel.Stats s = model.stats();
      stats.put("pairs_compared", s.candidatePairs());
      stats.put("duplicate_pairs", s.pairs());
      search =
          String.format(
              "%s dedup: %,d pairs compared, %,d pairs of duplicates%n",
              method, s.candidatePairs(), s.pairs());
    }
    ConsoleTable table = new ConsoleTable("corpus", "books", "kept", "chars", "kept chars");
    perCorpus.forEach(
        (name, c) ->
            table.row(name, c.get("books"), c.get("kept"), c.get("chars"), c.get("kept_chars")));
    StringBuilder console = new StringBuilder();
    console.append(
        String.format(
            "%d files: %,d books read, %,d malformed lines or files skipped%n",
            read.files().size(), read.documentsRead(), read.malformed()));
    if (!read.firstMalformed().isEmpty()) {
      List<String> first = read.firstMalformed();
      console
          .append("malformed input, first at: ")
          .append(String.join("; ", first.subList(0, Math.min(3, first.size()))))
          .append('\n');
    }
    console.append(search);
    console.append(
        String.format(
            "books: %,d, kept %,d, dropped %,d (%.1f%% of characters kept)%n",
            books, kept, books - kept, chars == 0 ? 100.0 : 100.0 * keptChars / chars));
    console.append(table.render());
    console.append(Reports.dropReasons(reasons));
    return new Job.Summary(
        stats, console.toString(), Reports.markdown("Books run", stats).toString());
  }

  @Override
  int progressSeconds() {
    return options.progressSeconds;
  }
}
