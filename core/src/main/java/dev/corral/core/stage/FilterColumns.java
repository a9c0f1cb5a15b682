package dev.corral.core.stage;

import dev.corral.core.Errors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The column contract every heuristic filter shares: a string input column, annotation columns that
 * must not exist yet, and a {@code drop_reason} column that is added when absent and, when present,
 * keeps its value and takes the stage's reason only where it is still null. The row function
 * returns a struct whose fields are the annotations, in output order, followed by {@value #REASON}.
 */
public final class FilterColumns {
  /**
   * The struct field of the row function's result that holds the reason code, null when the row
   * passes.
   */
  public static final String REASON = "reason";

  private FilterColumns() {}

  /**
   * The row function's result type: {@code fields} (all nullable) then a nullable string reason.
   */
  public static StructType resultType(List<StructField> fields) {
    StructType type = new StructType();
    for (StructField f : fields) {
      type = type.add(f.name(), f.dataType(), true);
    }
    return type.add(REASON, DataTypes.StringType, true);
  }

  /**
   * Checks the contract and returns the output schema: the input columns (a present {@code
   * dropReasonCol} stays where it is), then {@code outputs[i]} typed like {@code result}'s i-th
   * field, then {@code dropReasonCol} when it was absent.
   */
  public static StructType transformSchema(
      String stage,
      StructType schema,
      String inputCol,
      String dropReasonCol,
      List<String> outputs,
      StructType result) {
    Stages.requireColumn(stage, schema, inputCol, DataTypes.StringType);
    boolean hasReason = Arrays.asList(schema.fieldNames()).contains(dropReasonCol);
    if (hasReason) {
      Stages.requireColumn(stage, schema, dropReasonCol, DataTypes.StringType);
    }
    for (int i = 0; i < outputs.size(); i++) {
      String name = outputs.get(i);
      Stages.requireAbsent(stage, schema, name);
      if (outputs.subList(0, i).contains(name) || name.equals(dropReasonCol)) {
        throw Errors.badColumn(stage, name, "is named by two output params");
      }
    }
    StructType out = schema;
    for (int i = 0; i < outputs.size(); i++) {
      out = out.add(outputs.get(i), result.fields()[i].dataType(), true);
    }
    return hasReason ? out : out.add(dropReasonCol, DataTypes.StringType, true);
  }

  /** Applies {@code rowFunction} once per row and spreads its struct over the output columns. */
  public static Dataset<Row> transform(
      Dataset<?> dataset,
      String uid,
      UserDefinedFunction rowFunction,
      String inputCol,
      String dropReasonCol,
      List<String> outputs,
      StructType result) {
    return transform(
        dataset, uid, rowFunction.apply(Stages.column(inputCol)), dropReasonCol, outputs, result);
  }

  /**
   * The same, for a row function already applied to its columns ({@code scored}: one that reads
   * more than the text, such as the page's language).
   */
  public static Dataset<Row> transform(
      Dataset<?> dataset,
      String uid,
      Column scoredColumn,
      String dropReasonCol,
      List<String> outputs,
      StructType result) {
    String scratch = "__corral_" + uid;
    Dataset<Row> scored = dataset.toDF().withColumn(scratch, scoredColumn);
    Column reason = Stages.column(scratch).getField(REASON);
    List<Column> columns = new ArrayList<>();
    boolean hasReason = false;
    for (String name : dataset.columns()) {
      if (name.equals(dropReasonCol)) {
        // The first stage that rejects a document names the reason; later stages only annotate it.
        columns.add(functions.coalesce(Stages.column(name), reason).as(name));
        hasReason = true;
      } else {
        columns.add(Stages.column(name));
      }
    }
    for (int i = 0; i < outputs.size(); i++) {
      columns.add(Stages.column(scratch).getField(result.fieldNames()[i]).as(outputs.get(i)));
    }
    if (!hasReason) {
      columns.add(reason.as(dropReasonCol));
    }
    // The row function is referenced by several fields, so the optimizer keeps it in its own
    // projection.
    return scored.select(columns.toArray(new Column[0]));
  }

  /**
   * The schema after a stage that may set {@code column}: added when absent, checked to be a string
   * when present.
   */
  public static StructType withReasonColumn(String stage, StructType schema, String column) {
    if (Arrays.asList(schema.fieldNames()).contains(column)) {
      Stages.requireColumn(stage, schema, column, DataTypes.StringType);
      return schema;
    }
    return schema.add(column, DataTypes.StringType, true);
  }

  /**
   * {@code data} with {@code column} set to {@code reason} (a nullable string) only where it is
   * still null.
   */
  public static Dataset<Row> setReason(Dataset<Row> data, String column, Column reason) {
    List<Column> columns = new ArrayList<>();
    boolean present = false;
    for (String name : data.columns()) {
      if (name.equals(column)) {
        columns.add(functions.coalesce(Stages.column(name), reason).as(name));
        present = true;
      } else {
        columns.add(Stages.column(name));
      }
    }
    if (!present) {
      columns.add(reason.cast(DataTypes.StringType).as(column));
    }
    return data.select(columns.toArray(new Column[0]));
  }
}
