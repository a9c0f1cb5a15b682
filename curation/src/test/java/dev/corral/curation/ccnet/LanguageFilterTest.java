package dev.corral.curation.ccnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corral.core.testing.SparkMlContract;
import dev.corral.core.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

class LanguageFilterTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("LanguageFilterTest", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  @Test
  void dropsUnknownLanguagesWhereNoReasonIsSetYet() {
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType)
            .add("drop_reason", DataTypes.StringType)
            .add("language", DataTypes.StringType);
    Dataset<Row> in =
        spark.createDataFrame(
            List.of(
                RowFactory.create(0, null, "en"),
                RowFactory.create(1, null, "unknown"),
                RowFactory.create(2, "duplicate_lines", "unknown"),
                RowFactory.create(3, null, null)),
            schema);
    List<Row> out = new LanguageFilter().transform(in).orderBy("id").collectAsList();
    assertArrayEquals(
        in.columns(), new LanguageFilter().transform(in).columns(), "drop_reason keeps its place");
    assertNull(out.get(0).getAs("drop_reason"));
    assertEquals(LanguageFilter.LOW_LANGUAGE_SCORE, out.get(1).getAs("drop_reason"));
    assertEquals("duplicate_lines", out.get(2).getAs("drop_reason"));
    assertNull(out.get(3).getAs("drop_reason"));

    Dataset<Row> noReason = in.drop("drop_reason");
    Dataset<Row> added = new LanguageFilter().transform(noReason);
    assertEquals(new LanguageFilter().transformSchema(noReason.schema()), added.schema());
    assertEquals(2, added.where("drop_reason = 'low_language_score'").count());
    assertThrows(
        IllegalArgumentException.class,
        () -> new LanguageFilter().setLanguageCol("lang").transformSchema(schema));
  }

  @Test
  void keepsTheSparkMlContract() {
    SparkMlContract.checkParams(new LanguageFilter());
    LanguageFilter loaded =
        SparkMlContract.checkReadWrite(
            new LanguageFilter().setLanguageCol("lang"), tmp.resolve("f").toString());
    assertEquals("lang", loaded.getLanguageCol());
  }
}
