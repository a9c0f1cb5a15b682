package dev.corral.core.job;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.corral.core.CorralConf;
import dev.corral.core.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.SparkSession;

/**
 * The record a job leaves beside its output, {@code <output>/_corral/<job>.json}: generated from
 * the job's declaration and what ran, never written by hand, so that someone who did not run the
 * job can tell what went in, with which settings, what came out and why rows were dropped, and run
 * it again.
 */
public final class RunRecord {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private RunRecord() {}

  /**
   * Every param of {@code stage} with the value it runs with (set or default) as a JSON value, null
   * for a param that is neither.
   */
  public static Map<String, Object> params(PipelineStage stage) {
    Map<String, Object> out = new java.util.TreeMap<>();
    for (org.apache.spark.ml.param.Param<?> p : stage.params()) {
      @SuppressWarnings("unchecked")
      org.apache.spark.ml.param.Param<Object> param = (org.apache.spark.ml.param.Param<Object>) p;
      if (!stage.isDefined(param)) {
        out.put(
            param.name(),
            null); // unset and without a default: the stage decides (documented in its doc)
        continue;
      }
      Object value = stage.getOrDefault(param);
      try {
        out.put(param.name(), JSON.readTree(param.jsonEncode(value)));
      } catch (IOException | RuntimeException e) {
        out.put(param.name(), String.valueOf(value));
      }
    }
    return out;
  }

  /**
   * For every param of {@code stage} that runs with its default, the param's doc, which says where
   * the default comes from (a paper's table or section, a reference implementation's file): the
   * record cites the source of each threshold a run did not choose.
   */
  public static Map<String, String> defaultsCited(PipelineStage stage) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (org.apache.spark.ml.param.Param<?> p : stage.params()) {
      if (stage.hasDefault(p) && !stage.isSet(p)) {
        out.put(p.name(), p.doc());
      }
    }
    return out;
  }

  /**
   * The keys every record starts with: which Corral and Spark ran, and the resolved {@code
   * spark.corral.*} keys.
   */
  static Map<String, Object> header(SparkSession spark, String job, String runId) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("job", job);
    record.put("run_id", runId);
    Map<String, Object> corral = new LinkedHashMap<>();
    corral.put("version", Build.version());
    corral.put("commit", Build.commit());
    record.put("corral", corral);
    record.put("spark_version", spark.version());
    record.put("corral_conf", CorralConf.resolved(spark));
    return record;
  }

  static void write(FileSystem fs, Path file, Map<String, Object> record) {
    try (OutputStream out = fs.create(file, true)) {
      JSON.writeValue(out, record);
    } catch (IOException e) {
      throw Errors.unwritable(file.toString(), e);
    }
  }

  /** The record of {@code job} in the output folder {@code output}, if a complete run left one. */
  public static Optional<JsonNode> read(FileSystem fs, Path output, String job) {
    Path file = new Path(new Path(output, OutputFolder.RECORDS), job + ".json");
    try {
      if (!fs.exists(file)) {
        return Optional.empty();
      }
      try (InputStream in = fs.open(file)) {
        return Optional.of(JSON.readTree(in));
      }
    } catch (IOException e) {
      return Optional.empty(); // an unreadable record is treated as none: the job runs again
    }
  }

  /**
   * The drop reasons the records in the folder {@code input} counted (a table a Corral job wrote);
   * none for any other input, or one whose records cannot be read.
   */
  static Set<String> dropReasons(SparkSession spark, String input) {
    Set<String> reasons = new TreeSet<>();
    Path records = new Path(new Path(input), OutputFolder.RECORDS);
    try {
      FileSystem fs = records.getFileSystem(spark.sessionState().newHadoopConf());
      if (!fs.isDirectory(records)) {
        return reasons;
      }
      for (FileStatus f : fs.listStatus(records, p -> p.getName().endsWith(".json"))) {
        try (InputStream in = fs.open(f.getPath())) {
          JSON.readTree(in).path("drop_reasons").fieldNames().forEachRemaining(reasons::add);
        }
      }
    } catch (IOException | RuntimeException e) {
      return reasons; // only a hint: an unlisted reason makes the report read the table instead
    }
    reasons.remove("(kept)"); // rows without a reason
    return reasons;
  }
}
