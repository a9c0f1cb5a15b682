package dev.corral.curation.mixture;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdOutputStream;
import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Writes a mixture as {@code shards} globally shuffled shards with stable names ({@code
 * shard-00000.parquet}, {@code shard-00000.jsonl.zst}). Each row's place comes from a hash of
 * (seed, source, id, copy): its shard is that hash modulo the shard count and rows are sorted by it
 * inside the shard, so the same config and seed write byte-identical files however Spark
 * partitions.
 */
final class ShardWriter {
  static final MessageType SCHEMA =
      MessageTypeParser.parseMessageType(
          "message mixture {"
              + " required binary text (STRING); required binary source (STRING);"
              + " required int64 num_tokens; required binary id (STRING); }");

  private ShardWriter() {}

  /** What one shard file holds. */
  record Shard(
      int shard,
      String format,
      String file,
      long docs,
      long tokens,
      long bytes,
      String sha256,
      Map<String, long[]> sources)
      implements Serializable {}

  static List<Shard> write(
      Dataset<Row> mixture, long seed, int shards, List<String> formats, String output) {
    JavaPairRDD<Long, Row> keyed =
        mixture
            .select(
                xxhash64(lit(seed), col("source"), col("id"), col("copy")).as("_k"),
                col("text"),
                col("source"),
                col("num_tokens"),
                col("id"))
            .javaRDD()
            .mapToPair(r -> new Tuple2<>(r.getLong(0), r));
    List<String> fmts = List.copyOf(formats);
    return keyed
        .repartitionAndSortWithinPartitions(new ByKey(shards))
        .mapPartitionsWithIndex(
            (index, rows) -> writeShard(index, rows, fmts, output).iterator(), false)
        .collect();
  }

  private static List<Shard> writeShard(
      int index, Iterator<Tuple2<Long, Row>> rows, List<String> formats, String output)
      throws IOException {
    Configuration conf = HadoopFs.configuration();
    String name = String.format("shard-%05d", index);
    Path parquetPath = new Path(output, name + ".parquet");
    Path jsonPath = new Path(output, name + ".jsonl.zst");
    FileSystem fs = parquetPath.getFileSystem(conf);
    ParquetWriter<Group> parquet =
        formats.contains("parquet")
            ? ExampleParquetWriter.builder(HadoopOutputFile.fromPath(parquetPath, conf))
                .withType(SCHEMA)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withConf(conf)
                .build()
            : null;
    MessageDigest jsonDigest = sha256();
    OutputStream json =
        formats.contains("jsonl.zst")
            ? new ZstdOutputStream(new DigestOutputStream(fs.create(jsonPath, true), jsonDigest), 3)
            : null;
    JsonGenerator generator =
        json == null
            ? null
            : new ObjectMapper()
                .getFactory()
                .createGenerator(json)
                .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    Map<String, long[]> sources = new TreeMap<>();
    long docs = 0;
    long tokens = 0;
    long bytes = 0;
    while (rows.hasNext()) {
      Row r = rows.next()._2();
      String text = r.getString(1);
      String source = r.getString(2);
      long n = r.getLong(3);
      String id = r.getString(4);
      long size = text.getBytes(StandardCharsets.UTF_8).length;
      if (parquet != null) {
        parquet.write(
            groups
                .newGroup()
                .append("text", text)
                .append("source", source)
                .append("num_tokens", n)
                .append("id", id));
      }
      if (generator != null) {
        generator.writeStartObject();
        generator.writeStringField("text", text);
        generator.writeStringField("source", source);
        generator.writeNumberField("num_tokens", n);
        generator.writeStringField("id", id);
        generator.writeEndObject();
        generator.writeRaw('\n');
      }
      long[] s = sources.computeIfAbsent(source, k -> new long[3]);
      s[0]++;
      s[1] += n;
      s[2] += size;
      docs++;
      tokens += n;
      bytes += size;
    }
    List<Shard> written = new ArrayList<>();
    if (parquet != null) {
      parquet.close();
      written.add(
          new Shard(
              index,
              "parquet",
              parquetPath.getName(),
              docs,
              tokens,
              bytes,
              digest(fs, parquetPath),
              sources));
    }
    if (generator != null) {
      generator.close();
      json.close();
      written.add(
          new Shard(
              index,
              "jsonl.zst",
              jsonPath.getName(),
              docs,
              tokens,
              bytes,
              HexFormat.of().formatHex(jsonDigest.digest()),
              sources));
    }
    return written;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String digest(FileSystem fs, Path path) throws IOException {
    MessageDigest d = sha256();
    try (InputStream in = fs.open(path)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  /**
   * Removes shard files of an earlier run with more shards, so a rerun leaves exactly this run's
   * files.
   */
  static void removeStale(String output, int shards, Configuration conf) {
    Path dir = new Path(output);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return;
      }
      for (var status : fs.listStatus(dir)) {
        String name = status.getPath().getName();
        if (name.matches("shard-\\d{5}\\..*")
            && Integer.parseInt(name.substring(6, 11)) >= shards) {
          fs.delete(status.getPath(), false);
        }
      }
    } catch (IOException e) {
      throw Errors.unreadable(output, e);
    }
  }

  /** Rows go to the shard their key names; Spark then sorts each shard by the key. */
  static final class ByKey extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int shards;

    ByKey(int shards) {
      this.shards = shards;
    }

    @Override
    public int numPartitions() {
      return shards;
    }

    @Override
    public int getPartition(Object key) {
      return (int) Math.floorMod((Long) key, (long) shards);
    }
  }
}
