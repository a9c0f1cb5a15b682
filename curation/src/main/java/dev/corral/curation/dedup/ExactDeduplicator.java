package dev.corral.curation.dedup;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import dev.corral.core.stage.Stages;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Exact deduplication on a content hash (SHA-256 of the text's UTF-8): with {@code normalize} (the
 * default, for documents) the text is first reduced as for shingling ({@link Shingles#normalize}:
 * case, digits, punctuation and spacing do not count); without it (for code files, as LLaMA
 * deduplicated GitHub "at the file level, with exact matches") the bytes must be the same. One copy
 * per hash is kept ({@link DedupTransformer}); the others get {@code drop_reason =
 * exact_duplicate}. One shuffle of the rows, by hash.
 */
public final class ExactDeduplicator extends DedupTransformer<ExactDeduplicator> {
  private static final long serialVersionUID = 1L;

  /** The drop reason of a copy. */
  public static final String EXACT_DUPLICATE = "exact_duplicate";

  private final BooleanParam normalize;

  public ExactDeduplicator() {
    this(Identifiable.randomUID("exactDedup"));
  }

  public ExactDeduplicator(String uid) {
    super(uid);
    normalize =
        new BooleanParam(
            this,
            "normalize",
            "hash the normalized text (case, digits, punctuation and spacing ignored) instead of the exact bytes");
    setDefault(normalize, true);
  }

  @Override
  protected String reason() {
    return EXACT_DUPLICATE;
  }

  public BooleanParam normalize() {
    return normalize;
  }

  public boolean getNormalize() {
    return (Boolean) getOrDefault(normalize);
  }

  public ExactDeduplicator setNormalize(boolean value) {
    set(normalize, value);
    return this;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Column text = Stages.column(getInputCol());
    // Dropped and null rows take no part: each gets a key of its own, so they do not pile up in one
    // window.
    Column alone = alreadyDropped(dataset.schema()).or(text.isNull());
    String hashCol = "__corral_hash_" + uid;
    Column hash =
        when(alone, concat(lit("row "), monotonically_increasing_id().cast(DataTypes.StringType)))
            .otherwise(contentHash(text));
    WindowSpec byHash = Window.partitionBy(Stages.column(hashCol));
    WindowSpec ordered =
        byHash
            .orderBy(keepOrder().toArray(new Column[0]))
            .rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());
    Column inCluster = Stages.column(hashCol + "_n").gt(1);
    Dataset<Row> clustered =
        dataset
            .toDF()
            .withColumn(hashCol, hash)
            .withColumn(hashCol + "_n", count(lit(1)).over(byHash))
            .withColumn(
                hashCol + "_kept", when(inCluster, first(Stages.column(getIdCol())).over(ordered)))
            .withColumn(hashCol + "_size", when(inCluster, Stages.column(hashCol + "_n")))
            .drop(hashCol, hashCol + "_n");
    return annotate(clustered, hashCol + "_kept", hashCol + "_size");
  }

  /**
   * The key rows are clustered by: the SHA-256 of the text, normalized first when asked
   * (package-private for bench/dedup/NarrowExactDedup.java, which clusters by the same key).
   */
  Column contentHash(Column text) {
    Column content = getNormalize() ? NORMALIZE.apply(text) : text;
    return sha2(content.cast(DataTypes.BinaryType), 256);
  }

  private static final UserDefinedFunction NORMALIZE =
      udf(
          (UDF1<String, String>) s -> s == null ? null : Shingles.normalize(s),
          DataTypes.StringType);

  public static MLReader<ExactDeduplicator> read() {
    return new DefaultParamsReader<>();
  }

  public static ExactDeduplicator load(String path) {
    return read().load(path);
  }
}
