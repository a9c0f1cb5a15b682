package dev.corral.curation.sources.arxiv;

import dev.corral.core.Errors;
import dev.corral.core.stage.CorralTransformer;
import dev.corral.core.stage.FilterColumns;
import dev.corral.core.stage.Stages;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * LLaMA's arXiv cleaning as a Spark ML stage (Touvron et al. 2023, section 2.1: "we removed
 * everything before the first section, as well as the bibliography. We also removed the comments
 * from the .tex files, and inline-expanded definitions and macros written by users"; the rules and
 * their order are RedPajama v1's, see {@link TexCleaner}). It reads a paper's {@code .tex} files
 * (an array of strings, {@code tex}, as {@link ArxivReader} gives them), adds the cleaned text
 * ({@code text}) and sets {@code drop_reason} where it is still null: {@code no_tex_files}, {@code
 * empty_text}, and with {@code rules = redpajama} {@code macro_escape_error} (a paper RedPajama
 * failed on). A null array gives a null text and leaves {@code drop_reason} as it was.
 */
public final class LatexCleaner extends CorralTransformer<LatexCleaner> {
  private static final long serialVersionUID = 1L;

  static final StructType RESULT =
      FilterColumns.resultType(
          List.of(DataTypes.createStructField("text", DataTypes.StringType, true)));

  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> rules;
  private final Param<String> dropReasonCol;

  /** A stage with a random uid and the paper's rules. */
  public LatexCleaner() {
    this(Identifiable.randomUID("latexCleaner"));
  }

  /** A stage with the given uid; Spark ML's reader and {@code copy} call this. */
  public LatexCleaner(String uid) {
    super(uid);
    inputCol =
        new Param<>(
            this,
            "inputCol",
            "column holding a paper's .tex files in archive order (array of strings)",
            Stages.nonBlank());
    outputCol =
        new Param<>(this, "outputCol", "column for the cleaned text (string)", Stages.nonBlank());
    rules =
        new Param<>(
            this,
            "rules",
            "paper: RedPajama v1's arXiv rules with its bugs fixed (a % escaped by an odd number of"
                + " backslashes is text and a comment keeps the character before it, \\paragraph"
                + " starts a section, the appendix stays, \\renewcommand and non-ASCII macro values"
                + " are expanded, blank texts dropped); redpajama: RedPajama v1's"
                + " data_prep/arxiv/arxiv_cleaner.py byte for byte",
            ParamValidators.inArray(
                Arrays.stream(TexCleaner.Rules.values())
                    .map(TexCleaner.Rules::label)
                    .toArray(String[]::new)));
    dropReasonCol =
        new Param<>(
            this,
            "dropReasonCol",
            "column naming why a document is dropped (string); set only where still null",
            Stages.nonBlank());
    setDefault(inputCol, ArxivReader.TEX);
    setDefault(outputCol, "text");
    setDefault(rules, TexCleaner.Rules.PAPER.label());
    setDefault(dropReasonCol, "drop_reason");
  }

  /** Column holding a paper's {@code .tex} files (default {@code tex}). */
  public Param<String> inputCol() {
    return inputCol;
  }

  public String getInputCol() {
    return getOrDefault(inputCol);
  }

  public LatexCleaner setInputCol(String value) {
    set(inputCol, value);
    return this;
  }

  /** Column for the cleaned text (default {@code text}). */
  public Param<String> outputCol() {
    return outputCol;
  }

  public String getOutputCol() {
    return getOrDefault(outputCol);
  }

  public LatexCleaner setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  /** {@code paper} (default) or {@code redpajama}: see {@link TexCleaner.Rules}. */
  public Param<String> rules() {
    return rules;
  }

  public String getRules() {
    return getOrDefault(rules);
  }

  public LatexCleaner setRules(String value) {
    set(rules, value);
    return this;
  }

  /** Column naming the drop reason (default {@code drop_reason}). */
  public Param<String> dropReasonCol() {
    return dropReasonCol;
  }

  public String getDropReasonCol() {
    return getOrDefault(dropReasonCol);
  }

  public LatexCleaner setDropReasonCol(String value) {
    set(dropReasonCol, value);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String stage = "LatexCleaner " + uid;
    String in = getInputCol();
    if (!Arrays.asList(schema.fieldNames()).contains(in)) {
      throw Errors.badColumn(
          stage, in, "does not exist; columns are " + Arrays.toString(schema.fieldNames()));
    }
    if (!(schema.apply(in).dataType() instanceof ArrayType a
        && a.elementType().equals(DataTypes.StringType))) {
      throw Errors.badColumn(
          stage,
          in,
          "must be of type array<string> but is " + schema.apply(in).dataType().simpleString());
    }
    Stages.requireAbsent(stage, schema, getOutputCol());
    if (getOutputCol().equals(getDropReasonCol())) {
      throw Errors.badColumn(stage, getOutputCol(), "is named by two output params");
    }
    return FilterColumns.withReasonColumn(
        stage, schema.add(getOutputCol(), DataTypes.StringType, true), getDropReasonCol());
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    return FilterColumns.transform(
        dataset,
        uid,
        udf(TexCleaner.Rules.ofLabel(getRules())),
        getInputCol(),
        getDropReasonCol(),
        List.of(getOutputCol()),
        RESULT);
  }

  /** Spark ML's reader for a saved stage; {@code Pipeline} loading finds it by reflection. */
  public static MLReader<LatexCleaner> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads a stage saved with {@code write().save(path)}. */
  public static LatexCleaner load(String path) {
    return read().load(path);
  }

  /** The row function as a UDF: files to the struct of text and reason; it carries the rules. */
  public static UserDefinedFunction udf(TexCleaner.Rules rules) {
    return functions.udf(new CleanFunction(rules), RESULT).withName("corral_latex_clean");
  }

  /** The UDF body. Serializable state: the rules only. */
  static final class CleanFunction implements UDF1<scala.collection.Seq<String>, Row> {
    private static final long serialVersionUID = 1L;
    private final TexCleaner.Rules rules;

    CleanFunction(TexCleaner.Rules rules) {
      this.rules = rules;
    }

    @Override
    public Row call(scala.collection.Seq<String> files) {
      if (files == null) {
        return null;
      }
      List<String> list = JavaConverters.seqAsJavaList(files);
      // A null file inside the array has no text: it counts as an empty file.
      TexCleaner.Cleaned c =
          TexCleaner.clean(list.stream().map(f -> f == null ? "" : f).toList(), rules);
      return RowFactory.create(c.text(), c.dropReason());
    }
  }
}
