package dev.corral.core.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;

/**
 * Counts a Delta table holds in its log: each data file's row count and null counts, which Delta
 * writes beside the file's path when it commits it. Reading them opens no data file, so a report
 * over a table of thousands of small files costs one pass over the log.
 */
public final class DeltaStats {
  private DeltaStats() {}

  /**
   * Rows and rows where {@code column} is null, per value of the partition columns {@code
   * partitionBy}: a table of the partition columns (strings, null for a null partition value), then
   * {@code rows} and {@code nulls}. Null when a file lacks either statistic (statistics collection
   * off, or {@code column} beyond the columns Delta indexes); the caller then counts from the data.
   */
  public static Dataset<Row> rowsByPartition(
      SparkSession spark, String path, List<String> partitionBy, String column) {
    List<Column> select = new ArrayList<>();
    for (String p : partitionBy) {
      select.add(col("partitionValues").getItem(p).as(p));
    }
    select.add(get_json_object(col("stats"), "$.numRecords").cast("long").as("rows"));
    select.add(get_json_object(col("stats"), "$.nullCount." + column).cast("long").as("nulls"));
    Dataset<Row> files =
        DeltaLog.forTable(spark, path)
            .update(false, scala.Option.empty(), scala.Option.empty())
            .allFiles()
            .toDF()
            .select(select.toArray(new Column[0]));
    long missing =
        files
            .agg(count(when(col("rows").isNull().or(col("nulls").isNull()), lit(1))))
            .first()
            .getLong(0);
    if (missing > 0) {
      return null;
    }
    Column[] keys = partitionBy.stream().map(p -> col(p)).toArray(Column[]::new);
    return files.groupBy(keys).agg(sum("rows").as("rows"), sum("nulls").as("nulls"));
  }
}
