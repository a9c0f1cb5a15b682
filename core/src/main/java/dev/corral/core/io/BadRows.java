package dev.corral.core.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.Errors;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Malformed rows of a JSON Lines input: a line that is not a JSON object, or that is not valid
 * UTF-8. Spark's reader turns such a line into a row of nulls (its PERMISSIVE mode) or fails the
 * job on the first one (FAILFAST, without saying where); Corral instead finds them all, names the
 * first few as {@code file:line}, and either fails the job (the default) or skips and counts them,
 * per file, and keeps them for the run's records.
 */
public final class BadRows {
  /** What a job does with malformed input rows. */
  public enum Policy {
    /** Fail before processing, naming the first few rows and the total (the default). */
    FAIL,
    /**
     * Skip them, count them per file in the report and keep them under {@code _corral/bad-rows/}.
     */
    SKIP;

    /** {@code fail} or {@code skip}. */
    public static Policy parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw Errors.badArgument("--bad-rows", value, "fail or skip");
      }
    }
  }

  /**
   * The column Spark's JSON reader fills with a malformed line; never in a table Corral returns.
   */
  static final String CORRUPT = "_corrupt_record";

  private static final String FILE = "__corral_file";
  private static final int NAMED = 5;

  /**
   * What a read found.
   *
   * @param count malformed rows in all files
   * @param perFile malformed rows per file, most first
   * @param first up to five of them as {@code file:line}
   * @param records the malformed rows ({@code file}, {@code record}) to keep with the run, null
   *     when none
   */
  public record Found(
      long count, Map<String, Long> perFile, List<String> first, Dataset<Row> records) {
    public static Found none() {
      return new Found(0, Map.of(), List.of(), null);
    }
  }

  /** The clean rows of a JSON Lines read and what was malformed. */
  public record Result(Dataset<Row> rows, Found bad) {}

  private BadRows() {}

  /**
   * Reads JSON Lines at {@code paths}, separating malformed rows; under {@link Policy#FAIL} any of
   * them is an error.
   */
  static Result readJson(SparkSession spark, List<String> paths, Policy policy) {
    Dataset<Row> raw =
        spark
            .read()
            .format("json")
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT)
            .load(paths.toArray(new String[0]));
    if (!Arrays.asList(raw.columns()).contains(CORRUPT)) {
      return new Result(
          raw, Found.none()); // schema inference read every line and found none malformed
    }
    // Spark refuses a query of a raw JSON file that needs only the corrupt-record column: the count
    // of another
    // column makes the query read it too. A file of nothing but malformed lines has no other
    // column: it is read
    // once onto local disk instead.
    List<String> others = Arrays.stream(raw.columns()).filter(c -> !c.equals(CORRUPT)).toList();
    Dataset<Row> source =
        others.isEmpty() ? raw.persist(org.apache.spark.storage.StorageLevel.DISK_ONLY()) : raw;
    Dataset<Row> tagged = source.withColumn(FILE, col("_metadata.file_path"));
    Dataset<Row> bad = tagged.where(col(CORRUPT).isNotNull());
    Map<String, Long> perFile = new LinkedHashMap<>();
    long total = 0;
    org.apache.spark.sql.Column also =
        others.isEmpty() ? count("*") : count(col("`" + others.get(0) + "`"));
    for (Row r :
        bad.groupBy(FILE)
            .agg(count("*").as("n"), also.as("other"))
            .orderBy(col("n").desc(), col(FILE))
            .collectAsList()) {
      perFile.put(r.getString(0), r.getLong(1));
      total += r.getLong(1);
    }
    if (total == 0) {
      return new Result(raw.drop(CORRUPT), Found.none());
    }
    List<String> first = new ArrayList<>();
    for (String file : perFile.keySet()) {
      if (first.size() < NAMED) {
        first.addAll(firstBadLines(spark, file, NAMED - first.size()));
      }
    }
    if (policy == Policy.FAIL) {
      throw Errors.badRows(total, first);
    }
    // Parsed once onto local disk, where Spark lets the malformed rows and the clean ones be read
    // apart.
    Dataset<Row> parsed = tagged.persist(org.apache.spark.storage.StorageLevel.DISK_ONLY());
    Dataset<Row> records =
        parsed
            .where(col(CORRUPT).isNotNull())
            .select(col(FILE).as("file"), col(CORRUPT).as("record"));
    Dataset<Row> clean = parsed.where(col(CORRUPT).isNull()).drop(CORRUPT, FILE);
    return new Result(clean, new Found(total, perFile, first, records));
  }

  /**
   * {@code file:line} of the first {@code limit} malformed lines of one file, found by reading it
   * on the driver (only when Spark said it has some, so a clean input costs nothing) with the test
   * Spark's reader applies.
   */
  private static List<String> firstBadLines(SparkSession spark, String file, int limit) {
    List<String> out = new ArrayList<>();
    Path p = new Path(file);
    try {
      FileSystem fs = p.getFileSystem(spark.sessionState().newHadoopConf());
      CompressionCodec codec = new CompressionCodecFactory(fs.getConf()).getCodec(p);
      try (InputStream raw = fs.open(p);
          InputStream in =
              new BufferedInputStream(codec == null ? raw : codec.createInputStream(raw))) {
        ObjectMapper json = new ObjectMapper();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long number = 0;
        int b;
        boolean more = true;
        while (more && out.size() < limit) {
          line.reset();
          while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
          }
          more = b != -1;
          if (!more && line.size() == 0) {
            break;
          }
          number++;
          if (!isJsonObjectLine(json, line.toByteArray())) {
            out.add(file + ":" + number);
          }
        }
      }
    } catch (IOException e) {
      throw Errors.unreadable(file, e);
    }
    if (out.isEmpty()) {
      out.add(
          file); // Spark saw a row it could not read that no single line explains (e.g. an array)
    }
    return out;
  }

  /**
   * Blank lines are skipped by Spark, like a JSON Lines reader; anything else must be a UTF-8 JSON
   * object.
   */
  private static boolean isJsonObjectLine(ObjectMapper json, byte[] bytes) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      if (text.isBlank()) {
        return true;
      }
      try (JsonParser parser = json.getFactory().createParser(text)) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          return false;
        }
        parser.skipChildren();
        return parser.nextToken() == null;
      }
    } catch (CharacterCodingException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }
}
