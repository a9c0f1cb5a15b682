package dev.corral.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sum;

import dev.corral.curation.dedup.BookDeduplicator;
import dev.corral.curation.dedup.DedupModel;
import dev.corral.curation.dedup.DedupParams;
import dev.corral.curation.dedup.ExactDeduplicator;
import dev.corral.curation.dedup.MinHashDeduplicator;
import dev.corral.curation.dedup.MinHashStage;
import dev.corral.curation.io.Tables;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corral dedup}: exact, near-duplicate (MinHash-LSH) or book-level dedup of a table; every input row is
 * written with its annotations, and a summary of the clusters is printed and saved beside the output.
 */
@Command(name = "dedup", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Remove duplicate documents: exact (content hash), minhash (near-duplicates by MinHash-LSH, "
        + "verified Jaccard, connected components) or book (more than 90% of a book inside another). Rows are "
        + "kept and annotated: duplicate_of, dedup_cluster, cluster_size, drop_reason.")
final class DedupCommand implements Callable<Integer> {
  enum Method { minhash, exact, book }

  @Option(names = "--input", required = true, description = "JSONL(.gz), Parquet or Delta input.")
  String input;

  @Option(names = "--output", required = true, description = "Output path.")
  String output;

  @Option(names = "--method", defaultValue = "minhash", description = "minhash, exact or book (default: ${DEFAULT-VALUE}).")
  Method method;

  @Option(names = "--threshold",
      description = "minhash: Jaccard similarity of near-duplicates (default 0.8); book: share of a book inside "
          + "another (default 0.9).")
  Double threshold;

  @Option(names = "--ngram", defaultValue = "5", description = "Shingle size in words (default: ${DEFAULT-VALUE}).")
  int ngram;

  @Option(names = "--char-ngrams", description = "Shingles of characters, for text without spaces.")
  boolean charNgrams;

  @Option(names = "--num-perm", defaultValue = "128", description = "MinHash permutations (default: ${DEFAULT-VALUE}).")
  int numPerm;

  @Option(names = "--bands", description = "LSH bands (with --rows; default: chosen from the threshold).")
  Integer bands;

  @Option(names = "--rows", description = "Signature values per band (with --bands).")
  Integer rows;

  @Option(names = "--no-verify", description = "minhash: keep LSH candidates without checking their true Jaccard.")
  boolean noVerify;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the MinHash permutations (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--max-bucket-size", defaultValue = "100",
      description = "Documents of one LSH bucket paired with each other; larger buckets are capped and counted "
          + "(default: ${DEFAULT-VALUE}).")
  int maxBucketSize;

  @Option(names = "--exact-bytes", description = "exact: hash the text as is (code files) instead of normalized.")
  boolean exactBytes;

  @Option(names = "--format", defaultValue = "delta", description = "delta, parquet or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--input-format", description = "json, parquet or delta (default: from the path).")
  String inputFormat;

  @Option(names = "--id-column", defaultValue = "id",
      description = "Column naming each document (default: ${DEFAULT-VALUE}; when 'id' is absent rows are numbered).")
  String idColumn;

  @Option(names = "--text-column", defaultValue = "text", description = "Column holding the text (default: ${DEFAULT-VALUE}).")
  String textColumn;

  @Option(names = "--quality-column", description = "Keep the copy with the highest value of this column (default: smallest id).")
  String qualityColumn;

  @Option(names = "--url-column", defaultValue = "url", description = "Shown for the largest clusters when present (default: ${DEFAULT-VALUE}).")
  String urlColumn;

  @Override
  public Integer call() {
    SparkSession spark = SparkSessions.create("corral dedup");
    Dataset<Row> data = Tables.read(spark, input, inputFormat);
    if (!Arrays.asList(data.columns()).contains(idColumn) && idColumn.equals("id")) {
      // Numbered in input order, which is stable for the same files: reruns give the same ids.
      LoggerFactory.getLogger(DedupCommand.class).warn("{} has no column 'id'; numbering rows in input order", input);
      data = data.withColumn("id", monotonically_increasing_id());
    }
    Map<String, Object> stats = new LinkedHashMap<>();
    Dataset<Row> annotated;
    if (method == Method.exact) {
      annotated = configure(new ExactDeduplicator().setNormalize(!exactBytes)).transform(data);
    } else {
      DedupModel model = method == Method.book
          ? search(new BookDeduplicator().setThreshold(threshold == null ? 0.9 : threshold), data)
          : search(new MinHashDeduplicator().setThreshold(threshold == null ? 0.8 : threshold)
              .setVerify(!noVerify), data);
      annotated = model.transform(data);
      DedupModel.Stats s = model.stats();
      stats.put("bands", s.bands().bands());
      stats.put("rows", s.bands().rows());
      stats.put("candidate_pairs", s.candidatePairs());
      stats.put("linked_pairs", s.pairs());
      stats.put("capped_buckets", s.cappedBuckets());
      stats.put("capped_bucket_members", s.cappedMembers());
      stats.put("component_rounds", s.componentRounds());
    }
    Tables.write(annotated, output, format);

    Dataset<Row> written = Tables.read(spark, output, format).cache();
    Row totals = written.agg(count("*"), sum(col("cluster_size").gt(1).cast("long")),
        sum(col("duplicate_of").isNotNull().cast("long"))).first();
    long documents = totals.getLong(0);
    long clustered = totals.isNullAt(1) ? 0 : totals.getLong(1);
    long removed = totals.isNullAt(2) ? 0 : totals.getLong(2);
    long clusters = written.where(col("cluster_size").gt(1)).select("dedup_cluster").distinct().count();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("documents", documents);
    summary.put("clusters", clusters);
    summary.put("documents_in_clusters", clustered);
    summary.put("removed", removed);
    summary.put("removed_share", documents == 0 ? 0.0 : (double) removed / documents);
    summary.putAll(stats);
    summary.put("by_drop_reason", RunReport.byDropReason(written));

    boolean hasUrl = Arrays.asList(written.columns()).contains(urlColumn);
    Column sample = hasUrl ? col(urlColumn).cast("string") : col(idColumn).cast("string");
    ConsoleTable table = new ConsoleTable("cluster (kept " + idColumn + ")", "size", hasUrl ? "sample of urls" : "sample of ids");
    List<Map<String, Object>> largest = new ArrayList<>();
    for (Row r : written.where(col("cluster_size").gt(1))
        .groupBy(col("dedup_cluster")).agg(count("*").as("size"), slice(collect_list(sample), 1, 3).as("sample"))
        .orderBy(col("size").desc(), col("dedup_cluster")).limit(10).collectAsList()) {
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

    System.out.printf("%s dedup: %d documents, %d clusters of duplicates, %d removed (%.2f%%)%n", method, documents,
        clusters, removed, 100.0 * (double) summary.get("removed_share"));
    if (!stats.isEmpty()) {
      System.out.printf("LSH %d bands x %d rows: %d candidate pairs, %d linked; %d buckets capped (%d members); "
          + "components in %d rounds%n", stats.get("bands"), stats.get("rows"), stats.get("candidate_pairs"),
          stats.get("linked_pairs"), stats.get("capped_buckets"), stats.get("capped_bucket_members"),
          stats.get("component_rounds"));
    }
    table.print(System.out);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("input", input);
    config.put("method", method.name());
    config.put("threshold", threshold);
    config.put("ngram", ngram);
    config.put("char_ngrams", charNgrams);
    config.put("num_perm", numPerm);
    config.put("bands", bands);
    config.put("rows", rows);
    config.put("verify", !noVerify);
    config.put("seed", seed);
    config.put("max_bucket_size", maxBucketSize);
    config.put("exact_bytes", exactBytes);
    config.put("id_column", idColumn);
    config.put("text_column", textColumn);
    config.put("quality_column", qualityColumn);
    Tables.writeRunInfo(spark, output, "dedup", config, summary);
    Tables.writeText(spark, output, "dedup.md", markdown(summary).getBytes(StandardCharsets.UTF_8));
    System.out.println("wrote " + output + " (" + format + ")");
    return 0;
  }

  private <T extends MinHashStage<T>> DedupModel search(T stage, Dataset<Row> data) {
    configure(stage).setNgram(ngram).setCharNgrams(charNgrams).setNumPerm(numPerm).setSeed(seed)
        .setMaxBucketSize(maxBucketSize);
    if (bands != null || rows != null) {
      if (bands == null || rows == null) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--bands and --rows go together");
      }
      stage.setBands(bands).setRows(rows);
    }
    return stage.fit(data);
  }

  private <T extends DedupParams<T>> T configure(T stage) {
    stage.setIdCol(idColumn).setInputCol(textColumn);
    if (qualityColumn != null) {
      stage.setQualityCol(qualityColumn);
    }
    return stage;
  }

  private static String markdown(Map<String, Object> summary) {
    StringBuilder md = RunReport.markdown("Dedup run", summary);
    md.append("\n## largest clusters\n\n| kept | size | sample |\n| --- | ---: | --- |\n");
    for (Object o : (List<?>) summary.get("largest_clusters")) {
      Map<?, ?> c = (Map<?, ?>) o;
      md.append("| ").append(c.get("cluster")).append(" | ").append(c.get("size")).append(" | ")
          .append(String.join(" ", ((List<?>) c.get("sample")).stream().map(String::valueOf).toList())).append(" |\n");
    }
    return md.toString();
  }
}
