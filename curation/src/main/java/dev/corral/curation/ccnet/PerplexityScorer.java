package dev.corral.curation.ccnet;

import dev.corral.core.stage.Stages;
import dev.corral.core.stage.TextTransformer;
import dev.corral.curation.lm.CcnetPerplexity;
import dev.corral.curation.models.ExecutorTokenizers;
import java.util.Optional;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * CCNet's document perplexity (Wenzek et al. 2020, section 3.3) under the n-gram model of the
 * document's language: {@code lmDir} holds {@code <lang>.arpa.bin} (a KenLM binary, as CCNet
 * releases them) or {@code <lang>.arpa} (KenLM's or Corral's, see {@code corral lm train}) and
 * optionally {@code <lang>.tokenizer.json}; text is normalized as CCNet does, tokenized (the
 * bundled LLaMA tokenizer by default, {@code whitespace} for pre-tokenized text), scored line by
 * line (or, with {@code mode=document}, as one line, as CCNet's {@code mine.py} does), and the
 * perplexity rounded to 0.1. A language without a model, or null text, gives null.
 */
public final class PerplexityScorer extends TextTransformer<PerplexityScorer> {
  private static final long serialVersionUID = 1L;

  private final Param<String> languageCol;
  private final Param<String> lmDir;
  private final Param<String> tokenizer;
  private final Param<String> mode;
  private final Param<String> outputCol;

  public PerplexityScorer() {
    this(Identifiable.randomUID("perplexity"));
  }

  public PerplexityScorer(String uid) {
    super(uid);
    languageCol =
        new Param<>(
            this, "languageCol", "column holding the document's language", Stages.nonBlank());
    lmDir =
        new Param<>(
            this,
            "lmDir",
            "folder of <lang>.arpa.bin (KenLM binary) or <lang>.arpa models (any Hadoop path)",
            Stages.nonBlank());
    tokenizer =
        new Param<>(
            this,
            "tokenizer",
            "'whitespace' or a Hugging Face tokenizer.json for languages "
                + "without their own <lang>.tokenizer.json",
            Stages.nonBlank());
    mode =
        new Param<>(
            this,
            "mode",
            "'lines': each line normalized, tokenized and scored (CCNet's DocLM with "
                + "normalize=True); 'document': the whole document normalized at once (its newlines "
                + "vanish with the other control characters), tokenized and scored as one line (CCNet's "
                + "mine.py, which RedPajama reused)",
            ParamValidators.inArray(new String[] {"lines", "document"}));
    outputCol =
        new Param<>(
            this, "outputCol", "output column for the perplexity (double)", Stages.nonBlank());
    setDefault(inputCol(), "raw_content");
    setDefault(languageCol, "language");
    setDefault(tokenizer, ExecutorTokenizers.LLAMA);
    setDefault(mode, "lines");
    setDefault(outputCol, "perplexity");
  }

  public Param<String> languageCol() {
    return languageCol;
  }

  public Param<String> lmDir() {
    return lmDir;
  }

  public Param<String> tokenizer() {
    return tokenizer;
  }

  public Param<String> mode() {
    return mode;
  }

  public String getMode() {
    return getOrDefault(mode);
  }

  public PerplexityScorer setMode(String v) {
    set(mode, v);
    return this;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public String getLanguageCol() {
    return getOrDefault(languageCol);
  }

  public String getLmDir() {
    return getOrDefault(lmDir);
  }

  public String getTokenizer() {
    return getOrDefault(tokenizer);
  }

  public String getOutputCol() {
    return getOrDefault(outputCol);
  }

  public PerplexityScorer setLanguageCol(String v) {
    set(languageCol, v);
    return this;
  }

  public PerplexityScorer setLmDir(String v) {
    set(lmDir, v);
    return this;
  }

  public PerplexityScorer setTokenizer(String v) {
    set(tokenizer, v);
    return this;
  }

  public PerplexityScorer setOutputCol(String v) {
    set(outputCol, v);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String stage = "PerplexityScorer " + uid;
    Stages.requireColumn(stage, schema, getInputCol(), DataTypes.StringType);
    Stages.requireColumn(stage, schema, getLanguageCol(), DataTypes.StringType);
    Stages.requireAbsent(stage, schema, getOutputCol());
    return schema.add(getOutputCol(), DataTypes.DoubleType, true);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    var udf =
        functions
            .udf(new Score(getLmDir(), getTokenizer(), getMode()), DataTypes.DoubleType)
            .withName("corral_perplexity");
    return dataset
        .toDF()
        .withColumn(
            getOutputCol(),
            udf.apply(Stages.column(getInputCol()), Stages.column(getLanguageCol())));
  }

  public static MLReader<PerplexityScorer> read() {
    return new DefaultParamsReader<>();
  }

  public static PerplexityScorer load(String path) {
    return read().load(path);
  }

  /**
   * The row function: state is the folder and the tokenizer URI; models come from {@link
   * LanguageModels}.
   */
  static final class Score implements UDF2<String, String, Double> {
    private static final long serialVersionUID = 1L;
    private final String lmDir;
    private final String tokenizer;
    private final String mode;
    // Per task: the models met so far, so a row costs one small map lookup rather than a
    // shared-cache key build.
    private transient java.util.Map<String, Optional<CcnetPerplexity>> models;

    Score(String lmDir, String tokenizer, String mode) {
      this.lmDir = lmDir;
      this.tokenizer = tokenizer;
      this.mode = mode;
    }

    @Override
    public Double call(String text, String language) {
      if (text == null || language == null) {
        return null;
      }
      if (models == null) {
        models = new java.util.HashMap<>();
      }
      Optional<CcnetPerplexity> model =
          models.computeIfAbsent(
              language,
              l ->
                  LanguageModels.get(lmDir, l, tokenizer)
                      .map(p -> p.withMode(CcnetPerplexity.Mode.parse(mode))));
      if (model.isEmpty()) {
        return null;
      }
      double p = model.get().perplexity(text);
      return Double.isNaN(p) ? null : p;
    }
  }
}
