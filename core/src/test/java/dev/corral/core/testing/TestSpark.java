package dev.corral.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The one way tests start Spark: a small local[2] session, no UI, few shuffle partitions. */
public final class TestSpark {
  /** Delta's and Corral's session extensions, in the order a user would list them. */
  public static final String EXTENSIONS =
      "io.delta.sql.DeltaSparkSessionExtension,dev.corral.curation.spark.CorralSparkExtensions";

  private TestSpark() {}

  /**
   * A fresh local[2] session for one test class, with {@code extra} settings on top of the test
   * defaults.
   */
  public static SparkSession start(String app, Map<String, String> extra) {
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[2]")
            .appName(app)
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            // Delta rebuilds table state in 50 tasks by default; test tables hold a few files.
            .config("spark.databricks.delta.snapshotPartitions", "2")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "localhost")
            .config("spark.sql.warehouse.dir", tempDir("warehouse").toString());
    extra.forEach(builder::config);
    return builder.getOrCreate();
  }

  /** A session with Delta and Corral's SQL extensions and Delta's catalog. */
  public static SparkSession startWithExtensions(String app) {
    return start(
        app,
        Map.of(
            "spark.sql.extensions", EXTENSIONS,
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog",
            // Delta rebuilds table state with a 50-partition shuffle, planned adaptively and then
            // validated;
            // tiny test tables need one partition and none of that, which halves each Delta read
            // and write.
            "spark.databricks.delta.snapshotPartitions", "1",
            "spark.databricks.delta.stateReconstructionValidation.enabled", "false",
            "spark.sql.adaptive.enabled", "false"));
  }

  /** Stops a session started here and forgets it, so the next class starts clean. */
  public static void stop(SparkSession spark) {
    if (spark != null) {
      spark.stop();
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /** Stops the active session, if any (one a job under test started), and forgets it. */
  public static void stopActive() {
    SparkSession active =
        SparkSession.getActiveSession().isDefined() ? SparkSession.getActiveSession().get() : null;
    stop(active);
  }

  /** The shared folder with assets and data ({@code corral.shared.dir}, set by the build). */
  public static Path sharedDir() {
    return Path.of(System.getProperty("corral.shared.dir", "../../shared"));
  }

  /** The fastText lid.176 model in the shared assets, the same file as the bundled one. */
  public static Path lidModel() {
    return sharedDir().resolve("assets/lid.176.ftz");
  }

  private static Path tempDir(String prefix) {
    try {
      Path dir = Files.createTempDirectory("corral-" + prefix);
      dir.toFile().deleteOnExit();
      return dir;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
