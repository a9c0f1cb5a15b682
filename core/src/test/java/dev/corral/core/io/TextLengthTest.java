package dev.corral.core.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corral.core.testing.TestSpark;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

class TextLengthTest {
  @Test
  void countsAsSparkOnEveryKindOfByteString() {
    Random random = new Random(11);
    // ASCII runs, lead and continuation bytes, bytes UTF-8 never uses, sequences cut short.
    byte[][] pieces = {
      "plain ascii text".getBytes(StandardCharsets.UTF_8),
      "é".getBytes(StandardCharsets.UTF_8),
      "中文".getBytes(StandardCharsets.UTF_8),
      "😀".getBytes(StandardCharsets.UTF_8),
      {(byte) 0x80},
      {(byte) 0xBF, (byte) 0xC0, (byte) 0xC1},
      {(byte) 0xE2, (byte) 0x82},
      {(byte) 0xF4, (byte) 0x8F},
      {(byte) 0xF5, (byte) 0xFF, (byte) 0xF8},
      {0, 0x7F, '\n'},
    };
    for (int t = 0; t < 20_000; t++) {
      byte[] bytes = new byte[3 + random.nextInt(120)];
      int at = 0;
      while (at < bytes.length) {
        byte[] piece =
            random.nextInt(4) == 0 ? randomBytes(random) : pieces[random.nextInt(pieces.length)];
        int n = Math.min(piece.length, bytes.length - at);
        System.arraycopy(piece, 0, bytes, at, n);
        at += n;
      }
      int offset = random.nextInt(3);
      UTF8String s = UTF8String.fromBytes(bytes, offset, bytes.length - offset);
      assertEquals(s.numChars(), TextLength.characters(s), () -> Arrays.toString(bytes));
    }
    assertEquals(0, TextLength.characters(UTF8String.EMPTY_UTF8));
  }

  @Test
  void theColumnIsSparksLengthOnEveryRow() {
    SparkSession spark = TestSpark.start("TextLengthTest", Map.of());
    try {
      List<Row> rows = new ArrayList<>();
      String[] texts = {
        null,
        "",
        "a",
        "twelve chars",
        "Grüße aus Köln",
        "日本語のテキスト",
        "emoji 😀 and 👍🏽",
        "x".repeat(1000)
      };
      for (int i = 0; i < 200; i++) {
        rows.add(
            RowFactory.create(
                i, texts[i % texts.length] == null ? null : texts[i % texts.length] + i));
      }
      rows.add(RowFactory.create(-1, null));
      StructType schema =
          new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);
      Dataset<Row> docs = spark.createDataFrame(rows, schema).repartition(3);
      // Generated code, then the interpreted path Spark falls back to when code generation fails.
      for (String factory : List.of("CODEGEN_ONLY", "NO_CODEGEN")) {
        spark.conf().set("spark.sql.codegen.factoryMode", factory);
        spark.conf().set("spark.sql.codegen.wholeStage", factory.equals("CODEGEN_ONLY"));
        for (Row r :
            docs.select(
                    col("id"),
                    length(col("text")),
                    TextLength.of(col("text")),
                    TextLength.of(col("id")))
                .collectAsList()) {
          assertEquals(r.get(1), r.get(2), factory + ", row " + r);
          assertEquals(String.valueOf(r.getInt(0)).length(), r.getInt(3), "a number as a string");
        }
        Row sums = docs.agg(sum(length(col("text"))), sum(TextLength.of(col("text")))).first();
        assertEquals(sums.getLong(0), sums.getLong(1), factory);
      }
    } finally {
      TestSpark.stop(spark);
    }
  }

  private static byte[] randomBytes(Random random) {
    byte[] b = new byte[1 + random.nextInt(9)];
    random.nextBytes(b);
    return b;
  }
}
