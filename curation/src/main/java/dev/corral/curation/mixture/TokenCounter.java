package dev.corral.curation.mixture;

import dev.corral.core.stage.Stages;
import dev.corral.core.stage.TextTransformer;
import dev.corral.curation.models.ExecutorTokenizers;
import dev.corral.curation.models.PieceTokenizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Adds {@code num_tokens}: the number of pieces the tokenizer (by default the bundled LLaMA-1/2
 * tokenizer, any Hugging Face {@code tokenizer.json} by param) cuts the text into, without BOS/EOS.
 * A tokenizer.json of SentencePiece's BPE shape (the bundled LLaMA one) is counted by the pure-Java
 * SentencePiece encoder, the same counts as the Rust tokenizer's, faster on one core; others go to
 * DJL in batches ({@code batchSize}), which the Rust tokenizer spreads over the executor's cores.
 * Null text counts as null.
 */
public final class TokenCounter extends TextTransformer<TokenCounter> {
  private static final long serialVersionUID = 1L;

  private final Param<String> outputCol;
  private final Param<String> tokenizer;
  private final IntParam batchSize;

  public TokenCounter() {
    this(Identifiable.randomUID("tokens"));
  }

  public TokenCounter(String uid) {
    super(uid);
    outputCol =
        new Param<>(
            this, "outputCol", "output column for the token count (long)", Stages.nonBlank());
    tokenizer =
        new Param<>(
            this,
            "tokenizer",
            "Hugging Face tokenizer.json: 'builtin:llama-tokenizer.json' or a " + "Hadoop path",
            Stages.nonBlank());
    batchSize =
        new IntParam(
            this,
            "batchSize",
            "texts encoded per call of the native tokenizer, when DJL's is used (> 0)",
            ParamValidators.gt(0));
    setDefault(outputCol, "num_tokens");
    setDefault(tokenizer, ExecutorTokenizers.LLAMA);
    setDefault(batchSize, 256);
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> tokenizer() {
    return tokenizer;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public String getOutputCol() {
    return getOrDefault(outputCol);
  }

  public String getTokenizer() {
    return getOrDefault(tokenizer);
  }

  public int getBatchSize() {
    return (Integer) getOrDefault(batchSize);
  }

  public TokenCounter setOutputCol(String v) {
    set(outputCol, v);
    return this;
  }

  public TokenCounter setTokenizer(String v) {
    set(tokenizer, v);
    return this;
  }

  public TokenCounter setBatchSize(int v) {
    set(batchSize, v);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String stage = "TokenCounter " + uid;
    Stages.requireColumn(stage, schema, getInputCol(), DataTypes.StringType);
    Stages.requireAbsent(stage, schema, getOutputCol());
    return schema.add(getOutputCol(), DataTypes.LongType, true);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema(), true);
    int textIndex = dataset.schema().fieldIndex(getInputCol());
    return dataset
        .toDF()
        .mapPartitions(new Count(getTokenizer(), getBatchSize(), textIndex), Encoders.row(out));
  }

  /** Counts tokens of the texts in {@code batch}, in order; null for null text. */
  static Long[] count(PieceTokenizer tokenizer, List<String> batch) {
    List<String> present = new ArrayList<>(batch.size());
    for (String text : batch) {
      if (text != null) {
        present.add(text);
      }
    }
    long[] counts = tokenizer.counts(present);
    Long[] out = new Long[batch.size()];
    int j = 0;
    for (int i = 0; i < out.length; i++) {
      out[i] = batch.get(i) == null ? null : counts[j++];
    }
    return out;
  }

  public static MLReader<TokenCounter> read() {
    return new DefaultParamsReader<>();
  }

  public static TokenCounter load(String path) {
    return read().load(path);
  }

  /** The partition function: batches rows, encodes each batch once, appends the counts. */
  static final class Count implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final String tokenizerUri;
    private final int batchSize;
    private final int textIndex;

    Count(String tokenizerUri, int batchSize, int textIndex) {
      this.tokenizerUri = tokenizerUri;
      this.batchSize = batchSize;
      this.textIndex = textIndex;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      PieceTokenizer tokenizer = ExecutorTokenizers.pieces(tokenizerUri);
      return new Iterator<>() {
        private final List<Row> batch = new ArrayList<>(batchSize);
        private Long[] counts = new Long[0];
        private int next;

        @Override
        public boolean hasNext() {
          if (next < batch.size()) {
            return true;
          }
          batch.clear();
          next = 0;
          while (batch.size() < batchSize && rows.hasNext()) {
            batch.add(rows.next());
          }
          if (batch.isEmpty()) {
            return false;
          }
          List<String> texts = new ArrayList<>(batch.size());
          for (Row r : batch) {
            texts.add(r.isNullAt(textIndex) ? null : r.getString(textIndex));
          }
          counts = count(tokenizer, texts);
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row r = batch.get(next);
          Object[] values = new Object[r.length() + 1];
          for (int i = 0; i < r.length(); i++) {
            values[i] = r.get(i);
          }
          values[r.length()] = counts[next++];
          return RowFactory.create(values);
        }
      };
    }
  }
}
