package dev.corral.curation.mixture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.corral.core.testing.SparkMlContract;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.models.ExecutorTokenizers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token counts, sampling by epochs and by budget, deterministic shards, manifest and report. */
class MixtureBuilderTest {
  static SparkSession spark;
  static Path sources;

  @TempDir Path tmp;

  @BeforeAll
  static void curatedSources(@TempDir Path dir) throws Exception {
    spark = TestSpark.start("MixtureBuilderTest", Map.of());
    sources = dir;
    List<String> udhr =
        Files.readAllLines(
            Path.of(System.getProperty("corral.shared.dir"), "data/udhr-dev.tsv"),
            StandardCharsets.UTF_8);
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType)
            .add("text", DataTypes.StringType)
            .add("drop_reason", DataTypes.StringType);
    // Three "sources" of different sizes; one has documents a curation stage dropped.
    for (String[] s :
        new String[][] {
          {"web", "0", "6000"}, {"wiki", "6000", "9000"}, {"books", "9000", "10451"}
        }) {
      List<Row> rows = new ArrayList<>();
      for (int i = Integer.parseInt(s[1]); i < Integer.parseInt(s[2]); i++) {
        String reason = s[0].equals("web") && i % 10 == 0 ? "low_quality" : null;
        rows.add(RowFactory.create(s[0] + "-" + i, udhr.get(i).split("\t")[2], reason));
      }
      spark.createDataFrame(rows, schema).write().parquet(dir.resolve(s[0]).toString());
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private Path config(String head, String output) throws Exception {
    Path p = tmp.resolve("mixture.yaml");
    Files.writeString(
        p,
        head
            + "\noutput: {path: "
            + output
            + ", shards: 3, formats: [parquet, jsonl.zst]}\n"
            + "sources:\n"
            + "  - {name: web, path: "
            + sources.resolve("web")
            + ", format: parquet, id_column: id, proportion: 0.6, epochs: 0.5}\n"
            + "  - {name: wiki, path: "
            + sources.resolve("wiki")
            + ", format: parquet, id_column: id, proportion: 0.3, epochs: 2.45}\n"
            + "  - {name: books, path: "
            + sources.resolve("books")
            + ", format: parquet, proportion: 0.1, epochs: 1}\n");
    return p;
  }

  @Test
  void tokenCountsEqualTheTokenizersOwnEncode() {
    HuggingFaceTokenizer tokenizer = ExecutorTokenizers.get(ExecutorTokenizers.LLAMA);
    assertEquals(11, tokenizer.encode("Hello world, this is 2026!").getIds().length);
    Dataset<Row> docs =
        spark
            .read()
            .parquet(sources.resolve("books").toString())
            .limit(300)
            .union(
                spark.createDataFrame(
                    List.of(RowFactory.create("null", null, null)),
                    spark.read().parquet(sources.resolve("books").toString()).schema()));
    List<Row> counted = new TokenCounter().setBatchSize(64).transform(docs).collectAsList();
    assertEquals(301, counted.size());
    for (Row r : counted) {
      String text = r.getAs("text");
      if (text == null) {
        assertNull(r.getAs("num_tokens"));
      } else {
        assertEquals(
            tokenizer.encode(text).getIds().length, r.<Long>getAs("num_tokens").intValue(), text);
      }
    }
    SparkMlContract.checkParams(new TokenCounter());
  }

  @Test
  void epochsRepeatEveryDocumentAndSampleTheRest() throws Exception {
    Path out = tmp.resolve("epochs");
    MixtureBuilder.Result r =
        MixtureBuilder.build(
            spark,
            MixtureConfig.read(config("use_epochs: true\nseed: 7", out.toString())),
            out.toString());
    for (MixtureBuilder.SourceResult s : r.sources()) {
      double epochs = (double) s.sampledTokens() / s.availableTokens();
      // Within one document of the target: documents here are a few hundred tokens.
      assertEquals(s.epochs(), epochs, 2000.0 / s.availableTokens(), s.name());
    }
    MixtureBuilder.SourceResult wiki = r.sources().get(1);
    Dataset<Row> shards = spark.read().parquet(out.resolve("shard-0000*.parquet").toString());
    // 2.45 epochs: every wiki document at least twice, some three times, none more.
    List<Row> copies =
        shards
            .filter("source = 'wiki'")
            .groupBy("id")
            .count()
            .agg(functions.min("count"), functions.max("count"), functions.count("*"))
            .collectAsList();
    assertEquals(2L, copies.get(0).getLong(0));
    assertEquals(3L, copies.get(0).getLong(1));
    assertEquals(wiki.availableDocs(), copies.get(0).getLong(2));
    // Documents with a drop_reason never enter; the report counts them.
    assertEquals(0, shards.filter("source = 'web' and id like 'web-%0'").count());
    assertEquals(600L, r.sources().get(0).dropReasons().get("low_quality"));
    for (String f :
        List.of(
            "manifest.json",
            "report.md",
            "share.png",
            "tokens.png",
            "epochs.png",
            "dropped.png",
            "lengths.png",
            "shard-00000.jsonl.zst",
            "shard-00002.parquet")) {
      assertTrue(Files.exists(out.resolve(f)), f);
    }
  }

  @Test
  void aBudgetIsSharedByProportionAndRerunsAreByteIdentical() throws Exception {
    Path out = tmp.resolve("budget");
    MixtureConfig config =
        MixtureConfig.read(config("budget_tokens: 2000000\nseed: 11", out.toString()));
    MixtureBuilder.Result first = MixtureBuilder.build(spark, config, out.toString());
    assertEquals(2_000_000, first.totalTokens(), 3000);
    for (MixtureBuilder.SourceResult s : first.sources()) {
      assertEquals(s.proportion(), first.achievedShare(s), 0.002, s.name());
    }
    byte[] manifest = Files.readAllBytes(out.resolve("manifest.json"));
    byte[] shard = Files.readAllBytes(out.resolve("shard-00001.parquet"));
    byte[] json = Files.readAllBytes(out.resolve("shard-00001.jsonl.zst"));
    // Rerun with the inputs split differently: the same bytes.
    spark.conf().set("spark.sql.files.maxPartitionBytes", "65536");
    try {
      MixtureBuilder.build(spark, config, out.toString());
    } finally {
      spark.conf().unset("spark.sql.files.maxPartitionBytes");
    }
    assertArrayEquals(manifest, Files.readAllBytes(out.resolve("manifest.json")));
    assertArrayEquals(shard, Files.readAllBytes(out.resolve("shard-00001.parquet")));
    assertArrayEquals(json, Files.readAllBytes(out.resolve("shard-00001.jsonl.zst")));
    // Every shard row once: documents in the manifest equal rows written.
    long rows = spark.read().parquet(out.resolve("shard-*.parquet").toString()).count();
    assertEquals(
        first.shards().stream()
            .filter(s -> s.format().equals("parquet"))
            .mapToLong(ShardWriter.Shard::docs)
            .sum(),
        rows);
  }

  @Test
  void shardTokensSetTheShardCount() throws Exception {
    Path out = tmp.resolve("sized");
    Path p = tmp.resolve("sized.yaml");
    Files.writeString(
        p,
        Files.readString(config("budget_tokens: 1000000", out.toString()))
            .replace("shards: 3,", "shard_tokens: 300000,"));
    MixtureBuilder.Result r = MixtureBuilder.build(spark, MixtureConfig.read(p), out.toString());
    assertEquals(4 * 2, r.shards().size()); // ceil(1M / 300k) shards, in two formats
  }

  @Test
  void fewerShardsOnARerunRemoveTheOldOnes() throws Exception {
    Path out = tmp.resolve("rerun");
    MixtureBuilder.build(
        spark, MixtureConfig.read(config("use_epochs: true", out.toString())), out.toString());
    assertTrue(Files.exists(out.resolve("shard-00002.parquet")));
    Path smaller = tmp.resolve("smaller.yaml");
    Files.writeString(
        smaller, Files.readString(tmp.resolve("mixture.yaml")).replace("shards: 3", "shards: 2"));
    MixtureBuilder.build(spark, MixtureConfig.read(smaller), out.toString());
    assertFalse(Files.exists(out.resolve("shard-00002.parquet")));
    assertTrue(Files.exists(out.resolve("shard-00001.parquet")));
  }
}
