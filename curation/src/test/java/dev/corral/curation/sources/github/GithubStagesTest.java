package dev.corral.curation.sources.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import dev.corral.core.testing.TestSpark;
import java.util.ArrayList;
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

/**
 * The stages annotate and never drop: each rule's reason code, the first reason kept when a later
 * stage also rejects, the dedup winner independent of how the rows are partitioned, and params that
 * contradict each other refused before data moves.
 */
class GithubStagesTest {
  static SparkSession spark;

  static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.StringType)
          .add("text", DataTypes.StringType)
          .add("repo_name", DataTypes.StringType)
          .add("path", DataTypes.StringType)
          .add("license", DataTypes.StringType)
          .add("content_hash", DataTypes.StringType)
          .add("drop_reason", DataTypes.StringType);

  @BeforeAll
  static void start() {
    spark = TestSpark.start("GithubStagesTest", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  static Row file(String repo, String path, String license, String text, String reason) {
    return RowFactory.create(
        "github/" + repo + "/" + path, text, repo, path, license, "h" + text.hashCode(), reason);
  }

  static Map<String, Row> byId(Dataset<Row> data) {
    Map<String, Row> rows = new java.util.HashMap<>();
    data.collectAsList().forEach(r -> rows.put(r.getString(r.fieldIndex("id")), r));
    return rows;
  }

  static String reason(Map<String, Row> rows, String id) {
    Row r = rows.get(id);
    return r.getString(r.fieldIndex("drop_reason"));
  }

  @Test
  void everyRuleNamesItsReasonAndNoRowIsLost() {
    String code = "int main(void) {\n  return value_of(alpha, beta);\n}\n";
    List<Row> in = new ArrayList<>();
    in.add(file("a/ok", "src/main.c", "mit", code, null));
    in.add(file("a/gpl", "src/main.c", "gpl-3.0", code + " ", null));
    in.add(file("a/caps", "src/x.c", "MIT", code + "  ", null));
    in.add(file("a/nolicense", "src/x.c", null, code + "   ", null));
    in.add(file("a/crt", "ca.crt", "mit", "-----BEGIN-----", null));
    in.add(file("a/top", "LICENSE", "mit", "MIT License", null));
    in.add(file("a/nested", "docs/LICENSE", "mit", "MIT License\n", null));
    in.add(file("a/empty", "src/e.py", "apache-2.0", "", null));
    in.add(file("a/ext", "data.json", "mit", code + "//", null));
    in.add(file("a/long", "src/l.js", "mit", "x".repeat(1001) + "\n", null));
    in.add(file("a/avg", "src/a.js", "mit", ("y".repeat(150) + "\n").repeat(3), null));
    in.add(file("a/alnum", "src/s.md", "mit", "==== ---- ++++ ////\n".repeat(5), null));
    in.add(
        file("a/hex", "src/t.c", "mit", "0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07\n", null));
    in.add(file("a/earlier", "src/r.c", "gpl-2.0", code + "\n\n", "c4_bad_words"));
    Dataset<Row> data = spark.createDataFrame(in, SCHEMA);
    Dataset<Row> out =
        new GithubQualityFilter().transform(new GithubLicenseFilter().transform(data));
    assertEquals(in.size(), out.count());
    Map<String, Row> rows = byId(out);
    assertNull(reason(rows, "github/a/ok/src/main.c"));
    assertEquals(GithubRules.LICENSE, reason(rows, "github/a/gpl/src/main.c"));
    assertEquals(GithubRules.LICENSE, reason(rows, "github/a/caps/src/x.c"));
    assertEquals(GithubRules.LICENSE, reason(rows, "github/a/nolicense/src/x.c"));
    assertEquals(GithubRules.SKIPPED_PATH, reason(rows, "github/a/crt/ca.crt"));
    assertEquals(GithubRules.SKIPPED_PATH, reason(rows, "github/a/top/LICENSE"));
    assertEquals(GithubRules.EXTENSION, reason(rows, "github/a/nested/docs/LICENSE"));
    assertEquals(GithubRules.EMPTY, reason(rows, "github/a/empty/src/e.py"));
    assertEquals(GithubRules.EXTENSION, reason(rows, "github/a/ext/data.json"));
    assertEquals(GithubRules.MAX_LINE, reason(rows, "github/a/long/src/l.js"));
    assertEquals(GithubRules.AVG_LINE, reason(rows, "github/a/avg/src/a.js"));
    assertEquals(GithubRules.ALNUM, reason(rows, "github/a/alnum/src/s.md"));
    assertEquals(GithubRules.ALPHA_TOKEN, reason(rows, "github/a/hex/src/t.c"));
    assertEquals("c4_bad_words", reason(rows, "github/a/earlier/src/r.c"));
    // Rows dropped early are still annotated.
    Row gpl = rows.get("github/a/gpl/src/main.c");
    assertEquals(4, gpl.getInt(gpl.fieldIndex("line_count")));
    assertTrue(gpl.getDouble(gpl.fieldIndex("alpha_token_ratio")) > 1.5);
    Row empty = rows.get("github/a/empty/src/e.py");
    assertNull(empty.get(empty.fieldIndex("alpha_token_ratio")));
    assertEquals(0, empty.getInt(empty.fieldIndex("line_count")));
  }

  @Test
  void theDedupWinnerIsTheSmallestRepoAndPathHoweverTheRowsArePartitioned() {
    List<Row> in = new ArrayList<>();
    // Tuple order, not string order: ("a", "z.c") comes before ("a-b", "a.c").
    in.add(file("a-b", "a.c", "mit", "same", null));
    in.add(file("a", "z.c", "mit", "same", null));
    in.add(file("a", "a.c", "mit", "same", "github_license")); // dropped earlier: takes no part
    in.add(file("b", "c.c", "mit", "other", null));
    for (int partitions : new int[] {1, 3, 7}) {
      Dataset<Row> data = spark.createDataFrame(in, SCHEMA).repartition(partitions);
      Map<String, Row> rows = byId(new GithubDeduplicator().transform(data));
      assertNull(reason(rows, "github/a/z.c"));
      assertEquals("exact_duplicate", reason(rows, "github/a-b/a.c"));
      Row copy = rows.get("github/a-b/a.c");
      assertEquals("github/a/z.c", copy.getString(copy.fieldIndex("duplicate_of")));
      assertEquals("github_license", reason(rows, "github/a/a.c"));
      Row earlier = rows.get("github/a/a.c");
      assertNull(earlier.get(earlier.fieldIndex("duplicate_of")));
      assertNull(reason(rows, "github/b/c.c"));
    }
  }

  /** The longest whitelisted suffix names the language, case-sensitively; whole names too. */
  @Test
  void languageComesFromTheLongestSuffix() {
    assertEquals("PHP", GithubRules.language("web/index.php3"));
    assertEquals("C++", GithubRules.language("include/list.h++"));
    assertEquals("C++", GithubRules.language("src/Main.C"));
    assertEquals("C", GithubRules.language("src/main.c"));
    assertEquals("Makefile", GithubRules.language("build/Makefile"));
    assertEquals("Dockerfile", GithubRules.language("Dockerfile"));
    assertEquals("Dockerfile", GithubRules.language("docker/app.dockerfile"));
    assertEquals("Dockerfile", GithubRules.language("docker/app.Dockerfile"));
    assertEquals("Shell", GithubRules.language("v1.2/run.sh"));
    assertNull(GithubRules.language("README"));
    assertNull(GithubRules.language("notes.txt"));
    assertNull(GithubRules.language("src/main.c.orig"));
    assertNull(GithubRules.language("."));
    assertNull(GithubRules.language(null));
  }

  @Test
  void contradictingParamsAreRefusedBeforeDataMoves() {
    CorralException e =
        assertThrows(
            CorralException.class, () -> new GithubQualityFilter().setExtensions().checkParams());
    assertTrue(e.getMessage().contains("extensions"), e.getMessage());
    assertThrows(
        CorralException.class,
        () -> new GithubDeduplicator().setOrderCols("drop_reason").transformSchema(SCHEMA));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GithubDeduplicator().setOrderCols("input_order").transformSchema(SCHEMA));
    assertTrue(missing.getMessage().contains("input_order"), missing.getMessage());
  }
}
