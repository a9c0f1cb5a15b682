package dev.corral.curation.dedup;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.dense_rank;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.corral.core.Errors;
import dev.corral.core.io.Ids;
import dev.corral.core.stage.CheckedParams;
import dev.corral.core.stage.Stages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;

/**
 * Book-level near-duplicate removal as RedPajama v1 did it for PG-19 and Books3 ({@code
 * rp_v1:data_prep/book/dedup.py}, defaults {@code -w 6 -k 5 -l 0}): every book gets a 64-bit {@link
 * SimHash} of its character 6-grams, books within Hamming distance {@code maxDistance} (5) are
 * near-duplicates, found exactly through {@code maxDistance + 1} blocks (two fingerprints that
 * close agree on one block), and a book is dropped ({@code drop_reason = book_near_duplicate}) by
 * the rule {@code rule} over the order of {@code orderCol} (unset: the id):
 *
 * <ul>
 *   <li>{@code kept_smaller} (default, RedPajama's rule with its bug fixed): dropped when a
 *       near-duplicate with a smaller order value is kept, deciding books in order, so every
 *       dropped book has a kept near-duplicate;
 *   <li>{@code any_smaller} (RedPajama's {@code find_match}): dropped when any near-duplicate has a
 *       smaller order value, even one that is itself dropped, so a chain {@code a ~ b ~ c} with
 *       {@code a} far from {@code c} loses {@code c};
 *   <li>{@code redpajama}: {@code any_smaller}, and books that share an order value share one
 *       decision, that of the book with the smallest id, as RedPajama v1 keyed its decisions by its
 *       numeric ids, which PG-19 and Books3 shared (so Books3's decision, made last, won).
 * </ul>
 *
 * <p>An estimator like {@link MinHashDeduplicator}: {@code fit} searches once and returns the
 * {@link DedupModel} whose table holds every book that has a near-duplicate (its {@code kept_id}:
 * the book that made it a duplicate, or itself; its {@code size}: itself and its near-duplicates).
 * Identical fingerprints are grouped before the search, so exact copies cost one comparison. Ids
 * must be unique; rows with a null text, id or order take no part.
 */
public final class SimHashDeduplicator extends Estimator<DedupModel>
    implements DedupParams<SimHashDeduplicator>, DefaultParamsWritable, CheckedParams {
  private static final long serialVersionUID = 1L;

  /** The drop reason of a book that has a near-duplicate kept in its place. */
  public static final String BOOK_NEAR_DUPLICATE = "book_near_duplicate";

  /** Rules for which near-duplicate a book gives way to. */
  public static final String KEPT_SMALLER = "kept_smaller";

  public static final String ANY_SMALLER = "any_smaller";
  public static final String REDPAJAMA = "redpajama";

  private static final String ID = "__corral_id";
  private static final String ORDER = "__corral_order";
  private static final String FP = "__corral_fp";
  private static final String FIRST = "__corral_first";

  private final String uid;
  private final DedupColumns columns;
  private final IntParam width;
  private final IntParam maxDistance;
  private final IntParam maxChars;
  private final Param<String> orderCol;
  private final Param<String> rule;

  public SimHashDeduplicator() {
    this(Identifiable.randomUID("simhashDedup"));
  }

  public SimHashDeduplicator(String uid) {
    this.uid = uid;
    columns = new DedupColumns(this);
    setDefault(columns.defaults());
    width =
        new IntParam(
            this,
            "width",
            "code points per feature, taken after lower-casing and removing non-word characters (RedPajama -w: 6)",
            ParamValidators.inRange(1, 13));
    maxDistance =
        new IntParam(
            this,
            "maxDistance",
            "largest Hamming distance between the 64-bit fingerprints of near-duplicates (RedPajama -k: 5)",
            ParamValidators.inRange(0, 31));
    maxChars =
        new IntParam(
            this,
            "maxChars",
            "code points of each text that are hashed, 0 for all (RedPajama -l: 0)",
            ParamValidators.gtEq(0));
    orderCol =
        new Param<>(
            this,
            "orderCol",
            "column whose smaller value wins among near-duplicates (string or number; unset: the id column)",
            Stages.nonBlank());
    rule =
        new Param<>(
            this,
            "rule",
            "which books are dropped: kept_smaller (a kept near-duplicate has a smaller order), any_smaller "
                + "(any near-duplicate has, RedPajama's find_match) or redpajama (any_smaller, and books sharing "
                + "an order value share the decision of the smallest id, as RedPajama v1's colliding ids did)",
            ParamValidators.inArray(new String[] {KEPT_SMALLER, ANY_SMALLER, REDPAJAMA}));
    setDefault(width, 6);
    setDefault(maxDistance, 5);
    setDefault(maxChars, 0);
    setDefault(rule, KEPT_SMALLER);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public DedupColumns dedupColumns() {
    return columns;
  }

  public IntParam width() {
    return width;
  }

  public int getWidth() {
    return (Integer) getOrDefault(width);
  }

  public SimHashDeduplicator setWidth(int value) {
    set(width, value);
    return this;
  }

  public IntParam maxDistance() {
    return maxDistance;
  }

  public int getMaxDistance() {
    return (Integer) getOrDefault(maxDistance);
  }

  public SimHashDeduplicator setMaxDistance(int value) {
    set(maxDistance, value);
    return this;
  }

  public IntParam maxChars() {
    return maxChars;
  }

  public int getMaxChars() {
    return (Integer) getOrDefault(maxChars);
  }

  public SimHashDeduplicator setMaxChars(int value) {
    set(maxChars, value);
    return this;
  }

  public Param<String> orderCol() {
    return orderCol;
  }

  /** The order column in force: as set, else the id column. */
  public String getOrderCol() {
    return isDefined(orderCol) ? getOrDefault(orderCol) : getIdCol();
  }

  public SimHashDeduplicator setOrderCol(String value) {
    set(orderCol, value);
    return this;
  }

  public Param<String> rule() {
    return rule;
  }

  public String getRule() {
    return getOrDefault(rule);
  }

  public SimHashDeduplicator setRule(String value) {
    set(rule, value);
    return this;
  }

  /** Refuses qualityCol: the order column decides which near-duplicate stays. */
  @Override
  public void checkParams() {
    if (getQualityCol() != null) {
      throw Errors.badParams(
          "SimHashDeduplicator",
          "qualityCol "
              + getQualityCol()
              + " is set but the order column decides which near-duplicate stays; set orderCol instead");
    }
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkParams();
    StructType out = DedupColumns.transformSchema(this, schema);
    String order = getOrderCol();
    if (!Arrays.asList(schema.fieldNames()).contains(order)) {
      throw Errors.badColumn(
          DedupColumns.name(this),
          order,
          "does not exist; columns are " + Arrays.toString(schema.fieldNames()));
    }
    DataType type = schema.apply(order).dataType();
    if (!DataTypes.StringType.equals(type) && !(type instanceof NumericType)) {
      throw Errors.badColumn(
          DedupColumns.name(this),
          order,
          "must be a string or a number but is " + type.simpleString());
    }
    return out;
  }

  /**
   * Fingerprints every book once, finds the near-duplicate fingerprints block by block, applies the
   * rule and returns the model that holds the books with near-duplicates.
   */
  @Override
  public DedupModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Ids.requireUnique(dataset.toDF(), getIdCol());
    Column text = Stages.column(getInputCol());
    Column id = Stages.column(getIdCol());
    Column order = Stages.column(getOrderCol());
    Dataset<Row> taking =
        dataset
            .toDF()
            .where(
                not(DedupColumns.alreadyDropped(this, dataset.schema()))
                    .and(text.isNotNull())
                    .and(id.isNotNull())
                    .and(order.isNotNull()))
            .select(id.as(ID), order.as(ORDER), text);
    StructType fingerprinted =
        new StructType()
            .add(ID, taking.schema().apply(ID).dataType(), false)
            .add(ORDER, taking.schema().apply(ORDER).dataType(), false)
            .add(FP, DataTypes.LongType, false);
    Dataset<Row> books =
        taking
            .mapPartitions(new Fingerprints(getWidth(), getMaxChars()), Encoders.row(fingerprinted))
            .persist(StorageLevel.MEMORY_AND_DISK());
    long documents = books.count();

    // One row per distinct fingerprint: its books and the first of them in order.
    Column firstOf = struct(col(ORDER), col(ID));
    Dataset<Row> groups =
        ConnectedComponents.checkpoint(
            books.groupBy(FP).agg(count(lit(1)).as("n"), min(firstOf).as(FIRST)));
    LongAccumulator compared =
        dataset.sparkSession().sparkContext().longAccumulator("corral.simhash.compared_pairs");
    Dataset<Row> near =
        ConnectedComponents.checkpoint(nearFingerprints(groups, getMaxDistance(), compared));

    // Per fingerprint: the first book among it and its near fingerprints, and how many books they
    // hold.
    Dataset<Row> both =
        near.select(col("a").as("f"), col("b").as("g"))
            .union(near.select(col("b").as("f"), col("a").as("g")));
    Dataset<Row> neighbours =
        both.join(groups.select(col(FP).as("g"), col("n").as("gn"), col(FIRST).as("gfirst")), "g")
            .groupBy("f")
            .agg(min("gfirst").as("nfirst"), sum("gn").as("nsize"));
    Dataset<Row> stats =
        groups
            .join(neighbours, groups.col(FP).equalTo(neighbours.col("f")), "left")
            .select(
                col(FP),
                col("n"),
                col(FIRST),
                when(col("nfirst").isNotNull().and(col("nfirst").lt(col(FIRST))), col("nfirst"))
                    .otherwise(col(FIRST))
                    .as("nearest"),
                col("n").plus(coalesce(col("nsize"), lit(0L))).as("size"));

    int rounds = 0;
    Dataset<Row> decided;
    if (getRule().equals(KEPT_SMALLER)) {
      ConnectedComponents.Result components =
          ConnectedComponents.of(near.select(col("a"), col("b")));
      rounds = components.rounds();
      decided = keptSmaller(books, stats, near, components.components());
    } else {
      Dataset<Row> any =
          books
              .join(stats, FP)
              .select(
                  col(ID),
                  col(ORDER),
                  col("size"),
                  col("nearest").getField(ORDER).lt(col(ORDER)).as("dropped"),
                  col("nearest").getField(ID).as("by"));
      decided =
          getRule().equals(ANY_SMALLER)
              ? any.select(
                  col(ID),
                  col("size"),
                  when(col("dropped"), col("by")).otherwise(col(ID)).as(DedupModel.KEPT))
              : sharedByOrder(any);
    }
    Dataset<Row> clusters =
        ConnectedComponents.checkpoint(
            decided
                .where(col("size").gt(1).or(col(DedupModel.KEPT).notEqual(col(ID))))
                .select(
                    col(ID).as(DedupModel.ID),
                    col(DedupModel.KEPT),
                    col("size").cast(DataTypes.LongType).as(DedupModel.SIZE)));

    Row counted =
        groups
            .agg(sum(col("n").multiply(col("n").minus(1)).divide(2)).cast(DataTypes.LongType))
            .first();
    long samePairs = counted.isNullAt(0) ? 0 : counted.getLong(0);
    Row nearCounted =
        near.join(groups.select(col(FP).as("a"), col("n").as("na")), "a")
            .join(groups.select(col(FP).as("b"), col("n").as("nb")), "b")
            .agg(sum(col("na").multiply(col("nb"))).cast(DataTypes.LongType))
            .first();
    long nearPairs = nearCounted.isNullAt(0) ? 0 : nearCounted.getLong(0);
    long searched = compared.value();
    Dataset<Row> pairs = bookPairs(books, near);
    int blocks = getMaxDistance() + 1;
    DedupModel.Stats stats2 =
        new DedupModel.Stats(
            documents,
            new LshBands(blocks, SimHash.BITS / blocks),
            searched,
            samePairs + nearPairs,
            0,
            0,
            rounds);
    books.unpersist();
    DedupModel model = new DedupModel(uid, clusters, pairs, stats2).setReason(BOOK_NEAR_DUPLICATE);
    return copyValues(model, ParamMap.empty()).setParent(this);
  }

  /**
   * Pairs {@code (a < b, distance)} of distinct fingerprints within {@code maxDistance}, each once:
   * fingerprints are grouped by every block, compared within a group, and a pair is kept only in
   * the first block the two share.
   */
  private static Dataset<Row> nearFingerprints(
      Dataset<Row> groups, int maxDistance, LongAccumulator compared) {
    int[] offsets = SimHash.blockOffsets(maxDistance);
    StructType keys =
        new StructType()
            .add("block", DataTypes.IntegerType, false)
            .add("value", DataTypes.LongType, false)
            .add(FP, DataTypes.LongType, false);
    Dataset<Row> keyed =
        groups
            .select(FP)
            .flatMap(
                (FlatMapFunction<Row, Row>)
                    row -> {
                      long fp = row.getLong(0);
                      List<Row> out = new ArrayList<>(offsets.length);
                      for (int i = 0; i < offsets.length; i++) {
                        out.add(RowFactory.create(i, SimHash.block(fp, offsets, i), fp));
                      }
                      return out.iterator();
                    },
                Encoders.row(keys));
    StructType pairs =
        new StructType()
            .add("a", DataTypes.LongType, false)
            .add("b", DataTypes.LongType, false)
            .add("distance", DataTypes.IntegerType, false);
    // Sorted by key, each block's bucket is a run of rows.
    return keyed
        .repartition(col("block"), col("value"))
        .sortWithinPartitions("block", "value", FP)
        .mapPartitions(new BucketPairs(offsets, maxDistance, compared), Encoders.row(pairs));
  }

  /**
   * {@code kept_smaller}: fingerprints decided in order of their first book, within connected
   * components of near fingerprints; a fingerprint is kept when no kept near fingerprint comes
   * before it, and its first book (and books of equal order) stand for it.
   */
  private Dataset<Row> keptSmaller(
      Dataset<Row> books, Dataset<Row> stats, Dataset<Row> near, Dataset<Row> components) {
    Dataset<Row> nodes =
        stats
            .join(components, stats.col(FP).equalTo(components.col(ConnectedComponents.NODE)))
            .select(col(ConnectedComponents.COMPONENT).as("c"), col(FP), col(FIRST));
    WindowSpec inComponent = Window.partitionBy("c");
    Dataset<Row> ranked =
        nodes.select(
            col("c"),
            lit(0).as("kind"),
            col(FP).as("x"),
            lit(0L).as("y"),
            dense_rank()
                .over(inComponent.orderBy(col(FIRST).getField(ORDER)))
                .cast(DataTypes.IntegerType)
                .as("rank"),
            row_number()
                .over(inComponent.orderBy(col(FIRST)))
                .cast(DataTypes.IntegerType)
                .as("seq"));
    Dataset<Row> edges =
        near.join(components, near.col("a").equalTo(components.col(ConnectedComponents.NODE)))
            .select(
                col(ConnectedComponents.COMPONENT).as("c"),
                lit(1).as("kind"),
                col("a").as("x"),
                col("b").as("y"),
                lit(0).as("rank"),
                lit(0).as("seq"));
    StructType verdicts =
        new StructType()
            .add(FP, DataTypes.LongType, false)
            .add("kept", DataTypes.BooleanType, false)
            .add("by", DataTypes.LongType, true);
    Dataset<Row> greedy =
        ranked
            .union(edges)
            .repartition(col("c"))
            .sortWithinPartitions("c", "kind")
            .mapPartitions(new Greedy(), Encoders.row(verdicts));
    // A fingerprint in no component is kept; the first book of a kept one keeps its place.
    Dataset<Row> byFirst = stats.select(col(FP).as("byfp"), col(FIRST).as("byfirst"));
    Dataset<Row> fingerprints =
        stats
            .join(greedy, FP)
            .join(byFirst, col("by").equalTo(col("byfp")), "left")
            .select(col(FP), col("kept"), col("byfirst"))
            .union(
                stats
                    .join(greedy, stats.col(FP).equalTo(greedy.col(FP)), "left_anti")
                    .select(
                        col(FP),
                        lit(true).as("kept"),
                        lit(null).cast(stats.schema().apply(FIRST).dataType()).as("byfirst")));
    Dataset<Row> withFirst =
        books
            .join(stats.select(FP, FIRST, "size"), FP)
            .join(fingerprints, FP)
            .select(
                col(ID),
                col("size"),
                when(col("kept").and(col(ORDER).equalTo(col(FIRST).getField(ORDER))), col(ID))
                    .when(col("kept"), col(FIRST).getField(ID))
                    .otherwise(col("byfirst").getField(ID))
                    .as(DedupModel.KEPT));
    return withFirst;
  }

  /**
   * {@code redpajama}: the {@code any_smaller} decisions, then every book takes the decision of the
   * book with the smallest id among those sharing its order value.
   */
  private static Dataset<Row> sharedByOrder(Dataset<Row> any) {
    WindowSpec sharing =
        Window.partitionBy(ORDER)
            .orderBy(col(ID))
            .rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());
    Column winnerDropped = first(col("dropped")).over(sharing);
    Column winner = first(col(ID)).over(sharing);
    return any.select(
        col(ID),
        col("size"),
        when(winnerDropped.and(col("dropped")), col("by"))
            .when(winnerDropped, winner)
            .otherwise(col(ID))
            .as(DedupModel.KEPT));
  }

  /**
   * Pairs of books within the distance: books of one fingerprint, and books of near fingerprints;
   * computed only when asked for.
   */
  private static Dataset<Row> bookPairs(Dataset<Row> books, Dataset<Row> near) {
    Dataset<Row> left = books.select(col(ID).as("id_a"), col(FP).as("fa"));
    Dataset<Row> right = books.select(col(ID).as("id_b"), col(FP).as("fb"));
    Dataset<Row> same =
        left.join(right, col("fa").equalTo(col("fb")).and(col("id_a").lt(col("id_b"))))
            .select(col("id_a"), col("id_b"), lit(1.0).as(CandidatePairs.SIMILARITY));
    Dataset<Row> close =
        near.join(left, col("a").equalTo(col("fa")))
            .join(right, col("b").equalTo(col("fb")))
            .select(
                org.apache.spark.sql.functions.least(col("id_a"), col("id_b")).as("id_a"),
                org.apache.spark.sql.functions.greatest(col("id_a"), col("id_b")).as("id_b"),
                lit(1.0)
                    .minus(col("distance").divide((double) SimHash.BITS))
                    .as(CandidatePairs.SIMILARITY));
    return same.union(close);
  }

  @Override
  public SimHashDeduplicator copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<SimHashDeduplicator> read() {
    return new DefaultParamsReader<>();
  }

  public static SimHashDeduplicator load(String path) {
    return read().load(path);
  }

  /** The task body of the fingerprint pass: one {@link SimHash} per partition. */
  private static final class Fingerprints implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final int width;
    private final int maxChars;

    Fingerprints(int width, int maxChars) {
      this.width = width;
      this.maxChars = maxChars;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      SimHash simhash = new SimHash(width, maxChars);
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row row = rows.next();
          return RowFactory.create(row.get(0), row.get(1), simhash.fingerprint(row.getString(2)));
        }
      };
    }
  }

  /** Compares the fingerprints of each bucket (a run of one block value) with each other. */
  private static final class BucketPairs implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final int[] offsets;
    private final int maxDistance;
    private final LongAccumulator compared;

    BucketPairs(int[] offsets, int maxDistance, LongAccumulator compared) {
      this.offsets = offsets;
      this.maxDistance = maxDistance;
      this.compared = compared;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> out = new ArrayList<>();
      long[] bucket = new long[16];
      int n = 0;
      int block = -1;
      long value = 0;
      long comparisons = 0;
      while (true) {
        Row row = rows.hasNext() ? rows.next() : null;
        if (row == null || row.getInt(0) != block || row.getLong(1) != value) {
          for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
              long a = bucket[i];
              long b = bucket[j];
              int d = SimHash.distance(a, b);
              if (d <= maxDistance && firstSharedBlock(a, b) == block) {
                out.add(RowFactory.create(Math.min(a, b), Math.max(a, b), d));
              }
            }
          }
          comparisons += (long) n * (n - 1) / 2;
          if (row == null) {
            break;
          }
          n = 0;
          block = row.getInt(0);
          value = row.getLong(1);
        }
        if (n == bucket.length) {
          bucket = Arrays.copyOf(bucket, 2 * n);
        }
        bucket[n++] = row.getLong(2);
      }
      compared.add(comparisons);
      return out.iterator();
    }

    private int firstSharedBlock(long a, long b) {
      for (int i = 0; i < offsets.length; i++) {
        if (SimHash.block(a, offsets, i) == SimHash.block(b, offsets, i)) {
          return i;
        }
      }
      return -1;
    }
  }

  /**
   * Decides the fingerprints of each component (rows of a component: its nodes, then its edges) in
   * order of their first book: kept unless a kept neighbour has a smaller order rank.
   */
  private static final class Greedy implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> out = new ArrayList<>();
      Row row = rows.hasNext() ? rows.next() : null;
      while (row != null) {
        long component = row.getLong(0);
        Map<Long, int[]> ranks = new HashMap<>(); // fp -> {order rank, sequence}
        Map<Long, List<Long>> adjacent = new HashMap<>();
        while (row != null && row.getLong(0) == component) {
          if (row.getInt(1) == 0) {
            ranks.put(row.getLong(2), new int[] {row.getInt(4), row.getInt(5)});
          } else {
            adjacent.computeIfAbsent(row.getLong(2), k -> new ArrayList<>()).add(row.getLong(3));
            adjacent.computeIfAbsent(row.getLong(3), k -> new ArrayList<>()).add(row.getLong(2));
          }
          row = rows.hasNext() ? rows.next() : null;
        }
        List<Long> inOrder = new ArrayList<>(ranks.keySet());
        inOrder.sort((x, y) -> Integer.compare(ranks.get(x)[1], ranks.get(y)[1]));
        Map<Long, Boolean> kept = new HashMap<>();
        for (long fp : inOrder) {
          Long by = null;
          int rank = ranks.get(fp)[0];
          for (long other : adjacent.getOrDefault(fp, List.of())) {
            if (kept.getOrDefault(other, false)
                && ranks.get(other)[0] < rank
                && (by == null || ranks.get(other)[1] < ranks.get(by)[1])) {
              by = other;
            }
          }
          kept.put(fp, by == null);
          out.add(RowFactory.create(fp, by == null, by));
        }
      }
      return out.iterator();
    }
  }
}
