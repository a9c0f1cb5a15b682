package dev.corral.jobs.card;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.corral.core.io.TextLength;
import dev.corral.curation.mixture.TokenCounter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;

/**
 * What the card shows of one step's table, computed by Spark: documents, text bytes (UTF-8) and
 * tokens of all rows and of the kept ones (no {@code drop_reason}), documents per {@code
 * drop_reason} with a few example ids, languages, length histograms in characters and tokens, dedup
 * cluster sizes and documents per contaminating benchmark. The totals, histograms and quantiles are
 * one aggregation; drop reasons, languages and cluster sizes one more; benchmarks one more.
 */
final class TableStats {
  static final String TEXT = "text";
  static final String RAW_CONTENT = "raw_content";
  static final String DROP_REASON = "drop_reason";
  static final String ID = "id";
  static final String LANGUAGE = "language";
  static final String TOKENS = "num_tokens";
  static final String CLUSTER_SIZE = "cluster_size";
  static final String CONTAMINATED_BY = "contaminated_by";

  /** Example ids shown per drop reason. */
  static final int EXAMPLES = 5;

  /** Hash buckets of a drop reason's ids, the smallest id of each an example. */
  static final int EXAMPLE_BUCKETS = 16;

  // Columns of the distributions' rows.
  private static final String VALUE = "value";
  private static final String DOCUMENTS = "documents";
  private static final String KEPT = "kept_documents";
  private static final String EXAMPLE = "example_";

  /** Languages shown by name; the rest are summed as "other". */
  static final int LANGUAGES = 15;

  /** Kept documents tokenized to estimate tokens when the table has no token column. */
  static final int TOKEN_SAMPLE = 1000;

  /** Lower bounds of the length histogram's bins, in characters. */
  static final long[] CHAR_BINS = {0, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000};

  /** Lower bounds of the length histogram's bins, in tokens. */
  static final long[] TOKEN_BINS = {0, 32, 128, 512, 2_048, 8_192, 32_768};

  /** Lower bounds of the cluster-size bins. */
  static final long[] CLUSTER_BINS = {1, 2, 3, 6, 11, 101};

  static final double[] QUANTILES = {0.1, 0.5, 0.9, 0.99};

  private TableStats() {}

  /** The statistics of {@code table}, as the card's JSON holds them. */
  static Map<String, Object> of(Dataset<Row> table, String tokenizer) {
    if (!isType(table, TEXT, DataTypes.StringType)
        && isType(table, RAW_CONTENT, DataTypes.StringType)) {
      table = table.withColumnRenamed(RAW_CONTENT, TEXT); // CCNet's tables keep their text there
    }
    List<String> columns = Arrays.asList(table.columns());
    boolean hasText = isType(table, TEXT, DataTypes.StringType);
    boolean hasReason = isType(table, DROP_REASON, DataTypes.StringType);
    boolean hasTokens =
        columns.contains(TOKENS) && table.schema().apply(TOKENS).dataType() instanceof NumericType;
    Column kept = hasReason ? col(DROP_REASON).isNull() : lit(true);
    Column chars = hasText ? TextLength.of(col(TEXT)) : lit(null).cast("int");
    Column bytes = hasText ? octet_length(col(TEXT)) : lit(null).cast("int");
    Column tokens = hasTokens ? col(TOKENS).cast("long") : lit(null).cast("long");

    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)));
    aggs.add(count(when(kept, lit(1))));
    aggs.add(coalesce(sum(bytes.cast("long")), lit(0L)));
    aggs.add(coalesce(sum(when(kept, bytes.cast("long"))), lit(0L)));
    aggs.add(coalesce(sum(tokens), lit(0L)));
    aggs.add(coalesce(sum(when(kept, tokens)), lit(0L)));
    aggs.add(percentile_approx(when(kept, chars), quantileArray(), lit(10_000)));
    aggs.add(percentile_approx(when(kept, tokens), quantileArray(), lit(10_000)));
    histogram(aggs, chars, kept, CHAR_BINS);
    histogram(aggs, tokens, kept, TOKEN_BINS);
    Row r = table.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();

    Map<String, Object> out = new LinkedHashMap<>();
    long rows = r.getLong(0);
    long keptRows = r.getLong(1);
    out.put("documents_in", rows);
    out.put("documents_out", keptRows);
    out.put("bytes_in", hasText ? r.getLong(2) : null);
    out.put("bytes_out", hasText ? r.getLong(3) : null);
    if (hasTokens) {
      out.put("tokens_in", r.getLong(4));
      out.put("tokens_out", r.getLong(5));
      out.put("tokens_estimated", false);
    } else if (hasText) {
      double perByte = tokensPerByte(table.filter(kept), keptRows, tokenizer);
      out.put("tokens_in", Math.round(r.getLong(2) * perByte));
      out.put("tokens_out", Math.round(r.getLong(3) * perByte));
      out.put("tokens_estimated", true);
      out.put("tokens_per_byte_sampled", perByte);
    }
    int at = 8;
    if (hasText) {
      Map<String, Object> lengths = new LinkedHashMap<>();
      lengths.put("quantiles_kept", quantiles(r, 6));
      lengths.put("bins", labels(CHAR_BINS));
      lengths.put("all", counts(r, at, CHAR_BINS.length));
      lengths.put("kept", counts(r, at + CHAR_BINS.length, CHAR_BINS.length));
      out.put("length_chars", lengths);
    }
    at += 2 * CHAR_BINS.length;
    if (hasTokens) {
      Map<String, Object> lengths = new LinkedHashMap<>();
      lengths.put("quantiles_kept", quantiles(r, 7));
      lengths.put("bins", labels(TOKEN_BINS));
      lengths.put("all", counts(r, at, TOKEN_BINS.length));
      lengths.put("kept", counts(r, at + TOKEN_BINS.length, TOKEN_BINS.length));
      out.put("length_tokens", lengths);
    }
    boolean hasLanguage = isType(table, LANGUAGE, DataTypes.StringType);
    boolean hasClusters =
        columns.contains(CLUSTER_SIZE)
            && table.schema().apply(CLUSTER_SIZE).dataType() instanceof NumericType;
    if (hasReason || hasLanguage || hasClusters) {
      Map<String, List<Row>> counted =
          distributions(
              table, kept, hasReason, hasReason && columns.contains(ID), hasLanguage, hasClusters);
      if (hasReason) {
        out.put("drop_reasons", dropReasons(counted.get(DROP_REASON)));
      }
      if (hasLanguage) {
        out.put("languages", languages(counted.get(LANGUAGE)));
      }
      if (hasClusters) {
        out.put("cluster_sizes", clusterSizes(counted.get(CLUSTER_SIZE)));
      }
    }
    DataType contaminated =
        columns.contains(CONTAMINATED_BY) ? table.schema().apply(CONTAMINATED_BY).dataType() : null;
    if (contaminated instanceof ArrayType a && a.elementType().equals(DataTypes.StringType)) {
      Map<String, Long> perBenchmark = new LinkedHashMap<>();
      for (Row b :
          table
              .select(explode(col(CONTAMINATED_BY)).as("b"))
              .groupBy("b")
              .count()
              .orderBy(col("count").desc(), col("b"))
              .collectAsList()) {
        perBenchmark.put(b.getString(0), b.getLong(1));
      }
      out.put("contaminated_by", perBenchmark);
    }
    return out;
  }

  /**
   * Documents and kept documents per drop reason, per language and per cluster size, in one pass
   * over the table: each row stands once for each of its values (a generator, as GROUPING SETS
   * expands rows), then one aggregation. A drop reason's example ids are the smallest id of each of
   * {@link #EXAMPLE_BUCKETS} hash buckets: spread over the reason's documents, and the same however
   * the table is split. Returns each kind's rows: {@code value}, {@code documents}, {@code
   * kept_documents}, then the buckets' ids ({@code example_0}, ...).
   */
  private static Map<String, List<Row>> distributions(
      Dataset<Row> table,
      Column kept,
      boolean reasons,
      boolean examples,
      boolean languages,
      boolean clusters) {
    List<Column> entries = new ArrayList<>();
    if (reasons) {
      entries.add(when(col(DROP_REASON).isNotNull(), entry(DROP_REASON, col(DROP_REASON))));
    }
    if (languages) {
      entries.add(entry(LANGUAGE, coalesce(col(LANGUAGE), lit("(none)"))));
    }
    if (clusters) {
      Column size = col(CLUSTER_SIZE).cast("long");
      entries.add(when(size.isNotNull(), entry(CLUSTER_SIZE, size.cast("string"))));
    }
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(when(col("kept"), lit(1))).as(KEPT));
    for (int b = 0; b < (examples ? EXAMPLE_BUCKETS : 0); b++) {
      aggs.add(min(when(col("bucket").equalTo(b), col("id"))).as(EXAMPLE + b));
    }
    List<Column> columns = new ArrayList<>();
    columns.add(explode(array(entries.toArray(new Column[0]))).as("e"));
    columns.add(kept.as("kept"));
    if (examples) {
      columns.add(col(ID).cast("string").as("id"));
    }
    Dataset<Row> expanded =
        table.select(columns.toArray(new Column[0])).filter(col("e").isNotNull());
    if (examples) { // the id's bucket once per row, for a drop reason's rows only
      expanded =
          expanded.withColumn(
              "bucket",
              when(
                  col("e.kind").equalTo(DROP_REASON),
                  pmod(xxhash64(col("id")), lit(EXAMPLE_BUCKETS))));
    }
    Map<String, List<Row>> out = new LinkedHashMap<>();
    for (String kind : List.of(DROP_REASON, LANGUAGE, CLUSTER_SIZE)) {
      out.put(kind, new ArrayList<>());
    }
    for (Row r :
        expanded
            .groupBy(col("e.kind").as("kind"), col("e.value").as(VALUE))
            .agg(count(lit(1)).as(DOCUMENTS), aggs.toArray(new Column[0]))
            .collectAsList()) {
      out.get(r.<String>getAs("kind")).add(r);
    }
    return out;
  }

  private static Column entry(String kind, Column value) {
    return struct(lit(kind).as("kind"), value.as("value"));
  }

  /** Documents per drop reason, most first, with up to {@link #EXAMPLES} ids each. */
  private static Map<String, Object> dropReasons(List<Row> rows) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Row r : mostFirst(rows)) {
      Map<String, Object> reason = new LinkedHashMap<>();
      reason.put("documents", r.<Long>getAs(DOCUMENTS));
      if (Arrays.asList(r.schema().fieldNames()).contains(EXAMPLE + 0)) {
        List<String> ids = new ArrayList<>();
        for (int b = 0; b < EXAMPLE_BUCKETS; b++) {
          String id = r.getAs(EXAMPLE + b);
          if (id != null) {
            ids.add(id);
          }
        }
        reason.put("examples", ids.stream().sorted().limit(EXAMPLES).toList());
      }
      out.put(r.getAs(VALUE), reason);
    }
    return out;
  }

  /** Documents and kept documents per language, most first; beyond the first few, "other". */
  private static Map<String, Object> languages(List<Row> counted) {
    Map<String, Object> out = new LinkedHashMap<>();
    long[] other = new long[2];
    List<Row> rows = mostFirst(counted);
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      if (i < LANGUAGES) {
        out.put(r.getAs(VALUE), Map.of("documents", r.getAs(DOCUMENTS), "kept", r.getAs(KEPT)));
      } else {
        other[0] += r.<Long>getAs(DOCUMENTS);
        other[1] += r.<Long>getAs(KEPT);
      }
    }
    if (rows.size() > LANGUAGES) {
      out.put(
          "other (" + (rows.size() - LANGUAGES) + " languages)",
          Map.of("documents", other[0], "kept", other[1]));
    }
    return out;
  }

  /** Documents and clusters per cluster-size bin (a cluster of size s holds s documents). */
  private static Map<String, Object> clusterSizes(List<Row> rows) {
    long[] docs = new long[CLUSTER_BINS.length];
    long[] clusters = new long[CLUSTER_BINS.length];
    long largest = 0;
    for (Row r : rows) {
      long size = Long.parseLong(r.getAs(VALUE)); // every kind's value is a string
      long documents = r.getAs(DOCUMENTS);
      int bin = bin(CLUSTER_BINS, size);
      if (bin >= 0) {
        docs[bin] += documents;
        clusters[bin] += documents / Math.max(1, size);
      }
      largest = Math.max(largest, size);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bins", labels(CLUSTER_BINS));
    out.put("documents", toList(docs));
    out.put("clusters", toList(clusters));
    out.put("largest", largest);
    return out;
  }

  /** Most documents first, then by value. */
  private static List<Row> mostFirst(List<Row> rows) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(
        Comparator.comparingLong((Row r) -> -r.<Long>getAs(DOCUMENTS))
            .thenComparing(r -> r.<String>getAs(VALUE)));
    return sorted;
  }

  /**
   * Tokens per UTF-8 byte of a sample of the kept texts, cut by {@code tokenizer} (the LLaMA one by
   * default); 0 when nothing is kept.
   */
  private static double tokensPerByte(Dataset<Row> kept, long keptRows, String tokenizer) {
    if (keptRows == 0) {
      return 0;
    }
    double fraction = Math.min(1.0, 2.0 * TOKEN_SAMPLE / keptRows);
    Dataset<Row> sample =
        kept.select(col(TEXT))
            .filter(col(TEXT).isNotNull())
            .sample(false, fraction, 17)
            .limit(TOKEN_SAMPLE);
    TokenCounter counter = new TokenCounter().setOutputCol("__card_tokens");
    if (tokenizer != null) {
      counter.setTokenizer(tokenizer);
    }
    Row r =
        counter
            .transform(sample)
            .agg(
                coalesce(sum(col("__card_tokens")), lit(0L)),
                coalesce(sum(octet_length(col(TEXT)).cast("long")), lit(0L)))
            .first();
    return r.getLong(1) == 0 ? 0 : (double) r.getLong(0) / r.getLong(1);
  }

  private static Column quantileArray() {
    return array(Arrays.stream(QUANTILES).mapToObj(q -> lit(q)).toArray(Column[]::new));
  }

  private static void histogram(List<Column> aggs, Column value, Column kept, long[] bins) {
    for (boolean keptOnly : new boolean[] {false, true}) {
      for (int i = 0; i < bins.length; i++) {
        Column in = value.geq(bins[i]);
        if (i + 1 < bins.length) {
          in = in.and(value.lt(bins[i + 1]));
        }
        aggs.add(count(when(keptOnly ? in.and(kept) : in, lit(1))));
      }
    }
  }

  private static List<Long> counts(Row r, int from, int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(r.getLong(from + i));
    }
    return out;
  }

  private static Map<String, Object> quantiles(Row r, int i) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Object> values = r.isNullAt(i) ? null : r.getList(i);
    for (int q = 0; q < QUANTILES.length; q++) {
      out.put(
          "p" + Math.round(QUANTILES[q] * 100),
          values == null || values.get(q) == null ? null : ((Number) values.get(q)).longValue());
    }
    return out;
  }

  /** Bin labels: "0-99", "100-299", ..., "100000+". */
  static List<String> labels(long[] bins) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < bins.length; i++) {
      out.add(
          i + 1 < bins.length
              ? (bins[i + 1] - 1 == bins[i] ? "" + bins[i] : bins[i] + "-" + (bins[i + 1] - 1))
              : bins[i] + "+");
    }
    return out;
  }

  private static int bin(long[] bins, long v) {
    for (int i = bins.length - 1; i >= 0; i--) {
      if (v >= bins[i]) {
        return i;
      }
    }
    return -1;
  }

  private static List<Long> toList(long[] a) {
    return Arrays.stream(a).boxed().toList();
  }

  private static boolean isType(Dataset<Row> table, String column, DataType type) {
    return Arrays.asList(table.columns()).contains(column)
        && table.schema().apply(column).dataType().equals(type);
  }
}
