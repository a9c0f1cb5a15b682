package dev.corral.curation.dedup;

import dev.corral.core.stage.DropReasons;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A dedup stage that finds its clusters in one pass, so it needs no fitting ({@link
 * ExactDeduplicator}): the column contract of {@link DedupParams}, {@code copy} and default
 * save/load. Subclasses need a public constructor taking the uid, which Spark ML's reader and
 * {@code copy} call.
 *
 * @param <T> the concrete stage, so that setters chain
 */
public abstract class DedupTransformer<T extends DedupTransformer<T>> extends Transformer
    implements DedupParams<T>, DefaultParamsWritable, DropReasons {
  private static final long serialVersionUID = 1L;

  protected final String uid;
  private final DedupColumns columns;

  protected DedupTransformer(String uid) {
    this.uid = uid;
    // Params are created in the constructor, not as field initializers, because they read the uid.
    columns = new DedupColumns(this);
    setDefault(columns.defaults());
  }

  /** The reason code this stage gives the documents it drops. */
  protected abstract String reason();

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public DedupColumns dedupColumns() {
    return columns;
  }

  @Override
  public List<String> dropReasons() {
    return List.of(reason());
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return DedupColumns.transformSchema(this, schema);
  }

  @Override
  public T copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** This stage as its concrete type, for the setters of subclasses. */
  @SuppressWarnings("unchecked")
  protected final T self() {
    return (T) this;
  }

  /**
   * Rows that an earlier stage dropped: they are annotated as clusters of one and match nothing.
   */
  protected final Column alreadyDropped(StructType schema) {
    return DedupColumns.alreadyDropped(this, schema);
  }

  /**
   * The order that puts the document to keep first in its cluster: highest quality, then smallest
   * id.
   */
  protected final List<Column> keepOrder() {
    return DedupColumns.keepOrder(this);
  }

  /**
   * {@code data} with the output columns, from its columns {@code keptCol} (the cluster's kept id,
   * null for a document alone) and {@code sizeCol} (null alone), which are then dropped.
   */
  protected final Dataset<Row> annotate(Dataset<Row> data, String keptCol, String sizeCol) {
    return DedupColumns.annotate(this, data, keptCol, sizeCol, reason());
  }
}
