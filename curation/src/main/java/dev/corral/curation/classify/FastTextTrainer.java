package dev.corral.curation.classify;

import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.stage.CheckedParams;
import dev.corral.core.stage.Stages;
import dev.corral.curation.fasttext.FastTextModel;
import dev.corral.curation.fasttext.Trainer;
import dev.corral.curation.fasttext.TrainingArgs;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Learns a fastText classifier from a table with a text and a label column, and returns a {@link
 * FastTextClassifier} that uses it. The rows are written as fastText training lines ({@code
 * __label__LABEL text}, newlines as spaces; rows with a null label or text are skipped) and the
 * model is trained in pure Java, either on the driver ({@code trainOn = driver}) or on one executor
 * ({@code executor}, for a small driver), then written to {@code modelPath} (any Hadoop path) as a
 * fastText {@code .bin}. fastText needs its examples mixed: shuffle a table grouped by label first.
 */
public final class FastTextTrainer extends Estimator<FastTextClassifier>
    implements DefaultParamsWritable, CheckedParams {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> labelCol;
  private final Param<String> modelPath;
  private final Param<String> trainOn;
  private final Param<String> loss;
  private final DoubleParam lr;
  private final IntParam dim;
  private final IntParam epoch;
  private final IntParam wordNgrams;
  private final IntParam minn;
  private final IntParam maxn;
  private final IntParam bucket;
  private final IntParam minCount;
  private final IntParam threads;
  private final IntParam seed;

  public FastTextTrainer() {
    this(Identifiable.randomUID("fasttextTrainer"));
  }

  public FastTextTrainer(String uid) {
    this.uid = uid;
    inputCol = new Param<>(this, "inputCol", "column holding the text (string)", Stages.nonBlank());
    labelCol =
        new Param<>(
            this,
            "labelCol",
            "column holding the label (string, without __label__)",
            Stages.nonBlank());
    modelPath =
        new Param<>(
            this,
            "modelPath",
            "where to write the trained fastText .bin (any Hadoop path)",
            Stages.nonBlank());
    trainOn =
        new Param<>(
            this,
            "trainOn",
            "where training runs: driver or executor",
            ParamValidators.inArray(new String[] {"driver", "executor"}));
    loss =
        new Param<>(
            this,
            "loss",
            "fastText loss: softmax, hs, ns or ova",
            ParamValidators.inArray(new String[] {"softmax", "hs", "ns", "ova"}));
    lr = new DoubleParam(this, "lr", "learning rate (fastText -lr)", ParamValidators.gt(0));
    dim = new IntParam(this, "dim", "size of word vectors (fastText -dim)", ParamValidators.gt(0));
    epoch =
        new IntParam(this, "epoch", "number of epochs (fastText -epoch)", ParamValidators.gt(0));
    wordNgrams =
        new IntParam(
            this,
            "wordNgrams",
            "max length of word n-grams (fastText -wordNgrams)",
            ParamValidators.gt(0));
    minn =
        new IntParam(
            this, "minn", "min length of char n-grams (fastText -minn)", ParamValidators.gtEq(0));
    maxn =
        new IntParam(
            this,
            "maxn",
            "max length of char n-grams, 0 for none (fastText -maxn)",
            ParamValidators.gtEq(0));
    bucket =
        new IntParam(
            this,
            "bucket",
            "number of n-gram hash buckets (fastText -bucket)",
            ParamValidators.gt(0));
    minCount =
        new IntParam(
            this,
            "minCount",
            "minimal number of word occurrences (fastText -minCount)",
            ParamValidators.gtEq(1));
    threads =
        new IntParam(this, "threads", "training threads (fastText -thread)", ParamValidators.gt(0));
    seed = new IntParam(this, "seed", "random seed (fastText -seed)", ParamValidators.gtEq(0));
    setDefault(inputCol, "text");
    setDefault(labelCol, "label");
    setDefault(trainOn, "driver");
    setDefault(loss, "softmax");
    setDefault(lr, 0.1);
    setDefault(dim, 100);
    setDefault(epoch, 5);
    setDefault(wordNgrams, 1);
    setDefault(minn, 0);
    setDefault(maxn, 0);
    setDefault(bucket, 2_000_000);
    setDefault(minCount, 1);
    setDefault(threads, Math.max(1, Runtime.getRuntime().availableProcessors()));
    setDefault(seed, 0);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> modelPath() {
    return modelPath;
  }

  public Param<String> trainOn() {
    return trainOn;
  }

  public Param<String> loss() {
    return loss;
  }

  public DoubleParam lr() {
    return lr;
  }

  public IntParam dim() {
    return dim;
  }

  public IntParam epoch() {
    return epoch;
  }

  public IntParam wordNgrams() {
    return wordNgrams;
  }

  public IntParam minn() {
    return minn;
  }

  public IntParam maxn() {
    return maxn;
  }

  public IntParam bucket() {
    return bucket;
  }

  public IntParam minCount() {
    return minCount;
  }

  public IntParam threads() {
    return threads;
  }

  public IntParam seed() {
    return seed;
  }

  public String getInputCol() {
    return $(inputCol);
  }

  public String getLabelCol() {
    return $(labelCol);
  }

  public String getModelPath() {
    return $(modelPath);
  }

  public String getTrainOn() {
    return $(trainOn);
  }

  public String getLoss() {
    return $(loss);
  }

  public double getLr() {
    return (Double) $(lr);
  }

  public int getDim() {
    return (Integer) $(dim);
  }

  public int getEpoch() {
    return (Integer) $(epoch);
  }

  public int getWordNgrams() {
    return (Integer) $(wordNgrams);
  }

  public int getMinn() {
    return (Integer) $(minn);
  }

  public int getMaxn() {
    return (Integer) $(maxn);
  }

  public int getBucket() {
    return (Integer) $(bucket);
  }

  public int getMinCount() {
    return (Integer) $(minCount);
  }

  public int getThreads() {
    return (Integer) $(threads);
  }

  public int getSeed() {
    return (Integer) $(seed);
  }

  public FastTextTrainer setInputCol(String v) {
    set(inputCol, v);
    return this;
  }

  public FastTextTrainer setLabelCol(String v) {
    set(labelCol, v);
    return this;
  }

  public FastTextTrainer setModelPath(String v) {
    set(modelPath, v);
    return this;
  }

  public FastTextTrainer setTrainOn(String v) {
    set(trainOn, v);
    return this;
  }

  public FastTextTrainer setLoss(String v) {
    set(loss, v);
    return this;
  }

  public FastTextTrainer setLr(double v) {
    set(lr, v);
    return this;
  }

  public FastTextTrainer setDim(int v) {
    set(dim, v);
    return this;
  }

  public FastTextTrainer setEpoch(int v) {
    set(epoch, v);
    return this;
  }

  public FastTextTrainer setWordNgrams(int v) {
    set(wordNgrams, v);
    return this;
  }

  public FastTextTrainer setMinn(int v) {
    set(minn, v);
    return this;
  }

  public FastTextTrainer setMaxn(int v) {
    set(maxn, v);
    return this;
  }

  public FastTextTrainer setBucket(int v) {
    set(bucket, v);
    return this;
  }

  public FastTextTrainer setMinCount(int v) {
    set(minCount, v);
    return this;
  }

  public FastTextTrainer setThreads(int v) {
    set(threads, v);
    return this;
  }

  public FastTextTrainer setSeed(int v) {
    set(seed, v);
    return this;
  }

  /** The fastText settings these params stand for. */
  TrainingArgs trainingArgs() {
    return TrainingArgs.builder()
        .optLoss(getLoss())
        .optLr(getLr())
        .optDim(getDim())
        .optEpoch(getEpoch())
        .optWordNgrams(getWordNgrams())
        .optMinn(getMinn())
        .optMaxn(getMaxn())
        .optBucket(getBucket())
        .optMinCount(getMinCount())
        .optThread(getThreads())
        .optSeed(getSeed())
        .optVerbose(1)
        .build();
  }

  /** Refuses minn above maxn when char n-grams are on: fastText would then silently use none. */
  public void checkParams() {
    if (getMaxn() > 0 && getMinn() > getMaxn()) {
      throw Errors.paramsOutOfOrder("FastTextTrainer", "minn", getMinn(), "maxn", getMaxn());
    }
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkParams();
    String stage = "FastTextTrainer " + uid;
    if (!isDefined(modelPath)) {
      throw Errors.badArgument(
          stage + " modelPath", "(unset)", "the path where the trained model goes");
    }
    Stages.requireColumn(stage, schema, $(inputCol), DataTypes.StringType);
    Stages.requireColumn(stage, schema, $(labelCol), DataTypes.StringType);
    return new FastTextClassifier().setInputCol($(inputCol)).transformSchema(schema);
  }

  @Override
  public FastTextClassifier fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    TrainingArgs args = trainingArgs();
    Dataset<Row> rows = dataset.select(Stages.column($(labelCol)), Stages.column($(inputCol)));
    String destination = $(modelPath);
    if ($(trainOn).equals("driver")) {
      trainAndUpload(rows.toLocalIterator(), args, destination);
    } else {
      // One partition, so one task on one executor writes the file and trains.
      rows.repartition(1)
          .mapPartitions(
              (MapPartitionsFunction<Row, String>)
                  it -> List.of(trainAndUpload(it, args, destination)).iterator(),
              Encoders.STRING())
          .collect();
    }
    // The fragment tags this version of the file, so no JVM serves a model cached from an earlier
    // fit.
    String versioned = destination + "#" + uid + "-" + System.currentTimeMillis();
    FastTextClassifier model = copyValues(new FastTextClassifier(uid), ParamMap.empty());
    return model.setModelPath(versioned).setParent(this);
  }

  /**
   * Writes the rows as fastText lines to a local file, trains, and copies the model to its
   * destination.
   */
  static String trainAndUpload(Iterator<Row> rows, TrainingArgs args, String destination) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("corral-fasttext");
      Path input = dir.resolve("train.txt");
      long written = 0;
      try (BufferedWriter out = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
        while (rows.hasNext()) {
          Row r = rows.next();
          if (r.isNullAt(0) || r.isNullAt(1)) {
            continue;
          }
          out.write(trainingLine(r.getString(0), r.getString(1)));
          written++;
        }
      }
      if (written == 0) {
        throw Errors.badInput(destination, "no labelled row to train on");
      }
      FastTextModel model = Trainer.train(input, args, System.err);
      Path bin = dir.resolve("model.bin");
      model.save(bin);
      HadoopFs.upload(bin, destination);
      return destination;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (dir != null) {
        deleteQuietly(dir);
      }
    }
  }

  /** One fastText training line: the label (spaces would split it) and the text on one line. */
  static String trainingLine(String label, String text) {
    return "__label__"
        + label.strip().replaceAll("\\s+", "_")
        + " "
        + text.replace('\n', ' ').replace('\r', ' ')
        + "\n";
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a temporary folder left behind is harmless
    }
  }

  @Override
  public FastTextTrainer copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<FastTextTrainer> read() {
    return new DefaultParamsReader<>();
  }

  public static FastTextTrainer load(String path) {
    return read().load(path);
  }
}
