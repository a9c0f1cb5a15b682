package dev.corral.core.job;

import dev.corral.core.io.Fingerprint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** What a running job's reader and report see: the session, the job, its inputs' fingerprints, and its stats. */
public final class JobContext {
  private final SparkSession spark;
  private final Job job;
  private final List<Fingerprint> inputs;
  private final Map<String, Object> stats = new LinkedHashMap<>();

  JobContext(SparkSession spark, Job job, List<Fingerprint> inputs) {
    this.spark = spark;
    this.job = job;
    this.inputs = inputs;
  }

  public SparkSession spark() {
    return spark;
  }

  public Job job() {
    return job;
  }

  /** The inputs as they were when the job started. */
  public List<Fingerprint> inputs() {
    return inputs;
  }

  /** Counts a reader adds (documents read, malformed records), in the run record beside the report's. */
  public Map<String, Object> stats() {
    return stats;
  }
}
