package dev.corral.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sum;

import dev.corral.core.job.Job;
import dev.corral.core.job.JobContext;
import dev.corral.curation.dedup.BookDeduplicator;
import dev.corral.curation.dedup.DedupModel;
import dev.corral.curation.dedup.ExactDeduplicator;
import dev.corral.curation.dedup.MinHashDeduplicator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code corral dedup}: exact, near-duplicate (MinHash-LSH) or book-level dedup of a table; every
 * input row is written with its annotations, and a summary of the clusters is printed and saved
 * beside the output.
 */
@Command(
    name = "dedup",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Remove duplicate documents: exact (content hash), minhash (near-duplicates by MinHash-LSH, "
            + "verified Jaccard, connected components) or book (more than 90%% of a book inside another). Rows are "
            + "kept and annotated: duplicate_of, dedup_cluster, cluster_size, drop_reason. Ids must be unique.")
final class DedupCommand extends JobCommand {
  enum Method {
    minhash,
    exact,
    book
  }

  @Mixin JobOptions options;

  @Option(
      names = "--method",
      defaultValue = "minhash",
      description = "minhash, exact or book (default: ${DEFAULT-VALUE}).")
  Method method;

  @Option(names = "--threshold", descriptionKey = "MinHashDeduplicator.threshold")
  String threshold;

  @Option(names = "--ngram", descriptionKey = "MinHashDeduplicator.ngram")
  String ngram;

  @Option(
      names = "--char-ngrams",
      negatable = true,
      descriptionKey = "MinHashDeduplicator.charNgrams")
  Boolean charNgrams;

  @Option(names = "--num-perm", descriptionKey = "MinHashDeduplicator.numPerm")
  String numPerm;

  @Option(names = "--bands", descriptionKey = "MinHashDeduplicator.bands")
  String bands;

  @Option(names = "--rows", descriptionKey = "MinHashDeduplicator.rows")
  String rows;

  @Option(names = "--verify", negatable = true, descriptionKey = "MinHashDeduplicator.verify")
  Boolean verify;

  @Option(names = "--seed", descriptionKey = "MinHashDeduplicator.seed")
  String seed;

  @Option(names = "--max-bucket-size", descriptionKey = "MinHashDeduplicator.maxBucketSize")
  String maxBucketSize;

  @Option(names = "--normalize", negatable = true, descriptionKey = "ExactDeduplicator.normalize")
  Boolean normalize;

  @Option(names = "--quality-column", descriptionKey = "MinHashDeduplicator.qualityCol")
  String qualityColumn;

  @Option(
      names = "--url-column",
      defaultValue = "url",
      description = "Shown for the largest clusters when present (default: ${DEFAULT-VALUE}).")
  String urlColumn;

  @Override
  Job declare() {
    PipelineStage stage =
        switch (method) {
          case exact -> new ExactDeduplicator();
          case minhash -> new MinHashDeduplicator();
          case book -> new BookDeduplicator();
        };
    String idColumn = options.idColumn != null ? options.idColumn : "id";
    return options
        .apply(Job.builder().setName("dedup"))
        .optStages(configure(options, List.of(stage)))
        .optIds(options.idColumn)
        .optSetting("method", method.name())
        .optReport((context, written) -> summary(context, written, idColumn))
        .build();
  }

  private Job.Summary summary(JobContext context, Dataset<Row> written, String idColumn) {
    Row totals =
        written
            .agg(
                count("*"),
                sum(col("cluster_size").gt(1).cast("long")),
                sum(col("duplicate_of").isNotNull().cast("long")))
            .first();
    long documents = totals.getLong(0);
    long clustered = totals.isNullAt(1) ? 0 : totals.getLong(1);
    long removed = totals.isNullAt(2) ? 0 : totals.getLong(2);
    long clusters =
        written.where(col("cluster_size").gt(1)).select("dedup_cluster").distinct().count();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("documents", documents);
    summary.put("clusters", clusters);
    summary.put("documents_in_clusters", clustered);
    summary.put("removed", removed);
    summary.put("removed_share", documents == 0 ? 0.0 : (double) removed / documents);
    String lsh = "";
    if (context.fitted().get(0) instanceof DedupModel model) {
      DedupModel.Stats s = model.stats();
      summary.put("bands", s.bands().bands());
      summary.put("rows", s.bands().rows());
      summary.put("candidate_pairs", s.candidatePairs());
      summary.put("linked_pairs", s.pairs());
      summary.put("capped_buckets", s.cappedBuckets());
      summary.put("capped_bucket_members", s.cappedMembers());
      summary.put("component_rounds", s.componentRounds());
      lsh =
          String.format(
              "LSH %d bands x %d rows: %d candidate pairs, %d linked; %d buckets capped (%d members); "
                  + "components %s%n",
              s.bands().bands(),
              s.bands().rows(),
              s.candidatePairs(),
              s.pairs(),
              s.cappedBuckets(),
              s.cappedMembers(),
              s.componentRounds() == 0
                  ? "on the driver (a small graph)"
                  : "in " + s.componentRounds() + " Spark rounds");
    }

    boolean hasUrl = Arrays.asList(written.columns()).contains(urlColumn);
    Column sample = hasUrl ? col(urlColumn).cast("string") : col(idColumn).cast("string");
    ConsoleTable table =
        new ConsoleTable(
            "cluster (kept " + idColumn + ")", "size", hasUrl ? "sample of urls" : "sample of ids");
    List<Map<String, Object>> largest = new ArrayList<>();
    for (Row r :
        written
            .where(col("cluster_size").gt(1))
            .groupBy(col("dedup_cluster"))
            .agg(count("*").as("size"), slice(collect_list(sample), 1, 3).as("sample"))
            .orderBy(col("size").desc(), col("dedup_cluster"))
            .limit(10)
            .collectAsList()) {
      String cluster = String.valueOf(r.get(0));
      List<String> urls = r.getList(2);
      table.row(cluster, r.getLong(1), String.join(" ", urls));
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("cluster", cluster);
      entry.put("size", r.getLong(1));
      entry.put("sample", urls);
      largest.add(entry);
    }
    summary.put("largest_clusters", largest);
    String console =
        String.format(
                "%s dedup: %d documents, %d clusters of duplicates, %d removed (%.2f%%)%n",
                method, documents, clusters, removed, 100.0 * (double) summary.get("removed_share"))
            + lsh
            + table.render();
    StringBuilder md = Reports.markdown("Dedup run", summary);
    md.append("\n## largest clusters\n\n| kept | size | sample |\n| --- | ---: | --- |\n");
    for (Map<String, Object> c : largest) {
      md.append("| ")
          .append(c.get("cluster"))
          .append(" | ")
          .append(c.get("size"))
          .append(" | ")
          .append(
              String.join(" ", ((List<?>) c.get("sample")).stream().map(String::valueOf).toList()))
          .append(" |\n");
    }
    return new Job.Summary(summary, console, md.toString());
  }

  @Override
  int progressSeconds() {
    return options.progressSeconds;
  }
}
