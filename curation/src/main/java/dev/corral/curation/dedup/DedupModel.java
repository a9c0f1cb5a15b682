package dev.corral.curation.dedup;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.core.Errors;
import dev.corral.core.stage.DropReasons;
import dev.corral.core.stage.Stages;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.json4s.JsonAST.JObject;
import org.json4s.StringInput;
import org.json4s.jackson.JsonMethods$;
import scala.Option;

/**
 * What {@link MinHashDeduplicator} and {@link BookDeduplicator} learn in {@code fit}, held as
 * Spark's ALSModel holds its factors: the cluster table, one row per document in a cluster of two
 * or more (a few percent of a corpus, never the whole input) with the id its cluster keeps and the
 * cluster's size, and the counts of the search that found it ({@link Stats}). The search ran once,
 * in {@code fit}; {@link #transform} only joins the table to the rows (broadcast when small) and
 * adds the annotation columns of {@link DedupParams}, so a Pipeline may transform as often as it
 * likes. The model carries the estimator's column params; rows that an earlier stage dropped match
 * nothing.
 *
 * <p>Saved as Spark ML saves models with data: params and {@link Stats} in the metadata, the
 * cluster table as Parquet in {@code clusters/}. The pairs that linked the documents are held only
 * by a model fresh from {@code fit} (like a training summary, they are not saved).
 */
public final class DedupModel extends Model<DedupModel>
    implements DedupParams<DedupModel>, MLWritable, DropReasons {
  private static final long serialVersionUID = 1L;

  /**
   * Columns of {@link #clusters}: a clustered document's id, the id its cluster keeps, the
   * cluster's size.
   */
  public static final String ID = "id";

  public static final String KEPT = "kept_id";
  public static final String SIZE = "size";

  private static final String CLUSTERS = "clusters";
  // The cluster table's columns while it is joined to the rows, named so that they meet no input
  // column.
  private static final String MATCH_ID = "__corral_cluster_id";
  private static final String MATCH_KEPT = "__corral_cluster_kept";
  private static final String MATCH_SIZE = "__corral_cluster_size";

  private final String uid;
  private final DedupColumns columns;
  private final Param<String> reason;
  // Tables live in the session that made or loaded them; the model itself never travels to
  // executors.
  private final transient Dataset<Row> clusters;
  private final transient Dataset<Row> pairs;
  private final Stats stats;

  /**
   * The counts of a run. {@code documents} and the capped counts come from accumulators in the
   * search, so a task that Spark retries counts again; the pair counts are exact. {@code
   * componentRounds} is 0 when the components were found on the driver ({@link
   * ConnectedComponents#DRIVER_EDGES}).
   */
  public record Stats(
      long documents,
      LshBands bands,
      long candidatePairs,
      long pairs,
      long cappedBuckets,
      long cappedMembers,
      int componentRounds)
      implements Serializable {}

  /**
   * A model of {@code clusters} (columns {@link #ID}, {@link #KEPT}, {@link #SIZE}); {@code pairs}
   * may be null.
   */
  DedupModel(String uid, Dataset<Row> clusters, Dataset<Row> pairs, Stats stats) {
    this.uid = uid;
    this.clusters = clusters;
    this.pairs = pairs;
    this.stats = stats;
    columns = new DedupColumns(this);
    reason =
        new Param<>(
            this,
            "reason",
            "drop reason given to the documents a cluster does not keep (near_duplicate, book_overlap)",
            Stages.nonBlank());
    setDefault(columns.defaults());
  }

  @Override
  public String uid() {
    return uid;
  }

  /**
   * One row per document in a cluster of two or more: {@link #ID} (typed as the id column), {@link
   * #KEPT} (the id of the document its cluster keeps, itself included) and {@link #SIZE} (long).
   * Documents alone are not in it.
   */
  public Dataset<Row> clusters() {
    return clusters;
  }

  /** The counts of the search that made this model. */
  public Stats stats() {
    return stats;
  }

  /**
   * Whether {@link #pairs} are here: true for a model fresh from {@code fit}, false for a loaded
   * one.
   */
  public boolean hasPairs() {
    return pairs != null;
  }

  /**
   * The pairs that linked documents: {@code id_a < id_b}, typed as the id column, and their
   * verified {@code similarity} (null unverified). Read from the search's checkpointed results, so
   * listing them searches nothing again.
   */
  public Dataset<Row> pairs() {
    if (pairs == null) {
      throw Errors.unsupported(
          DedupColumns.name(this),
          "a loaded model has no pairs (they are not saved); fit "
              + "the estimator again to list them");
    }
    return pairs;
  }

  public Param<String> reason() {
    return reason;
  }

  public String getReason() {
    return getOrDefault(reason);
  }

  public DedupModel setReason(String value) {
    set(reason, value);
    return this;
  }

  @Override
  public DedupColumns dedupColumns() {
    return columns;
  }

  /**
   * The estimator's column contract, and ids of the type the model was fitted on (so the join never
   * casts).
   */
  @Override
  public List<String> dropReasons() {
    return List.of(getReason());
  }

  @Override
  public StructType transformSchema(StructType schema) {
    StructType out = DedupColumns.transformSchema(this, schema);
    DataType fitted = clusters.schema().apply(ID).dataType();
    DataType id = schema.apply(getIdCol()).dataType();
    if (!id.equals(fitted)) {
      throw Errors.badColumn(
          DedupColumns.name(this),
          getIdCol(),
          "is "
              + id.simpleString()
              + " but the model was fitted on "
              + fitted.simpleString()
              + " ids");
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Dataset<Row> table =
        clusters.select(col(ID).as(MATCH_ID), col(KEPT).as(MATCH_KEPT), col(SIZE).as(MATCH_SIZE));
    if (2 * stats.pairs() <= CandidatePairs.BROADCAST_ROWS) {
      table =
          broadcast(table); // clustered documents are few (at most two per pair): the rows stay put
    }
    // The table has one row per id (fit checks that ids are unique), so the join never adds rows.
    Column match =
        Stages.column(getIdCol())
            .equalTo(col(MATCH_ID))
            .and(not(DedupColumns.alreadyDropped(this, dataset.schema())));
    Dataset<Row> joined = dataset.toDF().join(table, match, "left").drop(MATCH_ID);
    return DedupColumns.annotate(this, joined, MATCH_KEPT, MATCH_SIZE, getReason());
  }

  @Override
  public DedupModel copy(ParamMap extra) {
    return copyValues(new DedupModel(uid, clusters, pairs, stats), extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  /** Spark ML's reader for a saved model; {@code PipelineModel} loading finds it by reflection. */
  public static MLReader<DedupModel> read() {
    return new Reader();
  }

  /** Loads a model saved with {@code write().save(path)}. */
  public static DedupModel load(String path) {
    return read().load(path);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  // The params and stats as DefaultParamsWriter's metadata (the stats as an extra field), the table
  // as Parquet.
  private static final class Writer extends MLWriter {
    private final DedupModel model;

    Writer(DedupModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      Stats s = model.stats;
      ObjectNode stats =
          JSON.createObjectNode()
              .put("documents", s.documents())
              .put("bands", s.bands().bands())
              .put("rows", s.bands().rows())
              .put("candidatePairs", s.candidatePairs())
              .put("pairs", s.pairs())
              .put("cappedBuckets", s.cappedBuckets())
              .put("cappedMembers", s.cappedMembers())
              .put("componentRounds", s.componentRounds());
      String extra = JSON.createObjectNode().set("stats", stats).toString();
      JObject metadata = (JObject) JsonMethods$.MODULE$.parse(new StringInput(extra), false, false);
      DefaultParamsWriter.saveMetadata(model, path, sc(), Option.apply(metadata), Option.empty());
      model.clusters.write().parquet(new Path(path, CLUSTERS).toString());
    }
  }

  private static final class Reader extends MLReader<DedupModel> {
    @Override
    public DedupModel load(String path) {
      DefaultParamsReader.Metadata metadata =
          DefaultParamsReader.loadMetadata(path, sc(), DedupModel.class.getName());
      JsonNode s;
      try {
        s = JSON.readTree(metadata.metadataJson()).path("stats");
      } catch (IOException e) {
        throw new UncheckedIOException(e); // loadMetadata has parsed the same text already
      }
      if (!s.isObject()) {
        throw Errors.badInput(path, "not a saved DedupModel: its metadata has no stats");
      }
      Stats stats =
          new Stats(
              s.path("documents").asLong(),
              new LshBands(s.path("bands").asInt(), s.path("rows").asInt()),
              s.path("candidatePairs").asLong(),
              s.path("pairs").asLong(),
              s.path("cappedBuckets").asLong(),
              s.path("cappedMembers").asLong(),
              s.path("componentRounds").asInt());
      Dataset<Row> clusters = sparkSession().read().parquet(new Path(path, CLUSTERS).toString());
      DedupModel model = new DedupModel(metadata.uid(), clusters, null, stats);
      metadata.getAndSetParams(model, Option.empty());
      return model;
    }
  }
}
