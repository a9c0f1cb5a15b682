package dev.corral.core.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.CorralException;
import dev.corral.core.testing.TestSpark;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TablesTest {
  private static final StructType SCHEMA =
      new StructType().add("id", DataTypes.LongType).add("text", DataTypes.StringType);
  private static SparkSession spark;
  private static Dataset<Row> docs;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = TestSpark.startWithExtensions("TablesTest");
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 50; i++) {
      rows.add(RowFactory.create(i, i % 7 == 0 ? null : "doc " + i + " \"quoted\"\nsecond line"));
    }
    docs = spark.createDataFrame(rows, SCHEMA);
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  private static List<Row> sorted(Dataset<Row> ds) {
    return ds.select("id", "text").orderBy("id").collectAsList();
  }

  @Test
  void roundTripsEveryFormatAndARerunReplaces() {
    List<Row> expected = sorted(docs);
    for (String format : new String[] {"delta", "parquet", "json"}) {
      String path = tmp.resolve(format).toString();
      Tables.write(docs, path, format);
      Tables.write(docs, path, format); // the rerun
      assertEquals(format, Tables.inferFormat(spark, path), format);
      Dataset<Row> back = Tables.read(spark, path, null);
      assertEquals(50, back.count(), format + " rerun must not duplicate rows");
      assertEquals(expected, sorted(back), format);
      assertEquals(
          expected,
          sorted(Tables.read(spark, path, format.toUpperCase(java.util.Locale.ROOT))),
          format);
    }
  }

  @Test
  void theTextColumnIsWrittenWithoutADictionaryOtherColumnsKeepTheirs() throws Exception {
    // few distinct values in both columns, so Parquet would keep a dictionary for each
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 400; i++) {
      rows.add(RowFactory.create(i % 3, "a repeated document, number " + i % 5));
    }
    for (String column : Tables.FREE_TEXT_COLUMNS) {
      Dataset<Row> repeated =
          spark.createDataFrame(rows, SCHEMA).withColumnRenamed("text", column).coalesce(1);
      for (String format : new String[] {"delta", "parquet"}) {
        assertNoDictionary(repeated, column, format);
      }
    }
  }

  private void assertNoDictionary(Dataset<Row> repeated, String column, String format)
      throws Exception {
    String path = tmp.resolve("dict-" + column + "-" + format).toString();
    Tables.write(repeated, path, format);
    List<Path> files;
    try (var walk = Files.walk(Path.of(path))) {
      files = walk.filter(f -> f.toString().endsWith(".parquet")).toList();
    }
    assertEquals(1, files.size(), format + ": " + files);
    Map<String, ColumnChunkMetaData> chunks = new java.util.HashMap<>();
    var input =
        HadoopInputFile.fromPath(
            new org.apache.hadoop.fs.Path(files.get(0).toUri()),
            new org.apache.hadoop.conf.Configuration());
    try (ParquetFileReader reader = ParquetFileReader.open(input)) {
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData chunk : block.getColumns()) {
          chunks.put(chunk.getPath().toDotString(), chunk);
        }
      }
    }
    assertEquals(Set.of("id", column), chunks.keySet(), format);
    ColumnChunkMetaData text = chunks.get(column);
    assertFalse(text.hasDictionaryPage(), format + ": text has a dictionary page");
    assertFalse(
        text.getEncodings().stream().anyMatch(Encoding::usesDictionary),
        format + ": " + text.getEncodings());
    assertTrue(chunks.get("id").hasDictionaryPage(), format + ": id lost its dictionary");
  }

  @Test
  void deltaIsTheDefaultAndAnOverwriteMayChangeTheSchema() {
    String path = tmp.resolve("out").toString();
    Tables.write(docs, path, null);
    assertTrue(Files.isDirectory(tmp.resolve("out/_delta_log")));
    Tables.write(docs.withColumn("language", docs.col("text").substr(0, 2)).limit(10), path, null);
    Dataset<Row> back = Tables.read(spark, path, null);
    assertEquals(10, back.count());
    assertEquals(3, back.columns().length);
  }

  @Test
  void readsJsonLinesFilesPlainAndGzipped() throws Exception {
    String lines =
        "{\"id\": 1, \"text\": \"one\"}\n{\"id\": 2, \"text\": \"two\\nlines\"}\n{\"id\": 3}\n";
    Path plain = tmp.resolve("docs.jsonl");
    Files.writeString(plain, lines);
    Path gz = tmp.resolve("docs.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(lines.getBytes(StandardCharsets.UTF_8));
    }
    Path json = tmp.resolve("docs.json.gz");
    Files.copy(gz, json);
    List<Row> expected =
        List.of(
            RowFactory.create(1L, "one"),
            RowFactory.create(2L, "two\nlines"),
            RowFactory.create(3L, null));
    for (Path p : List.of(plain, gz, json)) {
      assertEquals("json", Tables.inferFormat(spark, p.toString()), p.toString());
      assertEquals(expected, sorted(Tables.read(spark, p.toString(), null)), p.toString());
    }
    assertEquals(expected, sorted(Tables.read(spark, plain.toString(), "jsonl")));
  }

  @Test
  void infersParquetFromAFileAndFromPartitionFolders() {
    String path = tmp.resolve("parts").toString();
    docs.withColumn("bucket", docs.col("id").mod(2)).write().partitionBy("bucket").parquet(path);
    assertEquals("parquet", Tables.inferFormat(spark, path));
    assertEquals(50, Tables.read(spark, path, null).count());
    String single = tmp.resolve("single").toString();
    docs.coalesce(1).write().parquet(single);
    Path file =
        Arrays.stream(tmp.resolve("single").toFile().listFiles())
            .filter(f -> f.getName().endsWith(".parquet"))
            .findFirst()
            .orElseThrow()
            .toPath();
    assertEquals(50, Tables.read(spark, file.toString(), null).count());
  }

  @Test
  void unknownFormatsAndMissingPathsAreClearErrors() throws Exception {
    Path text = Files.createDirectories(tmp.resolve("texts"));
    Files.writeString(text.resolve("a.txt"), "hello");
    CorralException unknown =
        assertThrows(CorralException.class, () -> Tables.read(spark, text.toString(), null));
    assertTrue(
        unknown
            .getMessage()
            .startsWith(text + ": cannot tell the table format from the path; accepted: delta"),
        unknown.getMessage());
    assertTrue(
        unknown.getMessage().contains("parquet") && unknown.getMessage().contains("*.jsonl.gz"));
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThrows(CorralException.class, () -> Tables.inferFormat(spark, empty.toString()));
    String missing = tmp.resolve("missing").toString();
    CorralException none =
        assertThrows(CorralException.class, () -> Tables.read(spark, missing, null));
    assertEquals(missing + ": cannot read: no such file", none.getMessage());
    CorralException badFormat =
        assertThrows(CorralException.class, () -> Tables.write(docs, missing, "csv"));
    assertEquals(
        "invalid table format 'csv': expected one of delta, parquet, json", badFormat.getMessage());
  }

  @Test
  void runInfoSitsBesideTheOutputWithoutBecomingData() throws Exception {
    for (String format : new String[] {"delta", "parquet", "json"}) {
      String out = tmp.resolve("run-" + format).toString();
      Tables.write(docs, out, format);
      Tables.writeRunInfo(spark, out, "langid", Map.of("format", format), Map.of("rows_in", 1L));
      Tables.writeRunInfo(
          spark, out, "langid", Map.of("format", format), Map.of("rows_in", 50L, "rows_out", 50L));
      Path report = tmp.resolve("run-" + format + "/_corral/langid.json");
      assertEquals(Tables.runInfoPath(out, "langid").toUri().getPath(), report.toString());
      JsonNode json = new ObjectMapper().readTree(report.toFile());
      assertEquals("langid", json.get("job").asText());
      assertEquals(format, json.get("config").get("format").asText());
      assertEquals(50, json.get("stats").get("rows_in").asLong());
      assertEquals(0.5, json.get("corral_conf").get("spark.corral.langid.minScore").asDouble());
      assertEquals(spark.version(), json.get("spark_version").asText());
      assertEquals(format, Tables.inferFormat(spark, out));
      assertEquals(
          50,
          Tables.read(spark, out, null).count(),
          format + ": the report must not be read as data");
    }
  }

  /** 60 rows over 6 partitions (one with a null value), written by 2 tasks, some reasons null. */
  private static Dataset<Row> partitionedRows() {
    return spark
        .range(60)
        .selectExpr(
            "CASE WHEN id % 6 = 5 THEN NULL ELSE CAST(id % 3 AS STRING) END AS language",
            "IF(id % 2 = 0, 'a', 'b') AS bucket",
            "IF(id % 5 = 0, 'too_short', NULL) AS drop_reason")
        .repartition(2);
  }

  /** {@link DeltaStats}: counts from the log's file statistics equal the rows' counts. */
  @Test
  void deltaStatsCountRowsAndNullsPerPartitionFromTheLog() {
    String path = tmp.resolve("t").toString();
    Tables.write(partitionedRows(), path, Tables.DELTA, "language", "bucket");
    Dataset<Row> stats =
        DeltaStats.rowsByPartition(spark, path, List.of("language", "bucket"), "drop_reason");
    Dataset<Row> counted =
        spark
            .read()
            .format("delta")
            .load(path)
            .groupBy("language", "bucket")
            .agg(count("*").as("rows"), sum(col("drop_reason").isNull().cast("long")).as("nulls"));
    List<Row> expected = counted.orderBy("language", "bucket").collectAsList();
    assertEquals(6, expected.size());
    assertEquals(expected, stats.orderBy("language", "bucket").collectAsList());
  }

  @Test
  void deltaStatsOfALogWithoutStatisticsAreNull() {
    String path = tmp.resolve("nostats").toString();
    spark.conf().set("spark.databricks.delta.stats.collect", "false");
    try {
      Tables.write(partitionedRows(), path, Tables.DELTA, "language", "bucket");
    } finally {
      spark.conf().unset("spark.databricks.delta.stats.collect");
    }
    assertNull(
        DeltaStats.rowsByPartition(spark, path, List.of("language", "bucket"), "drop_reason"));
  }
}
