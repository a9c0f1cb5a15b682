package dev.corral.core.stage;

import org.apache.spark.ml.param.Param;

/**
 * A filter stage: a {@link TextTransformer} that also names the {@code drop_reason} column, which
 * it sets only where still null (see {@link FilterColumns}), so the first stage that rejects a
 * document names why. Each filter declares the reasons it may set ({@link DropReasons}).
 *
 * @param <T> the concrete stage, so that setters chain
 */
public abstract class FilterTransformer<T extends FilterTransformer<T>> extends TextTransformer<T>
    implements DropReasons {
  private static final long serialVersionUID = 1L;

  private final Param<String> dropReasonCol;

  protected FilterTransformer(String uid) {
    super(uid);
    dropReasonCol =
        new Param<>(
            this,
            "dropReasonCol",
            "column naming why a document is dropped (string); set only where still null",
            Stages.nonBlank());
    setDefault(dropReasonCol, "drop_reason");
  }

  /** Column naming the drop reason (default {@code drop_reason}). */
  public Param<String> dropReasonCol() {
    return dropReasonCol;
  }

  public String getDropReasonCol() {
    return getOrDefault(dropReasonCol);
  }

  public T setDropReasonCol(String value) {
    set(dropReasonCol, value);
    return self();
  }
}
