package dev.corral.curation.classify;

import dev.corral.core.stage.Stages;
import dev.corral.curation.fasttext.FastTextModel;
import dev.corral.curation.fasttext.Prediction;
import dev.corral.curation.models.ExecutorModels;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Annotates a text column with a fastText classifier's best label ({@code prediction}, without the
 * {@code __label__} prefix) and its probability ({@code probability}), and optionally the {@code
 * topK} best as {@code array<struct<label, score>>}. Newlines become spaces, as fastText reads one
 * line. Null text gives nulls. The model ({@code modelPath}, any Hadoop path) is read once per
 * executor JVM.
 */
public final class FastTextClassifier extends Model<FastTextClassifier>
    implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final Param<String> topKCol;
  private final Param<String> modelPath;
  private final IntParam topK;

  public FastTextClassifier() {
    this(Identifiable.randomUID("fasttext"));
  }

  public FastTextClassifier(String uid) {
    this.uid = uid;
    inputCol = new Param<>(this, "inputCol", "column holding the text (string)", Stages.nonBlank());
    predictionCol =
        new Param<>(
            this,
            "predictionCol",
            "output column for the best label, prefix removed",
            Stages.nonBlank());
    probabilityCol =
        new Param<>(
            this,
            "probabilityCol",
            "output column for the best label's probability (float)",
            Stages.nonBlank());
    topKCol =
        new Param<>(
            this,
            "topKCol",
            "output column for the topK best labels; added only when topK > 0",
            Stages.nonBlank());
    modelPath =
        new Param<>(
            this,
            "modelPath",
            "the fastText model (.bin or .ftz): any Hadoop-readable path",
            Stages.nonBlank());
    topK =
        new IntParam(
            this,
            "topK",
            "how many best labels to keep in topKCol; 0 adds no column (>= 0)",
            ParamValidators.gtEq(0));
    setDefault(inputCol, "text");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(topKCol, "prediction_topk");
    setDefault(topK, 0);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public Param<String> topKCol() {
    return topKCol;
  }

  public Param<String> modelPath() {
    return modelPath;
  }

  public IntParam topK() {
    return topK;
  }

  public String getInputCol() {
    return $(inputCol);
  }

  public String getPredictionCol() {
    return $(predictionCol);
  }

  public String getProbabilityCol() {
    return $(probabilityCol);
  }

  public String getTopKCol() {
    return $(topKCol);
  }

  public String getModelPath() {
    return $(modelPath);
  }

  public int getTopK() {
    return (Integer) $(topK);
  }

  public FastTextClassifier setInputCol(String v) {
    set(inputCol, v);
    return this;
  }

  public FastTextClassifier setPredictionCol(String v) {
    set(predictionCol, v);
    return this;
  }

  public FastTextClassifier setProbabilityCol(String v) {
    set(probabilityCol, v);
    return this;
  }

  public FastTextClassifier setTopKCol(String v) {
    set(topKCol, v);
    return this;
  }

  public FastTextClassifier setModelPath(String v) {
    set(modelPath, v);
    return this;
  }

  public FastTextClassifier setTopK(int v) {
    set(topK, v);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String stage = "FastTextClassifier " + uid;
    Stages.requireColumn(stage, schema, getInputCol(), DataTypes.StringType);
    StructType out = schema;
    StructType fields = resultType(getTopK());
    List<String> names = outputColumns();
    for (int i = 0; i < names.size(); i++) {
      Stages.requireAbsent(stage, out, names.get(i));
      out = out.add(names.get(i), fields.fields()[i].dataType(), true);
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    String scratch = "__corral_" + uid;
    Column result =
        functions
            .udf(new Classify(getModelPath(), getTopK()), resultType(getTopK()))
            .withName("corral_fasttext")
            .apply(Stages.column(getInputCol()));
    Dataset<Row> scored = dataset.toDF().withColumn(scratch, result);
    List<Column> columns = new ArrayList<>();
    for (String name : dataset.columns()) {
      columns.add(Stages.column(name));
    }
    List<String> names = outputColumns();
    StructType fields = resultType(getTopK());
    for (int i = 0; i < names.size(); i++) {
      columns.add(Stages.column(scratch).getField(fields.fieldNames()[i]).as(names.get(i)));
    }
    return scored.select(columns.toArray(new Column[0]));
  }

  private List<String> outputColumns() {
    List<String> names = new ArrayList<>(List.of(getPredictionCol(), getProbabilityCol()));
    if (getTopK() > 0) {
      names.add(getTopKCol());
    }
    return names;
  }

  static StructType resultType(int topK) {
    StructType type =
        new StructType()
            .add("label", DataTypes.StringType, true)
            .add("score", DataTypes.FloatType, true);
    StructType element =
        new StructType()
            .add("label", DataTypes.StringType, false)
            .add("score", DataTypes.FloatType, false);
    return topK > 0 ? type.add("topk", new ArrayType(element, false), true) : type;
  }

  @Override
  public FastTextClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<FastTextClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static FastTextClassifier load(String path) {
    return read().load(path);
  }

  /**
   * The row function: its serialized state is the model URI and k; the model comes from
   * ExecutorModels.
   */
  static final class Classify implements UDF1<String, Row> {
    private static final long serialVersionUID = 1L;
    private final String modelUri;
    private final int topK;
    private transient FastTextModel model;

    Classify(String modelUri, int topK) {
      this.modelUri = modelUri;
      this.topK = topK;
    }

    @Override
    public Row call(String text) {
      if (text == null) {
        return null;
      }
      if (model == null) {
        model = ExecutorModels.fastText(modelUri);
      }
      List<Prediction> predictions =
          model.predict(text.replace('\n', ' ').replace('\r', ' '), Math.max(1, topK), 0f);
      String label = predictions.isEmpty() ? null : predictions.get(0).bareLabel();
      Float score = predictions.isEmpty() ? null : predictions.get(0).probability();
      if (topK == 0) {
        return RowFactory.create(label, score);
      }
      List<Row> top = new ArrayList<>();
      for (Prediction p : predictions) {
        top.add(RowFactory.create(p.bareLabel(), p.probability()));
      }
      return RowFactory.create(label, score, top);
    }
  }
}
