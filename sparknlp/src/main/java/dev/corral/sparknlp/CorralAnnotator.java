package dev.corral.sparknlp;

import com.johnsnowlabs.nlp.Annotation$;
import dev.corral.core.Errors;
import dev.corral.core.stage.Stages;
import dev.corral.core.stage.TextTransformer;
import dev.corral.curation.ccnet.PerplexityScorer;
import dev.corral.curation.langid.LanguageIdentifier;
import dev.corral.curation.quality.QualityClassifier;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * A Corral text stage inside a Spark NLP pipeline: reads the {@code result} of each annotation of a
 * Spark NLP annotation column ({@code document}, {@code sentence}, ...) as the stage's text, and
 * writes the stage's result for each as an annotation of the same span, so one Spark ML {@code
 * Pipeline} mixes Spark NLP annotators and Corral stages.
 *
 * <p>{@code inputCols}: the first names the annotations whose text the stage reads; each further
 * one (e.g. the {@code language} a previous {@code CorralAnnotator} or {@code LanguageDetectorDL}
 * wrote) feeds the stage's column of the same name with the result of the annotation at the same
 * position, so {@link PerplexityScorer} finds each sentence's language in {@code language}.
 *
 * <p>{@code outputCol} gets one annotation per input annotation, in order: {@code annotatorType}
 * {@code language}, {@code perplexity} or {@code quality} for Corral's {@link LanguageIdentifier},
 * {@link PerplexityScorer} and {@link QualityClassifier} (the stage's first output column's name
 * for others), {@code begin}/{@code end} of the input annotation, {@code result} the stage's first
 * output as a string (null where the stage gives null), and in {@code metadata} the input's {@code
 * sentence} index and every other column the stage adds (null values left out). Language
 * annotations also carry {@code <code> -> score} as {@code LanguageDetectorDL}'s do.
 *
 * <p>The stage runs once over all annotations of all rows (one row per annotation), and the results
 * are gathered back per row by one aggregation: a shuffle, after which rows come in no particular
 * order. Saved with its stage (in {@code stage/}), so a {@code PipelineModel} holding it saves and
 * loads.
 */
public final class CorralAnnotator extends Transformer implements MLWritable {
  private static final long serialVersionUID = 1L;

  /** Spark NLP's annotation struct, from Spark NLP itself. */
  public static final StructType ANNOTATION = Annotation$.MODULE$.dataType();

  // Scratch columns while the annotations are rows of their own.
  private static final String ID = "__corral_row_id";
  private static final String ROW = "__corral_row";
  private static final String POS = "__corral_pos";
  private static final String ANN = "__corral_annotation";
  private static final String OUT = "__corral_annotations";

  private final String uid;
  private final StringArrayParam inputCols;
  private final Param<String> outputCol;
  private TextTransformer<?> stage;

  /** An adapter with a random uid; set its stage before use. */
  public CorralAnnotator() {
    this(Identifiable.randomUID("corral_annotator"));
  }

  /** An adapter with the given uid; Spark ML's reader and {@code copy} call this. */
  public CorralAnnotator(String uid) {
    this.uid = uid;
    inputCols =
        new StringArrayParam(
            this,
            "inputCols",
            "annotation columns: the first holds the text the stage reads, each further one feeds the"
                + " stage's column of the same name with its results, by position");
    outputCol =
        new Param<>(
            this,
            "outputCol",
            "output annotation column, one annotation per input annotation",
            Stages.nonBlank());
  }

  @Override
  public String uid() {
    return uid;
  }

  /** Annotation columns: the text's, then those that feed the stage's other input columns. */
  public StringArrayParam inputCols() {
    return inputCols;
  }

  /** Output annotation column. */
  public Param<String> outputCol() {
    return outputCol;
  }

  public String[] getInputCols() {
    return $(inputCols);
  }

  public CorralAnnotator setInputCols(String... value) {
    set(inputCols, value);
    return this;
  }

  public String getOutputCol() {
    return $(outputCol);
  }

  public CorralAnnotator setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  /** The Corral stage run on each annotation's text. */
  public TextTransformer<?> getStage() {
    return stage;
  }

  public CorralAnnotator setStage(TextTransformer<?> value) {
    if (!(value instanceof MLWritable)) {
      throw Errors.badParams(name(), "stage " + value.uid() + " cannot be saved (not MLWritable)");
    }
    stage = value;
    return this;
  }

  /**
   * The annotator type of the output: {@code language}, {@code perplexity}, {@code quality} for
   * Corral's stages of those kinds, else the name of the stage's first output column.
   */
  public String annotatorType(String resultColumn) {
    if (stage instanceof LanguageIdentifier) {
      return "language";
    } else if (stage instanceof PerplexityScorer) {
      return "perplexity";
    } else if (stage instanceof QualityClassifier) {
      return "quality";
    }
    return resultColumn;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkParams();
    for (String column : getInputCols()) {
      requireAnnotations(schema, column);
    }
    Stages.requireAbsent(name(), schema, getOutputCol());
    StructType exploded = explodedSchema(schema);
    StructType staged = stage.transformSchema(exploded);
    return schema.add(
        new StructField(
            getOutputCol(),
            new ArrayType(ANNOTATION, true),
            true,
            annotatorMetadata(annotatorType(resultColumn(exploded, staged)))));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    transformSchema(schema, true);
    String[] inputs = getInputCols();
    List<Column> original = new ArrayList<>();
    for (String name : dataset.columns()) {
      original.add(Stages.column(name));
    }
    // One row per annotation, the original row carried along; a row without annotations stays, with
    // a null position, so it comes back with an empty array.
    // The id is taken before the explode: in the same projection it would be drawn per annotation.
    Dataset<Row> exploded =
        dataset
            .toDF()
            .select(
                functions.monotonically_increasing_id().as(ID),
                functions.struct(original.toArray(new Column[0])).as(ROW))
            .select(
                functions.col(ID),
                functions.col(ROW),
                functions
                    .posexplode_outer(functions.col(ROW).getField(inputs[0]))
                    .as(new String[] {POS, ANN}));
    List<Column> stageInput = new ArrayList<>();
    stageInput.add(functions.col(ID));
    stageInput.add(functions.col(ROW));
    stageInput.add(functions.col(POS));
    stageInput.add(functions.col(ANN));
    stageInput.add(functions.col(ANN).getField("result").as(stage.getInputCol()));
    for (int i = 1; i < inputs.length; i++) {
      stageInput.add(
          functions
              .try_element_at(functions.col(ROW).getField(inputs[i]), functions.col(POS).plus(1))
              .getField("result")
              .as(inputs[i]));
    }
    Dataset<Row> texts = exploded.select(stageInput.toArray(new Column[0]));
    Dataset<Row> staged = stage.transform(texts);
    String result = resultColumn(texts.schema(), staged.schema());
    String type = annotatorType(result);

    List<Column> metadata = new ArrayList<>();
    metadata.add(functions.lit("sentence"));
    metadata.add(
        functions.coalesce(
            functions.col(ANN).getField("metadata").getItem("sentence"),
            functions.col(POS).cast(DataTypes.StringType)));
    for (String added : addedColumns(texts.schema(), staged.schema())) {
      if (!added.equals(result)) {
        metadata.add(functions.lit(added));
        metadata.add(Stages.column(added).cast(DataTypes.StringType));
      }
    }
    Column entries = functions.map(metadata.toArray(new Column[0]));
    if (stage instanceof LanguageIdentifier langid) {
      // LanguageDetectorDL's metadata: the language code maps to its score.
      entries =
          functions.map_concat(
              entries,
              functions.map(
                  Stages.column(result), Stages.column(langid.getScoreCol()).cast("string")));
    }
    Column annotation =
        functions.struct(
            functions.lit(type).as("annotatorType"),
            functions.coalesce(functions.col(ANN).getField("begin"), functions.lit(0)).as("begin"),
            functions.coalesce(functions.col(ANN).getField("end"), functions.lit(0)).as("end"),
            Stages.column(result).cast(DataTypes.StringType).as("result"),
            functions.map_filter(entries, (key, value) -> value.isNotNull()).as("metadata"),
            functions.array().cast(new ArrayType(DataTypes.FloatType, false)).as("embeddings"));
    Dataset<Row> gathered =
        staged
            .groupBy(functions.col(ID))
            .agg(
                functions.first(functions.col(ROW)).as(ROW),
                functions
                    .array_sort(
                        functions.collect_list(
                            functions.when(
                                functions.col(POS).isNotNull(),
                                functions.struct(functions.col(POS), annotation.as(ANN)))),
                        (a, b) -> a.getField(POS).minus(b.getField(POS)))
                    .as(OUT));

    List<Column> out = new ArrayList<>();
    for (StructField field : schema.fields()) {
      // The struct round trip loses column metadata, which Spark NLP's annotators check.
      out.add(functions.col(ROW).getField(field.name()).as(field.name(), field.metadata()));
    }
    out.add(
        functions
            .transform(functions.col(OUT), entry -> entry.getField(ANN))
            .cast(new ArrayType(ANNOTATION, true))
            .as(getOutputCol(), annotatorMetadata(type)));
    return gathered.select(out.toArray(new Column[0]));
  }

  @Override
  public CorralAnnotator copy(ParamMap extra) {
    CorralAnnotator copy = defaultCopy(extra);
    if (stage != null) {
      copy.stage = (TextTransformer<?>) stage.copy(ParamMap.empty());
    }
    return copy;
  }

  @Override
  public MLWriter write() {
    checkParams();
    return new Writer(this);
  }

  /** Spark ML's reader for a saved adapter; {@code Pipeline} loading finds it by reflection. */
  public static MLReader<CorralAnnotator> read() {
    return new Reader();
  }

  /** Loads an adapter saved with {@code write().save(path)}. */
  public static CorralAnnotator load(String path) {
    return read().load(path);
  }

  private String name() {
    return "CorralAnnotator " + uid;
  }

  private void checkParams() {
    if (stage == null) {
      throw Errors.badParams(name(), "no stage set (call setStage)");
    }
    if (!isDefined(inputCols) || getInputCols().length == 0) {
      throw Errors.badParams(name(), "inputCols is empty; name the annotation column to read");
    }
    if (!isDefined(outputCol)) {
      throw Errors.badParams(name(), "outputCol is not set");
    }
  }

  private void requireAnnotations(StructType schema, String column) {
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      throw Errors.badColumn(
          name(), column, "does not exist; columns are " + Arrays.toString(schema.fieldNames()));
    }
    DataType type = schema.apply(column).dataType();
    if (!(type instanceof ArrayType array
        && array.elementType() instanceof StructType element
        && Arrays.asList(element.fieldNames()).containsAll(List.of("begin", "end", "result"))
        && element.apply("result").dataType().equals(DataTypes.StringType))) {
      throw Errors.badColumn(
          name(),
          column,
          "must hold Spark NLP annotations (array<struct<annotatorType, begin, end, result,"
              + " metadata, embeddings>>) but is "
              + type.simpleString());
    }
  }

  private StructType explodedSchema(StructType schema) {
    String[] inputs = getInputCols();
    StructType exploded =
        new StructType()
            .add(ID, DataTypes.LongType, false)
            .add(ROW, schema, false)
            .add(POS, DataTypes.IntegerType, true)
            .add(ANN, ((ArrayType) schema.apply(inputs[0]).dataType()).elementType(), true)
            .add(stage.getInputCol(), DataTypes.StringType, true);
    for (int i = 1; i < inputs.length; i++) {
      exploded = exploded.add(inputs[i], DataTypes.StringType, true);
    }
    return exploded;
  }

  private static List<String> addedColumns(StructType before, StructType after) {
    List<String> names = new ArrayList<>(Arrays.asList(after.fieldNames()));
    names.removeAll(Arrays.asList(before.fieldNames()));
    return names;
  }

  private String resultColumn(StructType before, StructType after) {
    List<String> added = addedColumns(before, after);
    if (added.isEmpty()) {
      throw Errors.badParams(name(), "stage " + stage.uid() + " adds no column to annotate with");
    }
    return added.get(0);
  }

  private static Metadata annotatorMetadata(String type) {
    // The key Spark NLP's annotators and Finisher read to recognise annotation columns.
    return new MetadataBuilder().putString("annotatorType", type).build();
  }

  /** Saves the adapter's params as Spark ML does, and its stage beside them in {@code stage/}. */
  private static final class Writer extends MLWriter {
    private final CorralAnnotator instance;

    Writer(CorralAnnotator instance) {
      this.instance = instance;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(instance, path, sc(), Option.empty(), Option.empty());
      String stagePath = new Path(path, "stage").toString();
      try {
        ((MLWritable) instance.stage).write().save(stagePath);
      } catch (IOException e) {
        throw Errors.unwritable(stagePath, e);
      }
    }
  }

  private static final class Reader extends MLReader<CorralAnnotator> {
    @Override
    public CorralAnnotator load(String path) {
      DefaultParamsReader.Metadata metadata =
          DefaultParamsReader.loadMetadata(path, sc(), CorralAnnotator.class.getName());
      CorralAnnotator annotator = new CorralAnnotator(metadata.uid());
      metadata.getAndSetParams(annotator, Option.empty());
      Object stage =
          DefaultParamsReader.loadParamsInstance(new Path(path, "stage").toString(), sc());
      if (!(stage instanceof TextTransformer<?> text)) {
        throw Errors.badInput(
            path + "/stage", "holds " + stage.getClass().getName() + ", not a Corral text stage");
      }
      return annotator.setStage(text);
    }
  }
}
