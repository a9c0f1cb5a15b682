package dev.corral.curation.sources.arxiv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import dev.corral.core.stage.StageRegistry;
import dev.corral.core.testing.TestSpark;
import java.util.Arrays;
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
 * The stage's column contract: the text is added, {@code drop_reason} is set only where still null
 * (an earlier stage's reason stays), a null array passes through, wrong columns are refused before
 * data moves, and YAML params are checked by the registry.
 */
class LatexCleanerTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("LatexCleanerTest", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  private static Dataset<Row> papers(boolean withReason) {
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType)
            .add("tex", DataTypes.createArrayType(DataTypes.StringType, true));
    if (withReason) {
      schema = schema.add("drop_reason", DataTypes.StringType);
    }
    String macro = "\\newcommand{\\u}{\u00fc}\n\\section{A}\n\\u{} x\n";
    List<Object[]> rows =
        List.of(
            new Object[] {"kept", new String[] {"\\section{A} text % c\n"}, null},
            new Object[] {"bad-macro", new String[] {macro}, null},
            new Object[] {"no-section", new String[] {"text\n"}, null},
            new Object[] {"no-tex", new String[] {}, null},
            new Object[] {"earlier", new String[] {"\\section{B}\n"}, "exact_duplicate"},
            new Object[] {"null", null, null});
    return spark.createDataFrame(
        rows.stream().map(r -> RowFactory.create(withReason ? r : Arrays.copyOf(r, 2))).toList(),
        schema);
  }

  private static Map<String, Row> byId(Dataset<Row> rows) {
    return rows.collectAsList().stream()
        .collect(java.util.stream.Collectors.toMap(r -> r.getString(0), r -> r));
  }

  @Test
  void addsTextAndSetsOnlyMissingReasons() {
    Dataset<Row> out = new LatexCleaner().setRules("redpajama").transform(papers(true));
    assertEquals(List.of("id", "tex", "drop_reason", "text"), Arrays.asList(out.columns()));
    Map<String, Row> rows = byId(out);
    assertEquals("\\section{A} text\n", rows.get("kept").getAs("text")); // RedPajama eats the space
    assertNull(rows.get("kept").getAs("drop_reason"));
    assertEquals("macro_escape_error", rows.get("bad-macro").getAs("drop_reason"));
    assertEquals("empty_text", rows.get("no-section").getAs("drop_reason"));
    assertEquals("no_tex_files", rows.get("no-tex").getAs("drop_reason"));
    assertEquals("exact_duplicate", rows.get("earlier").getAs("drop_reason"));
    assertEquals("\\section{B}\n", rows.get("earlier").getAs("text"));
    assertNull(rows.get("null").getAs("text"));
    assertNull(rows.get("null").getAs("drop_reason"));

    // The paper's rules (the default) keep the character before a comment and expand the macro.
    Map<String, Row> paper = byId(new LatexCleaner().transform(papers(false)));
    assertEquals("\\section{A} text \n", paper.get("kept").getAs("text"));
    assertEquals("\\section{A}\n\u00fc{} x\n", paper.get("bad-macro").getAs("text"));
    assertNull(paper.get("bad-macro").getAs("drop_reason"));
  }

  @Test
  void wrongColumnsAreRefusedBeforeDataMoves() {
    Dataset<Row> rows = papers(false);
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LatexCleaner().setInputCol("files").transformSchema(rows.schema()));
    assertTrue(missing.getMessage().contains("files"), missing.getMessage());
    IllegalArgumentException type =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LatexCleaner().setInputCol("id").transformSchema(rows.schema()));
    assertTrue(type.getMessage().contains("array<string>"), type.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new LatexCleaner().setOutputCol("id").transformSchema(rows.schema()));
  }

  @Test
  void yamlParamsGoThroughTheRegistry() {
    LatexCleaner stage =
        (LatexCleaner)
            StageRegistry.create("LatexCleaner", Map.of("rules", "redpajama"), "test.yaml");
    assertEquals("redpajama", stage.getRules());
    assertThrows(
        CorralException.class,
        () -> StageRegistry.create("LatexCleaner", Map.of("rules", "llama"), "test.yaml"));
  }
}
