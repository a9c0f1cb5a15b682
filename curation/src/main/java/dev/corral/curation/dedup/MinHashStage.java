package dev.corral.curation.dedup;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;

import dev.corral.core.Errors;
import dev.corral.core.io.TextLength;
import dev.corral.core.stage.CheckedParams;
import dev.corral.core.stage.Stages;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * What MinHash-LSH dedup estimators share: shingling, signatures and bands ({@link
 * CandidatePairs}), connected components of the pairs ({@link ConnectedComponents}) and one kept
 * document per component, found in {@link #fit} and held by the {@link DedupModel} it returns,
 * whose {@code transform} annotates the rows. Subclasses say which similarity the bands aim at, how
 * a pair is verified, which document a cluster keeps and the reason code of the others.
 *
 * <p>{@link #fit} runs the search eagerly (components need rounds until they converge), once. Ids
 * must be unique (checked first, with one aggregation). Integral ids are the internal key and the
 * input is read once per pass; other ids get a row number and the input is persisted with it until
 * {@code fit} returns. Either way, read the input from files or a table (or cache it) so that each
 * pass sees the same rows.
 *
 * @param <T> the concrete stage, so that setters chain
 */
public abstract class MinHashStage<T extends MinHashStage<T>> extends Estimator<DedupModel>
    implements DedupParams<T>, DefaultParamsWritable, CheckedParams {
  private static final long serialVersionUID = 1L;

  private static final String UID = "__corral_uid";
  private static final String LENGTH = "__corral_length";

  private final String uid;
  private final DedupColumns columns;
  private final IntParam ngram;
  private final BooleanParam charNgrams;
  private final IntParam numPerm;
  private final IntParam bands;
  private final IntParam rows;
  private final LongParam seed;
  private final IntParam maxBucketSize;
  private final DoubleParam falsePositiveWeight;

  protected MinHashStage(String uid) {
    this.uid = uid;
    // Params are created in the constructor, not as field initializers, because they read the uid.
    columns = new DedupColumns(this);
    setDefault(columns.defaults());
    ngram =
        new IntParam(
            this,
            "ngram",
            "shingle size: words, or characters with charNgrams",
            ParamValidators.gtEq(1));
    charNgrams =
        new BooleanParam(
            this,
            "charNgrams",
            "shingles of characters instead of words (for text without spaces)");
    numPerm =
        new IntParam(
            this,
            "numPerm",
            "MinHash permutations per signature",
            ParamValidators.inRange(1, 4096));
    bands =
        new IntParam(
            this,
            "bands",
            "LSH bands (with rows; unset: chosen from the threshold)",
            ParamValidators.gtEq(1));
    rows =
        new IntParam(
            this, "rows", "signature values per LSH band (with bands)", ParamValidators.gtEq(1));
    seed = new LongParam(this, "seed", "seed of the MinHash permutations");
    maxBucketSize =
        new IntParam(
            this,
            "maxBucketSize",
            "documents of one LSH bucket paired with each other; the rest of a larger bucket are paired with one of "
                + "them and counted as capped",
            ParamValidators.gtEq(2));
    falsePositiveWeight =
        new DoubleParam(
            this,
            "falsePositiveWeight",
            "weight of the false-positive area against the false-negative area when bands and rows are chosen from the "
                + "threshold (unset: 0.05 when pairs are verified, as false positives then cost only a check; else 0.5)",
            ParamValidators.inRange(0, 1, false, false));
    setDefault(ngram, 5);
    setDefault(charNgrams, false);
    setDefault(numPerm, 128);
    setDefault(seed, 42L);
    setDefault(maxBucketSize, 100);
  }

  /** The Jaccard similarity the LSH S-curve is centered on. */
  protected abstract double lshThreshold();

  /** How candidate pairs are verified. */
  protected abstract CandidatePairs.Measure measure();

  /** The verified similarity a pair needs, or NaN to keep every candidate pair unverified. */
  protected abstract double verifyThreshold();

  /** The reason code the model gives the documents a cluster does not keep. */
  protected abstract String reason();

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public DedupColumns dedupColumns() {
    return columns;
  }

  public IntParam ngram() {
    return ngram;
  }

  public int getNgram() {
    return (Integer) getOrDefault(ngram);
  }

  public T setNgram(int value) {
    set(ngram, value);
    return self();
  }

  public BooleanParam charNgrams() {
    return charNgrams;
  }

  public boolean getCharNgrams() {
    return (Boolean) getOrDefault(charNgrams);
  }

  public T setCharNgrams(boolean value) {
    set(charNgrams, value);
    return self();
  }

  public IntParam numPerm() {
    return numPerm;
  }

  public int getNumPerm() {
    return (Integer) getOrDefault(numPerm);
  }

  public T setNumPerm(int value) {
    set(numPerm, value);
    return self();
  }

  public IntParam bands() {
    return bands;
  }

  public IntParam rows() {
    return rows;
  }

  /** The bands as set, or null when chosen from the threshold. */
  public Integer getBands() {
    return isDefined(bands) ? (Integer) getOrDefault(bands) : null;
  }

  /** The rows per band as set, or null when chosen from the threshold. */
  public Integer getRows() {
    return isDefined(rows) ? (Integer) getOrDefault(rows) : null;
  }

  /** Sets the bands explicitly (with {@link #setRows}); bands x rows may not exceed numPerm. */
  public T setBands(int value) {
    set(bands, value);
    return self();
  }

  /** Sets the rows per band explicitly (with {@link #setBands}). */
  public T setRows(int value) {
    set(rows, value);
    return self();
  }

  public DoubleParam falsePositiveWeight() {
    return falsePositiveWeight;
  }

  public T setFalsePositiveWeight(double value) {
    set(falsePositiveWeight, value);
    return self();
  }

  /** The false-positive weight in force: as set, or by whether pairs are verified. */
  public double getFalsePositiveWeight() {
    if (isDefined(falsePositiveWeight)) {
      return (Double) getOrDefault(falsePositiveWeight);
    }
    return Double.isNaN(verifyThreshold()) ? 0.5 : 0.05;
  }

  /**
   * Refuses bands without rows (or rows without bands), and bands x rows above numPerm: the bands
   * would read signature values that do not exist.
   */
  public void checkParams() {
    String stage = getClass().getSimpleName();
    if (isDefined(bands) != isDefined(rows)) {
      IntParam set = isDefined(bands) ? bands : rows;
      IntParam unset = isDefined(bands) ? rows : bands;
      throw Errors.badParams(
          stage,
          set.name()
              + " "
              + getOrDefault(set)
              + " is set but "
              + unset.name()
              + " is not (set both, or neither to choose them from the threshold)");
    }
    if (isDefined(bands)) {
      long product = (long) (Integer) getOrDefault(bands) * (Integer) getOrDefault(rows);
      if (product > getNumPerm()) {
        throw Errors.badParams(
            stage,
            "bands "
                + getOrDefault(bands)
                + " x rows "
                + getOrDefault(rows)
                + " = "
                + product
                + " > numPerm "
                + getNumPerm());
      }
    }
  }

  /**
   * The bands and rows used: as set, or the optimum for the threshold and {@link
   * #getFalsePositiveWeight}.
   */
  public LshBands getLshBands() {
    checkParams();
    if (isDefined(bands)) {
      return new LshBands((Integer) getOrDefault(bands), (Integer) getOrDefault(rows));
    }
    return LshBands.optimal(lshThreshold(), getNumPerm(), getFalsePositiveWeight());
  }

  public LongParam seed() {
    return seed;
  }

  public long getSeed() {
    return (Long) getOrDefault(seed);
  }

  public T setSeed(long value) {
    set(seed, value);
    return self();
  }

  public IntParam maxBucketSize() {
    return maxBucketSize;
  }

  public int getMaxBucketSize() {
    return (Integer) getOrDefault(maxBucketSize);
  }

  public T setMaxBucketSize(int value) {
    set(maxBucketSize, value);
    return self();
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkParams();
    return DedupColumns.transformSchema(this, schema);
  }

  /**
   * Finds the clusters: ids checked unique, then signatures, candidate pairs, verification and
   * connected components, each pass materialized once; returns the model that holds the cluster
   * table and the counts.
   */
  @Override
  public DedupModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    LshBands lsh = getLshBands();
    requireUniqueIds(dataset);
    Column text = Stages.column(getInputCol());
    Column id = Stages.column(getIdCol());
    boolean integralIds = dataset.schema().apply(getIdCol()).dataType() instanceof IntegralType;
    // Integral ids are the internal key as they are; any other id gets a row number, which only a
    // persisted
    // copy keeps stable across the passes below.
    Dataset<Row> docs =
        integralIds
            ? dataset.toDF().withColumn(UID, id.cast(DataTypes.LongType))
            : dataset
                .toDF()
                .withColumn(UID, monotonically_increasing_id())
                .persist(StorageLevel.MEMORY_AND_DISK());
    // A null id takes no part, like a null text: nothing could name it as a duplicate.
    Dataset<Row> texts =
        docs.where(
                not(DedupColumns.alreadyDropped(this, dataset.schema()))
                    .and(text.isNotNull())
                    .and(col(UID).isNotNull()))
            .select(col(UID).as(CandidatePairs.UID), text.as(CandidatePairs.TEXT));

    CandidatePairs search =
        new CandidatePairs(
            dataset.sparkSession(),
            getNgram(),
            getCharNgrams(),
            new MinHasher(getNumPerm(), getSeed()),
            lsh,
            getMaxBucketSize());
    boolean verify = !Double.isNaN(verifyThreshold());
    Dataset<Row> candidates = ConnectedComponents.checkpoint(search.find(texts, verify));
    long candidateCount = candidates.count();
    Dataset<Row> edges =
        ConnectedComponents.checkpoint(
            (verify
                ? search.verify(candidates, candidateCount, texts, measure(), verifyThreshold())
                : candidates.withColumn(
                    CandidatePairs.SIMILARITY, lit(null).cast(DataTypes.DoubleType))));
    long edgeCount = edges.count();
    ConnectedComponents.Result components =
        ConnectedComponents.of(edges.select(CandidatePairs.A, CandidatePairs.B));

    // Only clustered documents are ordered per component, and the result is materialized here: the
    // model's
    // transform joins it to the rows and never reaches back into the search.
    WindowSpec byComponent = Window.partitionBy(ConnectedComponents.COMPONENT);
    WindowSpec ordered =
        byComponent
            .orderBy(clusterOrder().toArray(new Column[0]))
            .rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());
    List<Column> keepColumns =
        new ArrayList<>(List.of(col(UID), id, TextLength.of(text).as(LENGTH)));
    if (getQualityCol() != null) {
      keepColumns.add(Stages.column(getQualityCol()));
    }
    Dataset<Row> members =
        ConnectedComponents.checkpoint(
            components
                .components()
                .join(
                    docs.select(keepColumns.toArray(new Column[0])),
                    col(ConnectedComponents.NODE).equalTo(col(UID)))
                .select(
                    col(UID),
                    id.as(DedupModel.ID),
                    first(id).over(ordered).as(DedupModel.KEPT),
                    count(lit(1)).over(byComponent).as(DedupModel.SIZE)));
    Dataset<Row> clusters = members.select(DedupModel.ID, DedupModel.KEPT, DedupModel.SIZE);

    // Every document of a pair is in a cluster, so the members name both ends.
    Dataset<Row> ids = members.select(col(UID), col(DedupModel.ID));
    Dataset<Row> pairs =
        edges
            .join(
                ids.withColumnRenamed(UID, "ua").withColumnRenamed(DedupModel.ID, "ida"),
                col(CandidatePairs.A).equalTo(col("ua")))
            .join(
                ids.withColumnRenamed(UID, "ub").withColumnRenamed(DedupModel.ID, "idb"),
                col(CandidatePairs.B).equalTo(col("ub")))
            .select(
                least(col("ida"), col("idb")).as("id_a"),
                greatest(col("ida"), col("idb")).as("id_b"),
                col(CandidatePairs.SIMILARITY));
    if (!integralIds) {
      docs.unpersist(); // the row numbers are in the checkpointed members now
    }
    DedupModel.Stats stats =
        new DedupModel.Stats(
            search.documents(),
            lsh,
            candidateCount,
            edgeCount,
            search.cappedBuckets(),
            search.cappedMembers(),
            components.rounds());
    DedupModel model = new DedupModel(uid, clusters, pairs, stats).setReason(reason());
    return copyValues(model, ParamMap.empty()).setParent(this);
  }

  /**
   * Fails unless every non-null id names one row: the model joins its cluster table to the rows by
   * id, and a repeated id would multiply them. One aggregation; the message names up to 3 ids, the
   * most repeated first.
   */
  private void requireUniqueIds(Dataset<?> dataset) {
    Column id = Stages.column(getIdCol());
    String n = UID + "_n";
    List<Row> repeated =
        dataset
            .toDF()
            .where(id.isNotNull())
            .groupBy(id)
            .agg(count(lit(1)).as(n))
            .where(col(n).gt(1))
            .orderBy(col(n).desc(), id.asc())
            .limit(3)
            .collectAsList();
    if (!repeated.isEmpty()) {
      StringJoiner examples = new StringJoiner(", ");
      for (Row r : repeated) {
        examples.add(oneLine(r.get(0)) + " (" + r.getLong(1) + " rows)");
      }
      throw Errors.badInput(
          DedupColumns.name(this),
          "column '"
              + getIdCol()
              + "' must name each document once "
              + "but repeats ids: "
              + examples);
    }
  }

  // An id as it reads in a one-line message: whitespace runs as one space, at most 40 characters.
  private static String oneLine(Object id) {
    String s = String.valueOf(id).replaceAll("\\s+", " ");
    return s.length() > 40 ? s.substring(0, 39) + "…" : s;
  }

  @Override
  public T copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @SuppressWarnings("unchecked")
  protected final T self() {
    return (T) this;
  }

  /**
   * The order that puts a cluster's kept document first (by default highest quality, then smallest
   * id).
   */
  protected List<Column> clusterOrder() {
    return DedupColumns.keepOrder(this);
  }

  /** The text's length, for {@link #clusterOrder}. */
  protected static Column textLength() {
    return col(LENGTH);
  }
}
