package dev.corral.core.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import dev.corral.core.Errors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Document ids for jobs that need one row per id (dedup, mixtures, joins back to the source): a
 * check that a given id column is unique, and stable ids derived from content and source where the
 * input has none.
 */
public final class Ids {
  private static final String KEY = "__corral_id_key";
  private static final int EXAMPLES = 3;

  private Ids() {}

  /**
   * Fails, naming a few repeated values with their counts, unless {@code column} is unique (one
   * aggregation).
   */
  public static void requireUnique(Dataset<Row> rows, String column) {
    if (!Arrays.asList(rows.columns()).contains(column)) {
      throw Errors.badUsage(
          "--id-column " + column,
          "no such column; columns are " + Arrays.toString(rows.columns()));
    }
    Dataset<Row> repeated =
        rows.groupBy(col("`" + column + "`")).agg(count("*").as("n")).where(col("n").gt(1)).cache();
    try {
      long total = repeated.count();
      if (total > 0) {
        List<String> examples = new ArrayList<>();
        for (Row r : repeated.orderBy(col("n").desc()).limit(EXAMPLES).collectAsList()) {
          examples.add("'" + r.get(0) + "' (" + r.getLong(1) + " rows)");
        }
        throw Errors.duplicateIds(column, total, examples);
      }
    } finally {
      repeated.unpersist();
    }
  }

  /**
   * {@code rows} with a string column {@code column} that names each row by its content and where
   * it came from: the first 16 hex digits of SHA-256 over {@code source} and the row's JSON, and
   * for a row that occurs more than once in the same source, {@code -1}, {@code -2}, ... on its
   * later copies (identical rows are interchangeable, so which copy gets which suffix does not
   * matter). Reruns give the same ids whatever the partitioning, which a row counter cannot
   * promise.
   */
  public static Dataset<Row> derive(Dataset<Row> rows, String column, String source) {
    if (Arrays.asList(rows.columns()).contains(column)) {
      throw Errors.badUsage(
          "--id-column",
          "not given, but the input already has a column '"
              + column
              + "'; name it with --id-column "
              + column);
    }
    Column[] all =
        Arrays.stream(rows.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new);
    Column key = substring(sha2(concat(lit(source + "\u0000"), to_json(struct(all))), 256), 1, 16);
    Column copy = row_number().over(Window.partitionBy(col(KEY)).orderBy(col(KEY))).minus(1);
    return rows.withColumn(KEY, key)
        .withColumn(
            column,
            when(copy.equalTo(0), col(KEY))
                .otherwise(concat(col(KEY), lit("-"), copy.cast("string"))))
        .drop(KEY);
  }
}
