package dev.corral.core.stage;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;

/**
 * A stage that reads one text column: the uid, the shared {@code inputCol} param (Spark ML's {@code
 * HasInputCol}, defined once here), {@code copy}, and default save/load. Subclasses need a public
 * constructor taking the uid, which Spark ML's reader and {@code copy} call.
 *
 * @param <T> the concrete stage, so that setters chain
 */
public abstract class TextTransformer<T extends TextTransformer<T>> extends Transformer
    implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  protected final String uid;
  private final Param<String> inputCol;

  protected TextTransformer(String uid) {
    this.uid = uid;
    // Params are created in the constructor, not as field initializers, because they read the uid.
    inputCol = new Param<>(this, "inputCol", "column holding the text (string)", Stages.nonBlank());
    setDefault(inputCol, "text");
  }

  @Override
  public String uid() {
    return uid;
  }

  /** Column holding the text (default {@code text}). */
  public Param<String> inputCol() {
    return inputCol;
  }

  public String getInputCol() {
    return getOrDefault(inputCol);
  }

  public T setInputCol(String value) {
    set(inputCol, value);
    return self();
  }

  @SuppressWarnings("unchecked")
  protected final T self() {
    return (T) this;
  }

  @Override
  public T copy(ParamMap extra) {
    return defaultCopy(extra);
  }
}
