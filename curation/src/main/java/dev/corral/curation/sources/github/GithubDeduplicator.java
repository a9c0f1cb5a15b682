package dev.corral.curation.sources.github;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import dev.corral.core.Errors;
import dev.corral.core.stage.CheckedParams;
import dev.corral.core.stage.CorralTransformer;
import dev.corral.core.stage.DropReasons;
import dev.corral.core.stage.FilterColumns;
import dev.corral.core.stage.Stages;
import dev.corral.curation.dedup.ExactDeduplicator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * LLaMA's "we deduplicate the resulting dataset at the file level, with exact matches" (Touvron et
 * al. 2023, section 2.1) as RedPajama v1 does it: files with the same {@code content_hash} (MD5 of
 * the raw content, before the header is removed) are copies; one is kept and the others get {@code
 * duplicate_of} (the kept file's id) and {@code drop_reason = exact_duplicate}. The kept copy is
 * the first in {@code orderCols} (ascending, nulls last, then the id): by default the smallest
 * {@code (repo_name, path)}, so the winner never depends on how the input is split; RedPajama kept
 * the first seen, which {@code orderCols = [input_order]} reproduces ({@link GithubReader}). Rows
 * already dropped by an earlier stage, or without a hash, take no part. One shuffle, by hash.
 */
public final class GithubDeduplicator extends CorralTransformer<GithubDeduplicator>
    implements CheckedParams, DropReasons {
  private static final long serialVersionUID = 1L;

  private final Param<String> hashCol;
  private final Param<String> idCol;
  private final StringArrayParam orderCols;
  private final Param<String> duplicateOfCol;
  private final Param<String> dropReasonCol;

  public GithubDeduplicator() {
    this(Identifiable.randomUID("githubDedup"));
  }

  public GithubDeduplicator(String uid) {
    super(uid);
    hashCol =
        new Param<>(
            this,
            "hashCol",
            "column holding the hash of each file's raw content (string)",
            Stages.nonBlank());
    idCol = new Param<>(this, "idCol", "column naming each file (string)", Stages.nonBlank());
    orderCols =
        new StringArrayParam(
            this,
            "orderCols",
            "columns ordering the copies of a file, the first kept (ascending, nulls last, then the id);"
                + " RedPajama's first-seen order is [input_order]");
    duplicateOfCol =
        new Param<>(
            this,
            "duplicateOfCol",
            "output: id of the kept copy, null for the kept one (string)",
            Stages.nonBlank());
    dropReasonCol =
        new Param<>(
            this,
            "dropReasonCol",
            "column naming why a document is dropped (string); set only where still null",
            Stages.nonBlank());
    setDefault(hashCol, "content_hash");
    setDefault(idCol, "id");
    setDefault(orderCols, new String[] {"repo_name", "path"});
    setDefault(duplicateOfCol, "duplicate_of");
    setDefault(dropReasonCol, "drop_reason");
  }

  public Param<String> hashCol() {
    return hashCol;
  }

  public Param<String> idCol() {
    return idCol;
  }

  public StringArrayParam orderCols() {
    return orderCols;
  }

  public Param<String> duplicateOfCol() {
    return duplicateOfCol;
  }

  public Param<String> dropReasonCol() {
    return dropReasonCol;
  }

  public String getHashCol() {
    return getOrDefault(hashCol);
  }

  public GithubDeduplicator setHashCol(String value) {
    set(hashCol, value);
    return this;
  }

  public String getIdCol() {
    return getOrDefault(idCol);
  }

  public GithubDeduplicator setIdCol(String value) {
    set(idCol, value);
    return this;
  }

  public String[] getOrderCols() {
    return getOrDefault(orderCols);
  }

  public GithubDeduplicator setOrderCols(String... value) {
    set(orderCols, value);
    return this;
  }

  public String getDuplicateOfCol() {
    return getOrDefault(duplicateOfCol);
  }

  public GithubDeduplicator setDuplicateOfCol(String value) {
    set(duplicateOfCol, value);
    return this;
  }

  public String getDropReasonCol() {
    return getOrDefault(dropReasonCol);
  }

  public GithubDeduplicator setDropReasonCol(String value) {
    set(dropReasonCol, value);
    return this;
  }

  @Override
  public void checkParams() {
    List<String> order = Arrays.asList(getOrderCols());
    if (order.contains(getDuplicateOfCol()) || order.contains(getDropReasonCol())) {
      throw Errors.badParams(
          "GithubDeduplicator " + uid, "orderCols " + order + " names an output column");
    }
  }

  @Override
  public List<String> dropReasons() {
    return List.of(ExactDeduplicator.EXACT_DUPLICATE);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkParams();
    String stage = "GithubDeduplicator " + uid;
    Stages.requireColumn(stage, schema, getHashCol(), DataTypes.StringType);
    Stages.requireColumn(stage, schema, getIdCol(), DataTypes.StringType);
    List<String> names = Arrays.asList(schema.fieldNames());
    for (String c : getOrderCols()) {
      if (!names.contains(c)) {
        throw Errors.badColumn(stage, c, "does not exist; columns are " + names);
      }
    }
    Stages.requireAbsent(stage, schema, getDuplicateOfCol());
    return FilterColumns.withReasonColumn(
        stage, schema.add(getDuplicateOfCol(), DataTypes.StringType, true), getDropReasonCol());
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Column id = Stages.column(getIdCol());
    Column hash = Stages.column(getHashCol());
    Column takesPart = hash.isNotNull();
    if (Arrays.asList(dataset.columns()).contains(getDropReasonCol())) {
      takesPart = takesPart.and(Stages.column(getDropReasonCol()).isNull());
    }
    // Rows that take no part get a key of their own, so they never pile up in one window.
    String key = "__corral_key_" + uid;
    Column partKey = when(takesPart, hash).otherwise(concat(lit("row "), id));
    List<Column> order = new ArrayList<>();
    for (String c : getOrderCols()) {
      order.add(Stages.column(c).asc_nulls_last());
    }
    order.add(id.asc_nulls_last());
    WindowSpec copies =
        Window.partitionBy(Stages.column(key)).orderBy(order.toArray(new Column[0]));
    String kept = "__corral_kept_" + uid;
    String rank = "__corral_rank_" + uid;
    Dataset<Row> ranked =
        dataset
            .toDF()
            .withColumn(key, partKey)
            .withColumn(kept, first(id).over(copies))
            .withColumn(rank, row_number().over(copies));
    Column duplicateOf = when(takesPart.and(Stages.column(rank).gt(1)), Stages.column(kept));
    Dataset<Row> out = ranked.withColumn(getDuplicateOfCol(), duplicateOf).drop(key, kept, rank);
    Column reason =
        when(
            Stages.column(getDuplicateOfCol()).isNotNull(), lit(ExactDeduplicator.EXACT_DUPLICATE));
    return FilterColumns.setReason(out, getDropReasonCol(), reason);
  }

  public static MLReader<GithubDeduplicator> read() {
    return new DefaultParamsReader<>();
  }

  public static GithubDeduplicator load(String path) {
    return read().load(path);
  }
}
