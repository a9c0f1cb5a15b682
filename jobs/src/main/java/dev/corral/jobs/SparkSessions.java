package dev.corral.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The one place the jobs build their SparkSession: spark-submit's settings win, else local[*]. */
final class SparkSessions {
  /**
   * Set by {@code ./corral} to whether stderr is a terminal; Spark's progress bar only makes sense
   * on one.
   */
  static final String STDERR_TTY = "corral.stderr.tty";

  private SparkSessions() {}

  static SparkSession create(String appName) {
    return create(appName, java.util.Map.of());
  }

  /** With {@code defaults} for keys spark-submit's settings do not give (FAIR scheduling, say). */
  static SparkSession create(String appName, java.util.Map<String, String> defaults) {
    SparkConf conf = new SparkConf(); // picks up spark.* system properties set by spark-submit
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    defaults.forEach((k, v) -> builder.config(k, conf.get(k, v)));
    if (!conf.contains("spark.master")) {
      // One machine: a few shuffle partitions and Delta snapshot partitions instead of the
      // cluster-sized 200 and 50.
      builder
          .master("local[*]")
          .config("spark.sql.shuffle.partitions", conf.get("spark.sql.shuffle.partitions", "8"))
          .config(
              "spark.databricks.delta.snapshotPartitions",
              conf.get("spark.databricks.delta.snapshotPartitions", "2"));
    }
    return builder
        .config(
            "spark.sql.extensions",
            String.join(
                ",",
                "io.delta.sql.DeltaSparkSessionExtension",
                "dev.corral.curation.spark.CorralSparkExtensions"))
        .config(
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config(
            "spark.ui.showConsoleProgress",
            conf.get("spark.ui.showConsoleProgress", System.getProperty(STDERR_TTY, "false")))
        .getOrCreate();
  }
}
