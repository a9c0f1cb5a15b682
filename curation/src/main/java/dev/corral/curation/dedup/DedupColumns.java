package dev.corral.curation.dedup;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.corral.core.Errors;
import dev.corral.core.stage.FilterColumns;
import dev.corral.core.stage.Stages;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * The params of {@link DedupParams}, made here once so that a transformer, an estimator and its
 * model declare the same names, docs, validators and defaults; and the column contract they all
 * keep: the schema check, which rows take part, which document a cluster keeps, and the annotation
 * columns.
 */
final class DedupColumns implements Serializable {
  private static final long serialVersionUID = 1L;

  final Param<String> inputCol;
  final Param<String> idCol;
  final Param<String> qualityCol;
  final Param<String> duplicateOfCol;
  final Param<String> clusterCol;
  final Param<String> clusterSizeCol;
  final Param<String> dropReasonCol;

  DedupColumns(Params owner) {
    inputCol =
        new Param<>(owner, "inputCol", "column holding the text (string)", Stages.nonBlank());
    idCol =
        new Param<>(
            owner,
            "idCol",
            "column naming each document (any orderable type, unique)",
            Stages.nonBlank());
    qualityCol =
        new Param<>(
            owner,
            "qualityCol",
            "numeric column; in a cluster the document with the highest value is kept (unset: the smallest id)",
            Stages.nonBlank());
    duplicateOfCol =
        new Param<>(
            owner,
            "duplicateOfCol",
            "output: id of the kept document, null when kept",
            Stages.nonBlank());
    clusterCol =
        new Param<>(
            owner,
            "clusterCol",
            "output: id of the document kept for the row's cluster",
            Stages.nonBlank());
    clusterSizeCol =
        new Param<>(
            owner,
            "clusterSizeCol",
            "output: number of documents in the row's cluster",
            Stages.nonBlank());
    dropReasonCol =
        new Param<>(
            owner,
            "dropReasonCol",
            "column naming why a document is dropped (string); set only where still null",
            Stages.nonBlank());
  }

  /** The defaults, for the owner's {@code setDefault} (which only the owner may call). */
  scala.collection.Seq<ParamPair<?>> defaults() {
    return new ParamMap()
        .put(inputCol, "text")
        .put(idCol, "id")
        .put(duplicateOfCol, "duplicate_of")
        .put(clusterCol, "dedup_cluster")
        .put(clusterSizeCol, "cluster_size")
        .put(dropReasonCol, "drop_reason")
        .toSeq();
  }

  /** How errors name a stage: its class and uid. */
  static String name(Params stage) {
    return stage.getClass().getSimpleName() + " " + stage.uid();
  }

  /**
   * Checks the columns a dedup stage reads (a string text column, an orderable id, a numeric
   * quality column when set) and returns the schema with the annotation columns: {@code
   * duplicateOfCol} and {@code clusterCol} typed as the id, {@code clusterSizeCol} a long, then
   * {@code dropReasonCol} when absent.
   */
  static StructType transformSchema(DedupParams<?> stage, StructType schema) {
    String name = name(stage);
    Stages.requireColumn(name, schema, stage.getInputCol(), DataTypes.StringType);
    List<String> names = Arrays.asList(schema.fieldNames());
    if (!names.contains(stage.getIdCol())) {
      throw Errors.badColumn(name, stage.getIdCol(), "does not exist; columns are " + names);
    }
    DataType id = schema.apply(stage.getIdCol()).dataType();
    if (!DataTypes.StringType.equals(id)
        && !(id instanceof NumericType)
        && !DataTypes.DateType.equals(id)
        && !DataTypes.TimestampType.equals(id)) {
      throw Errors.badColumn(
          name,
          stage.getIdCol(),
          "must be a string, number, date or timestamp but is " + id.simpleString());
    }
    String quality = stage.getQualityCol();
    if (quality != null) {
      if (!names.contains(quality)) {
        throw Errors.badColumn(name, quality, "does not exist; columns are " + names);
      }
      if (!(schema.apply(quality).dataType() instanceof NumericType)) {
        throw Errors.badColumn(
            name,
            quality,
            "must be numeric but is " + schema.apply(quality).dataType().simpleString());
      }
    }
    List<String> outputs =
        List.of(stage.getDuplicateOfCol(), stage.getClusterCol(), stage.getClusterSizeCol());
    StructType out = schema;
    for (int i = 0; i < outputs.size(); i++) {
      Stages.requireAbsent(name, schema, outputs.get(i));
      if (outputs.subList(0, i).contains(outputs.get(i))
          || outputs.get(i).equals(stage.getDropReasonCol())) {
        throw Errors.badColumn(name, outputs.get(i), "is named by two output params");
      }
      out = out.add(outputs.get(i), i < 2 ? id : DataTypes.LongType, true);
    }
    return FilterColumns.withReasonColumn(name, out, stage.getDropReasonCol());
  }

  /**
   * Rows that an earlier stage dropped: they are annotated as clusters of one and match nothing.
   */
  static Column alreadyDropped(DedupParams<?> stage, StructType schema) {
    return Arrays.asList(schema.fieldNames()).contains(stage.getDropReasonCol())
        ? Stages.column(stage.getDropReasonCol()).isNotNull()
        : lit(false);
  }

  /**
   * The order that puts the document to keep first in its cluster: highest quality, then smallest
   * id.
   */
  static List<Column> keepOrder(DedupParams<?> stage) {
    List<Column> order = new ArrayList<>();
    if (stage.getQualityCol() != null) {
      order.add(Stages.column(stage.getQualityCol()).desc_nulls_last());
    }
    order.add(Stages.column(stage.getIdCol()).asc_nulls_last());
    return order;
  }

  /**
   * {@code data} with the output columns, from its columns {@code keptCol} (the cluster's kept id,
   * null for a document alone) and {@code sizeCol} (null alone), which are then dropped; documents
   * that are not kept get {@code reason}.
   */
  static Dataset<Row> annotate(
      DedupParams<?> stage, Dataset<Row> data, String keptCol, String sizeCol, String reason) {
    Column id = Stages.column(stage.getIdCol());
    Column kept = Stages.column(keptCol);
    Column duplicate = when(kept.isNotNull().and(kept.notEqual(id).or(id.isNull())), kept);
    Dataset<Row> out =
        data.withColumn(stage.getDuplicateOfCol(), duplicate)
            .withColumn(stage.getClusterCol(), coalesce(kept, id))
            .withColumn(stage.getClusterSizeCol(), coalesce(Stages.column(sizeCol), lit(1L)))
            .drop(keptCol, sizeCol);
    Column reasonIfDuplicate =
        when(Stages.column(stage.getDuplicateOfCol()).isNotNull(), lit(reason));
    return FilterColumns.setReason(out, stage.getDropReasonCol(), reasonIfDuplicate);
  }
}
