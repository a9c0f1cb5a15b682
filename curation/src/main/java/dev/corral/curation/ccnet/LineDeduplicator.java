package dev.corral.curation.ccnet;

import dev.corral.core.Errors;
import dev.corral.core.stage.FilterTransformer;
import dev.corral.core.stage.Stages;
import dev.corral.core.text.PythonStr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * CCNet's line-level deduplication, two-pass (Wenzek et al. 2020, section 3.2; cc_net's {@code
 * deduplicate_two_pass} in {@code dedup.py}): every line ({@code text.split("\n")}) is hashed with
 * {@link LineHashes}; a hash found in two or more documents of the dedup group is a duplicate, and
 * its lines are removed from every document, the first occurrence included. Inside a document, a
 * line whose hash came before in the same document is removed too, so a line repeated only within
 * one document keeps its first occurrence: CCNet adds a document's hashes to its set as one batch,
 * so repeats inside a document never mark a hash as seen twice. Boilerplate shared between pages
 * (menus, cookie notices, copyright lines) goes; text unique to a page stays.
 *
 * <p>Columns, as CCNet writes them: {@code outputCol} (default {@code raw_content}, i.e. replaced
 * in place as CCNet does; name another column to keep the original text) holds the kept lines
 * joined by {@code \n}; {@code nlines} and {@code length} (code points, Python's {@code len})
 * describe it and replace input columns of those names; {@code original_nlines} and {@code
 * original_length} take the input's {@code nlines} and {@code length} when present (CCNet's {@code
 * doc.get("nlines", ...)}; a WET reader's {@code length} is the record's byte length) and else the
 * text's own; {@code line_ids} lists the indices of the kept lines. A document with no line left
 * gets {@code drop_reason = "duplicate_lines"} (only where {@code drop_reason} is still null);
 * CCNet drops it, Corral keeps the row. Null text gives null outputs and leaves {@code drop_reason}
 * alone. Documents already dropped (non-null {@code drop_reason}) are annotated but their lines do
 * not count as occurrences, as they would be gone from CCNet's input.
 *
 * <p>{@code mode}: {@code two_pass} (default) is the paper's and {@code mine.py}'s; {@code
 * one_pass} is cc_net's {@code deduplicate}, which keeps the first copy of a line in input order
 * (partition, then row) and removes the later ones. One pass depends on that order, so its input
 * must come in a stable order (files and tables do).
 *
 * <p>The dedup group is the whole input, or each value of {@code groupCol} (e.g. a shard or a
 * language).
 *
 * <p>How it scales: text never moves between machines. Pass 1 emits one compact record per distinct
 * line of a document (group, 64-bit hash, partition, 64-bit document fingerprint) and counts
 * documents per (group, hash) in one sort-based shuffle that spills to disk; only pairs of
 * duplicate hashes come back, packed as {@code long[]}, to the partition their document lives in,
 * where pass 2 re-reads the documents and drops those lines. A task holds the duplicate pairs of
 * its own partition (16 bytes each, {@link LongPairSet}), never a whole set of hashes. The input is
 * computed twice, once per pass, so persist it or read it from a table; its partitioning must be
 * the same both times, as it is for files, tables and hash shuffles.
 */
public final class LineDeduplicator extends FilterTransformer<LineDeduplicator> {
  private static final long serialVersionUID = 1L;

  /** The drop reason of a document that has no line left. */
  public static final String DUPLICATE_LINES = "duplicate_lines";

  /** CCNet's output columns, added (or, for nlines and length, replaced) by this stage. */
  public static final String NLINES = "nlines";

  public static final String LENGTH = "length";
  public static final String ORIGINAL_NLINES = "original_nlines";
  public static final String ORIGINAL_LENGTH = "original_length";
  public static final String LINE_IDS = "line_ids";

  private static final StructType PAIRS =
      new StructType()
          .add("g", DataTypes.StringType, true)
          .add("h", DataTypes.LongType, false)
          .add("p", DataTypes.IntegerType, false)
          .add("f", DataTypes.LongType, false)
          .add("w", DataTypes.IntegerType, false)
          .add("o", DataTypes.LongType, false);

  /** The paper's mode: a line in two documents leaves both. */
  public static final String TWO_PASS = "two_pass";

  /** cc_net's {@code deduplicate}: the first copy in input order stays. */
  public static final String ONE_PASS = "one_pass";

  private final Param<String> groupCol;
  private final Param<String> outputCol;
  private final Param<String> mode;

  /** A stage with a random uid and CCNet's column names. */
  public LineDeduplicator() {
    this(Identifiable.randomUID("lineDedup"));
  }

  /** A stage with the given uid; Spark ML's reader and {@code copy} call this. */
  public LineDeduplicator(String uid) {
    super(uid);
    groupCol =
        new Param<>(
            this,
            "groupCol",
            "column whose values are the dedup groups (lines count as duplicates only within a group); unset: the"
                + " whole input is one group",
            Stages.nonBlank());
    outputCol =
        new Param<>(
            this,
            "outputCol",
            "column for the deduplicated text; the same as inputCol (default) replaces the text, as CCNet does",
            Stages.nonBlank());
    mode =
        new Param<>(
            this,
            "mode",
            "two_pass: a line found in two documents is removed from both (Wenzek et al. 2020, section 3.2;"
                + " cc_net's deduplicate_two_pass, run by mine.py); one_pass: the first copy in input order"
                + " stays (cc_net's dedup.deduplicate)",
            ParamValidators.inArray(new String[] {TWO_PASS, ONE_PASS}));
    setDefault(inputCol(), "raw_content"); // CCNet's field for the page text
    setDefault(outputCol, "raw_content");
    setDefault(mode, TWO_PASS);
  }

  /** {@code two_pass} (default) or {@code one_pass}. */
  public Param<String> mode() {
    return mode;
  }

  public String getMode() {
    return getOrDefault(mode);
  }

  public LineDeduplicator setMode(String value) {
    set(mode, value);
    return this;
  }

  /** Group column; unset (default) means one group. */
  public Param<String> groupCol() {
    return groupCol;
  }

  /** Deduplicated text column (default {@code raw_content}, in place). */
  public Param<String> outputCol() {
    return outputCol;
  }

  /** The group column, or null when the whole input is one group. */
  public String getGroupCol() {
    return isDefined(groupCol) ? getOrDefault(groupCol) : null;
  }

  public LineDeduplicator setGroupCol(String value) {
    set(groupCol, value);
    return this;
  }

  public String getOutputCol() {
    return getOrDefault(outputCol);
  }

  public LineDeduplicator setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  @Override
  public List<String> dropReasons() {
    return List.of(DUPLICATE_LINES);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return layout(schema).schema;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    Layout layout = layout(dataset.schema());
    var spark = dataset.sparkSession();
    // One RDD for both passes, so that pass 2 sees the partitions pass 1 numbered.
    JavaRDD<Row> rows = dataset.toDF().javaRDD();
    int partitions = rows.getNumPartitions();

    JavaRDD<Row> pairs = rows.mapPartitionsWithIndex(new EmitPairs(layout), true);
    Dataset<Row> occurrences = spark.createDataFrame(pairs, PAIRS);
    var line = Window.partitionBy("g", "h");
    Dataset<Row> duplicates =
        layout.onePass()
            ? occurrences
                .withColumn(
                    "first",
                    functions
                        .min(functions.when(functions.col("w").equalTo(1), functions.col("o")))
                        .over(line))
                .where("first IS NOT NULL AND (w = 0 OR o <> first)")
                .select("p", "f", "h")
            : occurrences
                .withColumn("n", functions.sum("w").over(line))
                .where("n >= 2")
                .select("p", "f", "h");
    JavaPairRDD<Integer, long[]> byPartition =
        duplicates
            .javaRDD()
            .mapPartitionsToPair(new PackPairs())
            .partitionBy(new ByIndex(partitions));
    JavaRDD<Row> out = rows.zipPartitions(byPartition.values(), new Finalize(layout));
    return spark.createDataFrame(out, layout.schema);
  }

  /** Spark ML's reader for a saved stage; {@code Pipeline} loading finds it by reflection. */
  public static MLReader<LineDeduplicator> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads a stage saved with {@code write().save(path)}. */
  public static LineDeduplicator load(String path) {
    return read().load(path);
  }

  /** Where each input and output lives in the rows; checks the column contract. */
  private Layout layout(StructType in) {
    String stage = "LineDeduplicator " + uid;
    List<String> names = Arrays.asList(in.fieldNames());
    Stages.requireColumn(stage, in, getInputCol(), DataTypes.StringType);
    String group = getGroupCol();
    if (group != null && !names.contains(group)) {
      throw Errors.badColumn(stage, group, "does not exist; columns are " + names);
    }
    for (String added : List.of(ORIGINAL_NLINES, ORIGINAL_LENGTH, LINE_IDS)) {
      Stages.requireAbsent(stage, in, added);
    }
    String output = getOutputCol();
    if (!output.equals(getInputCol())) {
      Stages.requireAbsent(stage, in, output);
    }
    if (List.of(NLINES, LENGTH, ORIGINAL_NLINES, ORIGINAL_LENGTH, LINE_IDS, getDropReasonCol())
            .contains(output)
        || List.of(NLINES, LENGTH, ORIGINAL_NLINES, ORIGINAL_LENGTH, LINE_IDS)
            .contains(getDropReasonCol())) {
      throw Errors.badColumn(stage, output, "is also one of the stage's other output columns");
    }
    if (names.contains(getDropReasonCol())) {
      Stages.requireColumn(stage, in, getDropReasonCol(), DataTypes.StringType);
    }
    List<StructField> fields = new ArrayList<>(Arrays.asList(in.fields()));
    int outputAt = place(fields, output, DataTypes.StringType);
    int nlinesIn = integralIndex(in, NLINES);
    int lengthIn = integralIndex(in, LENGTH);
    int nlinesAt = place(fields, NLINES, DataTypes.IntegerType);
    int lengthAt = place(fields, LENGTH, DataTypes.IntegerType);
    int originalNlinesAt = place(fields, ORIGINAL_NLINES, DataTypes.IntegerType);
    int originalLengthAt = place(fields, ORIGINAL_LENGTH, DataTypes.IntegerType);
    int lineIdsAt = place(fields, LINE_IDS, new ArrayType(DataTypes.IntegerType, false));
    int reasonAt = place(fields, getDropReasonCol(), DataTypes.StringType);
    return new Layout(
        new StructType(fields.toArray(new StructField[0])),
        in.fieldIndex(getInputCol()),
        group == null ? -1 : in.fieldIndex(group),
        names.contains(getDropReasonCol()) ? reasonAt : -1,
        nlinesIn,
        lengthIn,
        outputAt,
        nlinesAt,
        lengthAt,
        originalNlinesAt,
        originalLengthAt,
        lineIdsAt,
        reasonAt,
        ONE_PASS.equals(getMode()));
  }

  /**
   * The index of {@code name} in {@code fields}, replacing its type, or appended as a new nullable
   * column.
   */
  private static int place(List<StructField> fields, String name, DataType type) {
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).name().equals(name)) {
        fields.set(i, DataTypes.createStructField(name, type, true));
        return i;
      }
    }
    fields.add(DataTypes.createStructField(name, type, true));
    return fields.size() - 1;
  }

  private static int integralIndex(StructType in, String name) {
    if (!Arrays.asList(in.fieldNames()).contains(name)) {
      return -1;
    }
    int i = in.fieldIndex(name);
    return in.fields()[i].dataType() instanceof IntegralType ? i : -1;
  }

  /** Column positions, resolved once on the driver and shipped to tasks. */
  private record Layout(
      StructType schema,
      int text,
      int group,
      int reasonIn,
      int nlinesIn,
      int lengthIn,
      int output,
      int nlines,
      int length,
      int originalNlines,
      int originalLength,
      int lineIds,
      int reason,
      boolean onePass)
      implements java.io.Serializable {

    /**
     * The key pass 2 finds a document by: its content fingerprint, or in one pass its row index,
     * since two identical documents must then be told apart (only the first keeps its lines).
     */
    long docKey(String group, long[] hashes, long rowIndex) {
      return onePass ? rowIndex : fingerprint(group, hashes);
    }

    String groupOf(Row row) {
      return group < 0 || row.isNullAt(group) ? null : String.valueOf(row.get(group));
    }

    boolean counts(Row row) {
      return reasonIn < 0 || row.isNullAt(reasonIn);
    }
  }

  /**
   * A key for a document that survives recomputation of its partition in another row order: its
   * group and line hashes, mixed. Two documents that share a key only pool their duplicate hashes,
   * and since a document looks up only its own hashes, pooling is harmless unless their groups
   * differ, which the group's hash in the key makes a 2^-64 event.
   */
  static long fingerprint(String group, long[] hashes) {
    long f =
        group == null
            ? 0x243F6A8885A308D3L
            : group.hashCode() * 0xC2B2AE3D27D4EB4FL + group.length();
    for (long h : hashes) {
      f = (f ^ h) * 0x9E3779B97F4A7C15L;
      f ^= f >>> 32;
    }
    return f ^ hashes.length;
  }

  /**
   * Pass 1: one (group, hash, partition, document key, weight, input order) row per distinct line
   * hash of each document.
   */
  private static final class EmitPairs implements Function2<Integer, Iterator<Row>, Iterator<Row>> {
    private static final long serialVersionUID = 1L;
    private final Layout layout;

    EmitPairs(Layout layout) {
      this.layout = layout;
    }

    @Override
    public Iterator<Row> call(Integer partition, Iterator<Row> docs) {
      return new Iterator<>() {
        private final List<Row> pending = new ArrayList<>();
        private int next;
        private long rowIndex = -1;

        @Override
        public boolean hasNext() {
          while (next == pending.size() && docs.hasNext()) {
            pending.clear();
            next = 0;
            Row doc = docs.next();
            rowIndex++;
            String text = doc.isNullAt(layout.text()) ? null : doc.getString(layout.text());
            if (text == null || text.isEmpty()) {
              continue;
            }
            String group = layout.groupOf(doc);
            long[] hashes = LineHashes.ofLines(PythonStr.splitNewlines(text));
            long f = layout.docKey(group, hashes, rowIndex);
            int weight = layout.counts(doc) ? 1 : 0;
            long order = ((long) partition << 40) | rowIndex;
            Set<Long> distinct = new HashSet<>();
            for (long h : hashes) {
              if (distinct.add(h)) {
                pending.add(RowFactory.create(group, h, partition, f, weight, order));
              }
            }
          }
          return next < pending.size();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return pending.get(next++);
        }
      };
    }
  }

  /**
   * Packs duplicate (fingerprint, hash) pairs per target partition into {@code long[]}s for a
   * compact shuffle.
   */
  private static final class PackPairs
      implements PairFlatMapFunction<Iterator<Row>, Integer, long[]> {
    private static final long serialVersionUID = 1L;
    private static final int CHUNK = 1 << 16;

    @Override
    public Iterator<Tuple2<Integer, long[]>> call(Iterator<Row> rows) {
      Map<Integer, long[]> open = new HashMap<>();
      Map<Integer, Integer> fill = new HashMap<>();
      List<Tuple2<Integer, long[]>> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        int p = r.getInt(0);
        long[] chunk = open.computeIfAbsent(p, k -> new long[CHUNK]);
        int at = fill.getOrDefault(p, 0);
        chunk[at] = r.getLong(1);
        chunk[at + 1] = r.getLong(2);
        at += 2;
        if (at == CHUNK) {
          out.add(new Tuple2<>(p, chunk));
          open.remove(p);
          at = 0;
        }
        fill.put(p, at);
      }
      open.forEach((p, chunk) -> out.add(new Tuple2<>(p, Arrays.copyOf(chunk, fill.get(p)))));
      return out.iterator();
    }
  }

  /** Sends a packed chunk to the partition whose index is its key. */
  private static final class ByIndex extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    ByIndex(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ByIndex b && b.partitions == partitions;
    }

    @Override
    public int hashCode() {
      return partitions;
    }
  }

  /**
   * Pass 2: drops duplicate and repeated lines from each document of the partition (CCNet's
   * finalize_doc).
   */
  private static final class Finalize
      implements FlatMapFunction2<Iterator<Row>, Iterator<long[]>, Row> {
    private static final long serialVersionUID = 1L;
    private final Layout layout;

    Finalize(Layout layout) {
      this.layout = layout;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> docs, Iterator<long[]> chunks) {
      List<long[]> all = new ArrayList<>();
      int pairs = 0;
      while (chunks.hasNext()) {
        long[] c = chunks.next();
        all.add(c);
        pairs += c.length / 2;
      }
      LongPairSet duplicates = new LongPairSet(pairs);
      for (long[] c : all) {
        for (int i = 0; i < c.length; i += 2) {
          duplicates.add(c[i], c[i + 1]);
        }
      }
      all.clear();
      return new Iterator<>() {
        private long rowIndex = -1;

        @Override
        public boolean hasNext() {
          return docs.hasNext();
        }

        @Override
        public Row next() {
          return finalizeDoc(docs.next(), ++rowIndex, duplicates);
        }
      };
    }

    private Row finalizeDoc(Row doc, long rowIndex, LongPairSet duplicates) {
      Object[] values = new Object[layout.schema().size()];
      for (int i = 0; i < doc.size(); i++) {
        values[i] = doc.get(i);
      }
      String text = doc.isNullAt(layout.text()) ? null : doc.getString(layout.text());
      if (text == null) {
        values[layout.output()] = null;
        values[layout.nlines()] = null;
        values[layout.length()] = null;
        values[layout.originalNlines()] = null;
        values[layout.originalLength()] = null;
        values[layout.lineIds()] = null;
        return RowFactory.create(values);
      }
      String[] lines = text.isEmpty() ? new String[0] : PythonStr.splitNewlines(text);
      long[] hashes = LineHashes.ofLines(lines);
      long f = layout.docKey(layout.groupOf(doc), hashes, rowIndex);
      Set<Long> seen = new HashSet<>();
      List<Integer> kept = new ArrayList<>();
      StringBuilder out = new StringBuilder(text.length());
      for (int i = 0; i < lines.length; i++) {
        long h = hashes[i];
        if (duplicates.contains(f, h) || !seen.add(h)) {
          continue;
        }
        if (!kept.isEmpty()) {
          out.append('\n');
        }
        out.append(lines[i]);
        kept.add(i);
      }
      String dedup = out.toString();
      values[layout.originalNlines()] =
          layout.nlinesIn() >= 0 && !doc.isNullAt(layout.nlinesIn())
              ? ((Number) doc.get(layout.nlinesIn())).intValue()
              : lines.length;
      values[layout.originalLength()] =
          layout.lengthIn() >= 0 && !doc.isNullAt(layout.lengthIn())
              ? ((Number) doc.get(layout.lengthIn())).intValue()
              : PythonStr.length(text);
      values[layout.output()] = dedup;
      values[layout.nlines()] = kept.size();
      values[layout.length()] = PythonStr.length(dedup);
      values[layout.lineIds()] = kept.toArray(new Integer[0]);
      int reason = layout.reason();
      if (kept.isEmpty() && values[reason] == null) {
        values[reason] = DUPLICATE_LINES;
      }
      return RowFactory.create(values);
    }
  }
}
