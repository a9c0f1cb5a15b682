package dev.corral.curation.dedup;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * The search half of MinHash-LSH dedup, on tables of {@code (uid long, text string)}: signatures
 * cut into band keys, documents grouped by key, pairs emitted per bucket, and (optionally) each
 * pair verified on the true similarity of the two shingle sets. Text never leaves its partition
 * except for the documents of candidate pairs, whose shingles are computed once and joined to the
 * pairs.
 *
 * <p>Skew: a bucket of {@code k > maxBucketSize} documents (boilerplate pages) would give {@code
 * k²/2} pairs to one task. Its members are ordered by a hash of their uid; the first {@code
 * maxBucketSize} (a deterministic sample) are paired with each other and every other member with
 * one sampled member, so the bucket costs {@code O(k)} pairs and still links every member; the
 * buckets and members this caps are counted. Without verification a bucket is linked as a star on
 * its smallest uid, which is {@code k − 1} pairs and never capped.
 */
final class CandidatePairs implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String UID = "uid";
  static final String TEXT = "text";
  static final String A = ConnectedComponents.A;
  static final String B = ConnectedComponents.B;
  static final String SIMILARITY = "similarity";

  /**
   * Up to this many rows (of a few longs) a table of documents is sent to every task rather than
   * shuffled with the texts.
   */
  static final long BROADCAST_ROWS = 2_000_000;

  /**
   * How a candidate pair is verified: Jaccard, or containment of the smaller shingle set in the
   * larger.
   */
  enum Measure {
    JACCARD,
    CONTAINMENT
  }

  private static final StructType KEYS =
      new StructType().add("key", DataTypes.LongType, false).add(UID, DataTypes.LongType, false);
  private static final StructType PAIRS =
      new StructType().add(A, DataTypes.LongType, false).add(B, DataTypes.LongType, false);
  private static final StructType SHINGLED =
      new StructType()
          .add(UID, DataTypes.LongType, false)
          .add("shingles", DataTypes.BinaryType, false);
  private static final StructType VERIFIED = PAIRS.add(SIMILARITY, DataTypes.DoubleType, true);

  private final int ngram;
  private final boolean chars;
  private final MinHasher hasher;
  private final LshBands bands;
  private final int maxBucketSize;
  private final LongAccumulator documents;
  private final LongAccumulator cappedBuckets;
  private final LongAccumulator cappedMembers;

  CandidatePairs(
      SparkSession spark,
      int ngram,
      boolean chars,
      MinHasher hasher,
      LshBands bands,
      int maxBucketSize) {
    this.ngram = ngram;
    this.chars = chars;
    this.hasher = hasher;
    this.bands = bands;
    this.maxBucketSize = maxBucketSize;
    this.documents = spark.sparkContext().longAccumulator("corral.dedup.documents");
    this.cappedBuckets = spark.sparkContext().longAccumulator("corral.dedup.capped_buckets");
    this.cappedMembers = spark.sparkContext().longAccumulator("corral.dedup.capped_bucket_members");
  }

  /** Documents signed so far (the search counts them as it goes, so no extra pass is needed). */
  long documents() {
    return documents.value();
  }

  long cappedBuckets() {
    return cappedBuckets.value();
  }

  long cappedMembers() {
    return cappedMembers.value();
  }

  /**
   * Distinct pairs {@code (a < b)} of documents that share a band; all pairs per bucket, or stars.
   */
  Dataset<Row> find(Dataset<Row> texts, boolean allPairs) {
    SparkSession spark = texts.sparkSession();
    JavaRDD<Row> keys = texts.select(UID, TEXT).javaRDD().mapPartitions(this::bandKeys);
    // Sorted by key, each bucket is a run of rows: no per-key buffer for the many keys held by one
    // document.
    JavaRDD<Row> pairs =
        spark
            .createDataFrame(keys, KEYS)
            .repartition(functions.col("key"))
            .sortWithinPartitions("key", UID)
            .javaRDD()
            .mapPartitions(rows -> pairsOfRuns(rows, allPairs));
    return spark.createDataFrame(pairs, PAIRS).distinct();
  }

  /** The pairs of every run of two or more rows with the same key, run by run. */
  private Iterator<Row> pairsOfRuns(Iterator<Row> rows, boolean allPairs) {
    return new Iterator<>() {
      Iterator<Row> current = java.util.Collections.emptyIterator();
      Row pending = rows.hasNext() ? rows.next() : null;
      long[] members = new long[16];

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && pending != null) {
          long key = pending.getLong(0);
          int n = 0;
          while (pending != null && pending.getLong(0) == key) {
            if (n == members.length) {
              members = Arrays.copyOf(members, n * 2);
            }
            members[n++] = pending.getLong(1);
            pending = rows.hasNext() ? rows.next() : null;
          }
          if (n > 1) {
            long[] bucket = Arrays.copyOf(members, n);
            current = allPairs ? pairsOf(bucket) : starOf(bucket);
          }
        }
        return current.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /** The pairs whose shingle sets are at least {@code threshold} similar, with that similarity. */
  Dataset<Row> verify(
      Dataset<Row> pairs, long pairCount, Dataset<Row> texts, Measure measure, double threshold) {
    SparkSession spark = texts.sparkSession();
    Dataset<Row> involved =
        pairs
            .select(functions.col(A).as(UID))
            .union(pairs.select(functions.col(B).as(UID)))
            .distinct();
    if (2 * pairCount <= BROADCAST_ROWS) {
      involved =
          functions.broadcast(involved); // the texts stay where they are instead of being shuffled
    }
    JavaRDD<Row> shingled =
        texts
            .join(involved, texts.col(UID).equalTo(involved.col(UID)), "left_semi")
            .select(UID, TEXT)
            .javaRDD()
            .map(this::shingled);
    Dataset<Row> sets = spark.createDataFrame(shingled, SHINGLED);
    Dataset<Row> left = sets.withColumnRenamed(UID, A).withColumnRenamed("shingles", "sa");
    Dataset<Row> right = sets.withColumnRenamed(UID, B).withColumnRenamed("shingles", "sb");
    JavaRDD<Row> scored =
        pairs
            .join(left, A)
            .join(right, B)
            .select(A, B, "sa", "sb")
            .javaRDD()
            .map(
                row ->
                    RowFactory.create(
                        row.getLong(0),
                        row.getLong(1),
                        similarity(unpack(row.getAs(2)), unpack(row.getAs(3)), measure)));
    return spark.createDataFrame(scored, VERIFIED).where(functions.col(SIMILARITY).geq(threshold));
  }

  static double similarity(long[] a, long[] b, Measure measure) {
    if (measure == Measure.JACCARD) {
      return Jaccard.similarity(a, b);
    }
    return a.length <= b.length ? Jaccard.containment(a, b) : Jaccard.containment(b, a);
  }

  private Iterator<Row> bandKeys(Iterator<Row> rows) {
    List<Row> out = new ArrayList<>();
    return new Iterator<>() {
      int next = 0;

      @Override
      public boolean hasNext() {
        while (next == out.size() && rows.hasNext()) {
          out.clear();
          next = 0;
          Row row = rows.next();
          documents.add(1);
          long[] shingles = Shingles.of(row.getString(1), ngram, chars);
          if (shingles.length == 0) {
            continue; // no words: nothing to compare, exact dedup's job
          }
          long[] signature = hasher.signature(shingles);
          for (int b = 0; b < bands.bands(); b++) {
            out.add(RowFactory.create(bands.key(signature, b), row.getLong(0)));
          }
        }
        return next < out.size();
      }

      @Override
      public Row next() {
        return out.get(next++);
      }
    };
  }

  private static Iterator<Row> starOf(long[] members) {
    long root = members[0]; // a run is sorted by uid
    return Arrays.stream(members)
        .filter(m -> m != root)
        .mapToObj(m -> RowFactory.create(m, root))
        .iterator();
  }

  private Iterator<Row> pairsOf(long[] members) {
    int k = members.length;
    int sample = Math.min(k, maxBucketSize);
    if (k > maxBucketSize) {
      // A deterministic sample: the members with the smallest hashes.
      members =
          Arrays.stream(members)
              .boxed()
              .sorted((x, y) -> Long.compare(Shingles.mix(x), Shingles.mix(y)))
              .mapToLong(Long::longValue)
              .toArray();
      cappedBuckets.add(1);
      cappedMembers.add(k - sample);
    }
    List<Row> out = new ArrayList<>(sample * (sample - 1) / 2 + (k - sample));
    for (int i = 0; i < sample; i++) {
      for (int j = i + 1; j < sample; j++) {
        out.add(ordered(members[i], members[j]));
      }
    }
    for (int i = sample; i < k; i++) {
      out.add(ordered(members[i], members[i % sample]));
    }
    return out.iterator();
  }

  private static Row ordered(long x, long y) {
    return x < y ? RowFactory.create(x, y) : RowFactory.create(y, x);
  }

  private Row shingled(Row row) {
    long[] shingles = Shingles.of(row.getString(1), ngram, chars);
    ByteBuffer packed = ByteBuffer.allocate(shingles.length * Long.BYTES);
    packed.asLongBuffer().put(shingles);
    return RowFactory.create(row.getLong(0), packed.array());
  }

  private static long[] unpack(byte[] packed) {
    long[] values = new long[packed.length / Long.BYTES];
    ByteBuffer.wrap(packed).asLongBuffer().get(values);
    return values;
  }
}
