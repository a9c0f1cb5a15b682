package dev.corral.core.stage;

import org.apache.spark.ml.param.Param;

/**
 * A stage that reads one text column: the shared {@code inputCol} param (Spark ML's {@code
 * HasInputCol}, defined once here) on top of {@link CorralTransformer}.
 *
 * @param <T> the concrete stage, so that setters chain
 */
public abstract class TextTransformer<T extends TextTransformer<T>> extends CorralTransformer<T> {
  private static final long serialVersionUID = 1L;

  private final Param<String> inputCol;

  protected TextTransformer(String uid) {
    super(uid);
    // Params are created in the constructor, not as field initializers, because they read the uid.
    inputCol = new Param<>(this, "inputCol", "column holding the text (string)", Stages.nonBlank());
    setDefault(inputCol, "text");
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
}
