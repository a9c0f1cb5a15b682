package dev.corral.curation.dedup;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.corral.core.Errors;
import dev.corral.core.stage.FilterColumns;
import dev.corral.core.stage.FilterTransformer;
import dev.corral.core.stage.Stages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * The column contract of every dedup stage: documents are named by {@code idCol}; documents that are the same (or
 * nearly) form a cluster, of which one is kept, the one with the highest {@code qualityCol} when that is set, else
 * the one with the smallest id. Every row gets {@code dedup_cluster} (the kept document's id) and
 * {@code cluster_size} (1 for a document alone); the others get {@code duplicate_of} (the kept id) and the stage's
 * {@code drop_reason}. Rows never disappear, and rows that an earlier stage already dropped take no part.
 *
 * @param <T> the concrete stage, so that setters chain
 */
public abstract class DedupTransformer<T extends DedupTransformer<T>> extends FilterTransformer<T> {
  private static final long serialVersionUID = 1L;

  private final Param<String> idCol;
  private final Param<String> qualityCol;
  private final Param<String> duplicateOfCol;
  private final Param<String> clusterCol;
  private final Param<String> clusterSizeCol;

  protected DedupTransformer(String uid) {
    super(uid);
    idCol = new Param<>(this, "idCol", "column naming each document (any orderable type, unique)",
        Stages.nonBlank());
    qualityCol = new Param<>(this, "qualityCol",
        "numeric column; in a cluster the document with the highest value is kept (unset: the smallest id)",
        Stages.nonBlank());
    duplicateOfCol = new Param<>(this, "duplicateOfCol", "output: id of the kept document, null when kept",
        Stages.nonBlank());
    clusterCol = new Param<>(this, "clusterCol", "output: id of the document kept for the row's cluster",
        Stages.nonBlank());
    clusterSizeCol = new Param<>(this, "clusterSizeCol", "output: number of documents in the row's cluster",
        Stages.nonBlank());
    setDefault(idCol, "id");
    setDefault(duplicateOfCol, "duplicate_of");
    setDefault(clusterCol, "dedup_cluster");
    setDefault(clusterSizeCol, "cluster_size");
  }

  /** The reason code this stage gives the documents it drops. */
  protected abstract String reason();

  public Param<String> idCol() {
    return idCol;
  }

  public String getIdCol() {
    return getOrDefault(idCol);
  }

  public T setIdCol(String value) {
    set(idCol, value);
    return self();
  }

  public Param<String> qualityCol() {
    return qualityCol;
  }

  /** The quality column, or null when the smallest id decides. */
  public String getQualityCol() {
    return isDefined(qualityCol) ? getOrDefault(qualityCol) : null;
  }

  public T setQualityCol(String value) {
    set(qualityCol, value);
    return self();
  }

  public Param<String> duplicateOfCol() {
    return duplicateOfCol;
  }

  public String getDuplicateOfCol() {
    return getOrDefault(duplicateOfCol);
  }

  public T setDuplicateOfCol(String value) {
    set(duplicateOfCol, value);
    return self();
  }

  public Param<String> clusterCol() {
    return clusterCol;
  }

  public String getClusterCol() {
    return getOrDefault(clusterCol);
  }

  public T setClusterCol(String value) {
    set(clusterCol, value);
    return self();
  }

  public Param<String> clusterSizeCol() {
    return clusterSizeCol;
  }

  public String getClusterSizeCol() {
    return getOrDefault(clusterSizeCol);
  }

  public T setClusterSizeCol(String value) {
    set(clusterSizeCol, value);
    return self();
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String stage = getClass().getSimpleName() + " " + uid();
    Stages.requireColumn(stage, schema, getInputCol(), DataTypes.StringType);
    List<String> names = Arrays.asList(schema.fieldNames());
    if (!names.contains(getIdCol())) {
      throw Errors.badColumn(stage, getIdCol(), "does not exist; columns are " + names);
    }
    DataType id = schema.apply(getIdCol()).dataType();
    if (!DataTypes.StringType.equals(id) && !(id instanceof NumericType) && !DataTypes.DateType.equals(id)
        && !DataTypes.TimestampType.equals(id)) {
      throw Errors.badColumn(stage, getIdCol(), "must be a string, number, date or timestamp but is " + id.simpleString());
    }
    String quality = getQualityCol();
    if (quality != null) {
      if (!names.contains(quality)) {
        throw Errors.badColumn(stage, quality, "does not exist; columns are " + names);
      }
      if (!(schema.apply(quality).dataType() instanceof NumericType)) {
        throw Errors.badColumn(stage, quality, "must be numeric but is " + schema.apply(quality).dataType().simpleString());
      }
    }
    List<String> outputs = List.of(getDuplicateOfCol(), getClusterCol(), getClusterSizeCol());
    StructType out = schema;
    for (int i = 0; i < outputs.size(); i++) {
      Stages.requireAbsent(stage, schema, outputs.get(i));
      if (outputs.subList(0, i).contains(outputs.get(i)) || outputs.get(i).equals(getDropReasonCol())) {
        throw Errors.badColumn(stage, outputs.get(i), "is named by two output params");
      }
      out = out.add(outputs.get(i), i < 2 ? id : DataTypes.LongType, true);
    }
    return FilterColumns.withReasonColumn(stage, out, getDropReasonCol());
  }

  /** Rows that an earlier stage dropped: they are annotated as clusters of one and match nothing. */
  protected final Column alreadyDropped(StructType schema) {
    return Arrays.asList(schema.fieldNames()).contains(getDropReasonCol())
        ? Stages.column(getDropReasonCol()).isNotNull() : lit(false);
  }

  /** The order that puts the document to keep first in its cluster: highest quality, then smallest id. */
  protected List<Column> keepOrder() {
    List<Column> order = new ArrayList<>();
    if (getQualityCol() != null) {
      order.add(Stages.column(getQualityCol()).desc_nulls_last());
    }
    order.add(Stages.column(getIdCol()).asc_nulls_last());
    return order;
  }

  /**
   * {@code data} with the output columns, from its columns {@code keptCol} (the cluster's kept id, null for a
   * document alone) and {@code sizeCol} (null alone), which are then dropped.
   */
  protected final Dataset<Row> annotate(Dataset<Row> data, String keptCol, String sizeCol) {
    Column id = Stages.column(getIdCol());
    Column kept = Stages.column(keptCol);
    Column duplicate = when(kept.isNotNull().and(kept.notEqual(id).or(id.isNull())), kept);
    Dataset<Row> out = data
        .withColumn(getDuplicateOfCol(), duplicate)
        .withColumn(getClusterCol(), coalesce(kept, id))
        .withColumn(getClusterSizeCol(), coalesce(Stages.column(sizeCol), lit(1L)))
        .drop(keptCol, sizeCol);
    Column reason = when(Stages.column(getDuplicateOfCol()).isNotNull(), lit(reason()));
    return FilterColumns.setReason(out, getDropReasonCol(), reason);
  }
}
