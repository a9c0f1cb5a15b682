package dev.corral.core.stage;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;

/**
 * What every Corral transformer shares: its uid, setters that chain ({@link #self}), {@code copy}
 * and default save/load. Subclasses need a public constructor taking the uid, which Spark ML's
 * reader and {@code copy} call, and create their params in it (a param reads the uid).
 *
 * @param <T> the concrete stage, so that setters chain
 */
public abstract class CorralTransformer<T extends CorralTransformer<T>> extends Transformer
    implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  protected final String uid;

  protected CorralTransformer(String uid) {
    this.uid = uid;
  }

  @Override
  public String uid() {
    return uid;
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
