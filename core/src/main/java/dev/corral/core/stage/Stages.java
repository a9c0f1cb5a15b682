package dev.corral.core.stage;

import dev.corral.core.Errors;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.runtime.AbstractFunction1;

/**
 * What every Corral Spark ML stage written in Java shares: param validators that Spark can
 * serialize, and the column-contract checks that {@code transformSchema} runs before any data
 * moves.
 */
public final class Stages {
  private Stages() {}

  /** A validator for string params that must hold a non-blank value (column names, model URIs). */
  public static scala.Function1<String, Object> nonBlank() {
    return NonBlank.INSTANCE;
  }

  /** Fails unless {@code column} exists in {@code schema} with type {@code type}. */
  public static void requireColumn(String stage, StructType schema, String column, DataType type) {
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      throw Errors.badColumn(
          stage, column, "does not exist; columns are " + Arrays.toString(schema.fieldNames()));
    }
    DataType actual = schema.apply(column).dataType();
    if (!actual.equals(type)) {
      throw Errors.badColumn(
          stage,
          column,
          "must be of type " + type.simpleString() + " but is " + actual.simpleString());
    }
  }

  /**
   * Fails if an output {@code column} already exists, because stages add columns and never
   * overwrite.
   */
  public static void requireAbsent(String stage, StructType schema, String column) {
    if (Arrays.asList(schema.fieldNames()).contains(column)) {
      throw Errors.badColumn(stage, column, "already exists; choose another output column name");
    }
  }

  /** A reference to a top-level column by its exact name, even one with dots or backticks in it. */
  public static Column column(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }

  // A named class, not a lambda, so that Params holding it stay Java-serializable.
  private static final class NonBlank extends AbstractFunction1<String, Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    static final NonBlank INSTANCE = new NonBlank();

    @Override
    public Object apply(String value) {
      return value != null && !value.isBlank();
    }

    private Object readResolve() {
      return INSTANCE;
    }
  }
}
