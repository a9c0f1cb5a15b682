package dev.corral.core.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.corral.core.CorralConf;
import dev.corral.core.Errors;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Reads and writes the tables Corral jobs work on: JSON Lines (plain or {@code .gz}), Parquet and
 * Delta, on any Hadoop file system. Writes replace what is at the output path, so rerunning a job
 * gives the same table, never duplicated rows. {@link #writeRunInfo} records a run's resolved
 * config and stats beside its output, under {@code _corral/}, a folder Spark and Delta readers
 * skip.
 */
public final class Tables {
  /** Format names accepted by {@link #read} and {@link #write}. */
  public static final String DELTA = "delta";

  public static final String PARQUET = "parquet";
  public static final String JSON = "json";

  /**
   * Folder beside the data where run reports go; names starting with '_' are hidden from table
   * readers.
   */
  public static final String RUN_INFO_DIR = "_corral";

  private static final String ACCEPTED =
      "delta (a folder with _delta_log), parquet (*.parquet or a folder of"
          + " them), json (*.json, *.jsonl, *.json.gz, *.jsonl.gz or a folder of them)";

  /**
   * Top-level columns of long free text ({@code raw_content} is CCNet's), written without Parquet's
   * dictionary: a document's text almost never repeats, so the writer would fill a dictionary only
   * to abandon it.
   */
  public static final List<String> FREE_TEXT_COLUMNS = List.of("text", "raw_content");

  /** Parquet's per-column switch ({@code ParquetOutputFormat.ENABLE_DICTIONARY + "#" + column}). */
  private static final String NO_DICTIONARY_PREFIX = "parquet.enable.dictionary#";

  /** How deep partition folders are searched for data files when inferring a folder's format. */
  private static final int PARTITION_DEPTH = 4;

  private static final List<String> JSON_SUFFIXES =
      List.of(".json", ".jsonl", ".json.gz", ".jsonl.gz");

  private Tables() {}

  /**
   * Reads a table. {@code format} is {@code delta}, {@code parquet} or {@code json} ({@code jsonl}
   * is an alias); null infers it from the path: a folder holding {@code _delta_log} is Delta,
   * {@code *.parquet} or a folder of Parquet files is Parquet, {@code *.json(l)(.gz)} or a folder
   * of those is JSON Lines.
   */
  public static Dataset<Row> read(SparkSession spark, String path, String format) {
    String resolved = format == null ? inferFormat(spark, path) : normalize(format);
    return spark.read().format(resolved).load(path);
  }

  /**
   * {@link #read(SparkSession, String, String)} with malformed JSON Lines rows (not a JSON object,
   * invalid UTF-8) handled by {@code policy} instead of becoming rows of nulls; Parquet and Delta
   * have no such rows.
   */
  public static BadRows.Result read(
      SparkSession spark, String path, String format, BadRows.Policy policy) {
    return read(spark, List.of(path), format, policy);
  }

  /**
   * Several inputs of one format as one table: JSON Lines and Parquet read together, Delta tables
   * unioned by column name (a column one lacks is null there). Inputs of different formats are an
   * error naming both.
   */
  public static BadRows.Result read(
      SparkSession spark, List<String> paths, String format, BadRows.Policy policy) {
    String resolved = format == null ? inferFormat(spark, paths.get(0)) : normalize(format);
    for (String path : paths.subList(1, paths.size())) {
      String other = format == null ? inferFormat(spark, path) : resolved;
      if (!other.equals(resolved)) {
        throw Errors.badUsage(
            "--input " + path, "is " + other + " but " + paths.get(0) + " is " + resolved);
      }
    }
    if (resolved.equals(JSON)) {
      return BadRows.readJson(spark, paths, policy);
    }
    if (resolved.equals(DELTA)) {
      Dataset<Row> all = spark.read().format(DELTA).load(paths.get(0));
      for (String path : paths.subList(1, paths.size())) {
        all = all.unionByName(spark.read().format(DELTA).load(path), true);
      }
      return new BadRows.Result(all, BadRows.Found.none());
    }
    return new BadRows.Result(
        spark.read().format(resolved).load(paths.toArray(new String[0])), BadRows.Found.none());
  }

  /**
   * Writes a table in {@code format} ({@code delta} when null, or {@code parquet}, {@code json}),
   * replacing whatever the path held: a rerun replaces, never duplicates. A Delta overwrite may
   * change the schema, as a rerun of a changed pipeline needs.
   */
  public static void write(Dataset<Row> data, String path, String format) {
    write(data, path, format, new String[0]);
  }

  /**
   * {@link #write(Dataset, String, String)} into one folder per value of {@code partitionBy}
   * columns.
   */
  public static void write(Dataset<Row> data, String path, String format, String... partitionBy) {
    String resolved = format == null ? DELTA : normalize(format);
    var writer = data.write().format(resolved).mode(SaveMode.Overwrite).partitionBy(partitionBy);
    if (resolved.equals(DELTA)) {
      writer = writer.option("overwriteSchema", "true");
    } else if (resolved.equals(JSON)) {
      writer =
          writer.option(
              "ignoreNullFields",
              "false"); // every row keeps every column, so a reader sees them all
    }
    var save = writer;
    withParquetSettings(data, () -> save.save(path));
  }

  /**
   * Runs {@code write}, a Parquet or Delta write of {@code data}, with Parquet's dictionary off for
   * the {@link #FREE_TEXT_COLUMNS} it has; other columns are encoded as Parquet decides. The
   * setting goes into the session's conf for the write's duration, since Spark copies that conf
   * into the writer's Hadoop conf while Delta passes no writer option through to Parquet.
   */
  public static void withParquetSettings(Dataset<Row> data, Runnable write) {
    var conf = data.sparkSession().conf();
    Map<String, String> before = new LinkedHashMap<>();
    for (String column : data.columns()) {
      if (FREE_TEXT_COLUMNS.contains(column)) {
        String key = NO_DICTIONARY_PREFIX + column;
        before.put(key, conf.contains(key) ? conf.get(key) : null);
        conf.set(key, "false");
      }
    }
    try {
      write.run();
    } finally {
      before.forEach(
          (key, value) -> {
            if (value == null) {
              conf.unset(key);
            } else {
              conf.set(key, value);
            }
          });
    }
  }

  /**
   * The format {@link #read} would use for {@code path}; a path it cannot place is an error listing
   * the formats.
   */
  public static String inferFormat(SparkSession spark, String path) {
    // Case-sensitive like Hadoop's codec lookup, which only decompresses a lower-case ".gz".
    String name = path;
    if (name.endsWith(".parquet")) {
      return PARQUET;
    }
    if (isJsonName(name)) {
      return JSON;
    }
    Path dir = new Path(path);
    try {
      FileSystem fs = dir.getFileSystem(spark.sessionState().newHadoopConf());
      if (fs.exists(new Path(dir, "_delta_log"))) {
        return DELTA;
      }
      if (fs.getFileStatus(dir).isDirectory()) {
        String inFolder = formatOfFiles(fs, dir, 0);
        if (inFolder != null) {
          return inFolder;
        }
      }
    } catch (FileNotFoundException e) {
      throw Errors.unreadable(path, new NoSuchFileException(path));
    } catch (IOException e) {
      throw Errors.unreadable(path, e);
    }
    throw Errors.unknownTableFormat(path, ACCEPTED);
  }

  /**
   * Writes {@code <output>/_corral/<job>.json}: the job name, the caller's resolved settings, every
   * {@link CorralConf} key as the session resolves it, and the run's stats. Replaces an earlier
   * report.
   */
  public static void writeRunInfo(
      SparkSession spark, String output, String job, Map<String, ?> config, Map<String, ?> stats) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("job", job);
    report.put("output", output);
    report.put("spark_version", spark.version());
    report.put("config", config);
    report.put("corral_conf", CorralConf.resolved(spark));
    report.put("stats", stats);
    Path file = runInfoPath(output, job);
    try {
      FileSystem fs = file.getFileSystem(spark.sessionState().newHadoopConf());
      try (FSDataOutputStream out = fs.create(file, true)) {
        writeJson(out, report);
      }
    } catch (IOException e) {
      throw Errors.unwritable(file.toString(), e);
    }
  }

  /**
   * Writes a small file (a markdown report) to {@code <output>/_corral/<name>}, replacing an
   * earlier one.
   */
  public static void writeText(SparkSession spark, String output, String name, byte[] content) {
    Path file = new Path(new Path(output, RUN_INFO_DIR), name);
    try {
      FileSystem fs = file.getFileSystem(spark.sessionState().newHadoopConf());
      try (FSDataOutputStream out = fs.create(file, true)) {
        out.write(content);
      }
    } catch (IOException e) {
      throw Errors.unwritable(file.toString(), e);
    }
  }

  /** Where {@link #writeRunInfo} puts the report of {@code job} for {@code output}. */
  public static Path runInfoPath(String output, String job) {
    return new Path(new Path(output, RUN_INFO_DIR), job + ".json");
  }

  private static void writeJson(OutputStream out, Map<String, Object> report) throws IOException {
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
        .writeValue(out, report);
  }

  /**
   * {@code delta}, {@code parquet} or {@code json} for a format name a user gave ({@code jsonl} is
   * an alias).
   */
  public static String normalize(String format) {
    String f = format.trim().toLowerCase(Locale.ROOT);
    return switch (f) {
      case DELTA, PARQUET, JSON -> f;
      case "jsonl" -> JSON;
      default -> throw Errors.badArgument("table format", format, "one of delta, parquet, json");
    };
  }

  private static boolean isJsonName(String name) {
    return JSON_SUFFIXES.stream().anyMatch(name::endsWith);
  }

  /**
   * The format shared by the visible data files of a folder and of its visible subfolders
   * (partitions such as {@code language=en/}), up to {@link #PARTITION_DEPTH} levels; null when
   * there are none or they differ.
   */
  private static String formatOfFiles(FileSystem fs, Path dir, int depth) throws IOException {
    String found = null;
    for (FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue; // _SUCCESS, .crc files and run reports are not data
      }
      String format;
      if (f.isDirectory()) {
        format = depth < PARTITION_DEPTH ? formatOfFiles(fs, f.getPath(), depth + 1) : null;
      } else {
        format = name.endsWith(".parquet") ? PARQUET : isJsonName(name) ? JSON : null;
      }
      if (format == null || (found != null && !found.equals(format))) {
        return null;
      }
      found = format;
    }
    return found;
  }
}
