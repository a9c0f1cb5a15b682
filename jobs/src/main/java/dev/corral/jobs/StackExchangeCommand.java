package dev.corral.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

import dev.corral.core.Errors;
import dev.corral.core.io.TextLength;
import dev.corral.core.job.Job;
import dev.corral.curation.sources.stackexchange.StackExchange;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code corral source stackexchange}: archive.org's Stack Exchange dump → one document per
 * question with its answers sorted by score, HTML removed as RedPajama v1 did, plus a report (posts
 * read, documents, skipped by reason, characters, per site).
 */
@Command(
    name = "stackexchange",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Stack Exchange (LLaMA: the 28 largest sites, HTML removed, answers by score): --input takes the"
            + " archive.org dump's SITE.7z files (stackoverflow.com-Posts.7z for Stack Overflow), folders"
            + " they were extracted to, Posts.xml files, or folders of these. One document per question:"
            + " 'Q: title body' then 'A: answer' per answer, highest score first. Malformed rows and"
            + " damaged archives are skipped and counted with their file and offset.")
final class StackExchangeCommand extends JobCommand {
  @Mixin JobOptions options;

  @Option(
      names = "--sites",
      defaultValue = "28",
      description =
          "A number N: the N largest sites by posts among the inputs, meta sites excluded (the paper's"
              + " 28); or a comma-separated list of sites to keep, meta sites included when named"
              + " (default: ${DEFAULT-VALUE}).")
  String sites;

  @Option(
      names = "--compat",
      description =
          "redpajama: answers in RedPajama v1's order (scores compared as strings, so 9 before 10"
              + " before -1; ties in file order) and its rule for questions (any row without ParentId)."
              + " Default: the paper's order, scores as numbers, ties by id; questions are PostTypeId 1.")
  String compat;

  @Option(
      names = "--split-mb",
      defaultValue = "64",
      description = "MB of Posts.xml per reading task (default: ${DEFAULT-VALUE}).")
  long splitMb;

  @Override
  Job declare() {
    if (compat != null && !compat.equals("redpajama")) {
      throw Errors.badArgument("--compat", compat, "redpajama");
    }
    if (splitMb < 1) {
      throw Errors.badArgument("--split-mb", splitMb, "a number of MB >= 1");
    }
    StackExchange.Options reading =
        StackExchange.Options.defaults()
            .withSites(sites)
            .withRedPajamaOrder(compat != null)
            .withSplitBytes(splitMb << 20);
    AtomicReference<StackExchange.Result> read = new AtomicReference<>();
    return options
        .apply(Job.builder().setName("stackexchange"))
        .optReader(
            context -> {
              // Decoded archives go to the run's scratch folder, which the runner deletes.
              read.set(
                  StackExchange.read(
                      context.spark(),
                      context.job().inputs(),
                      reading.withStaging(context.scratch())));
              return read.get().documents();
            })
        .optSetting("sites", sites)
        .optSetting("compat", compat == null ? "none" : compat)
        .optSetting("split_mb", splitMb)
        .optReport((context, written) -> summary(read.get(), written))
        .build();
  }

  private static Job.Summary summary(StackExchange.Result read, Dataset<Row> written) {
    Map<String, Map<String, Long>> perSite = new TreeMap<>(read.bySite());
    long documents = 0;
    long chars = 0;
    long answers = 0;
    for (Row r :
        written
            .groupBy("site")
            .agg(
                count("*"),
                sum(TextLength.of(col("text"))).cast("long"),
                sum(col("answer_count")).cast("long"))
            .collectAsList()) {
      Map<String, Long> site = perSite.computeIfAbsent(r.getString(0), k -> new TreeMap<>());
      site.put("documents", r.getLong(1));
      site.put("chars", r.isNullAt(2) ? 0 : r.getLong(2));
      site.put("answers", r.isNullAt(3) ? 0 : r.getLong(3));
      documents += r.getLong(1);
      chars += r.isNullAt(2) ? 0 : r.getLong(2);
      answers += r.isNullAt(3) ? 0 : r.getLong(3);
    }
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("sites", read.sites());
    stats.put("files", read.files());
    stats.put("posts_read", read.postsRead());
    stats.put("bytes_read", read.bytesRead());
    stats.put("documents", documents);
    stats.put("answers", answers);
    stats.put("chars", chars);
    stats.put("skipped", read.skipped());
    stats.put("malformed_by_file", read.malformedByFile());
    stats.put("malformed_first", read.malformed());
    stats.put("per_site", perSite);
    if (!read.postsBySite().isEmpty()) {
      stats.put("posts_by_site_for_choosing", read.postsBySite());
    }
    ConsoleTable table =
        new ConsoleTable("site", "posts", "documents", "answers", "chars", "skipped");
    for (Map.Entry<String, Map<String, Long>> e : perSite.entrySet()) {
      Map<String, Long> s = e.getValue();
      long skipped =
          s.entrySet().stream()
              .filter(
                  x ->
                      !x.getKey().equals("posts_read")
                          && !x.getKey().equals("documents")
                          && !x.getKey().equals("answers")
                          && !x.getKey().equals("chars")
                          && !x.getKey().equals("bytes"))
              .mapToLong(Map.Entry::getValue)
              .sum();
      table.row(
          e.getKey(),
          s.getOrDefault("posts_read", 0L),
          s.getOrDefault("documents", 0L),
          s.getOrDefault("answers", 0L),
          s.getOrDefault("chars", 0L),
          skipped);
    }
    StringBuilder console = new StringBuilder();
    console.append(
        String.format(
            "%d sites, %d files: %,d posts read (%.1f MB), %,d documents (%,d answers, %,d chars)%n",
            read.sites().size(),
            read.files().size(),
            read.postsRead(),
            read.bytesRead() / 1e6,
            documents,
            answers,
            chars));
    console.append("skipped: ").append(read.skipped().isEmpty() ? "none" : read.skipped());
    console.append('\n');
    if (!read.malformed().isEmpty()) {
      console.append("malformed input, first at: ");
      console.append(
          String.join("; ", read.malformed().subList(0, Math.min(3, read.malformed().size()))));
      console.append('\n');
    }
    console.append(table.render());
    return new Job.Summary(
        stats, console.toString(), Reports.markdown("Stack Exchange run", stats).toString());
  }

  @Override
  int progressSeconds() {
    return options.progressSeconds;
  }
}
