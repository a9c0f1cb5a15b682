package dev.corral.curation.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import dev.corral.core.testing.TestSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SimHashDeduplicator against a brute force over every pair of books, for each rule: 150 "books" of
 * UDHR paragraphs, 90 editions of them with 0 to 48 words replaced (fingerprints 0 to ~20 bits
 * apart, so near-duplicates chain) and exact copies; orders with repeats for the redpajama rule.
 */
class SimHashDeduplicatorTest {
  private static final StructType BOOKS =
      new StructType()
          .add("id", DataTypes.LongType, false)
          .add("text", DataTypes.StringType, true)
          .add("rp", DataTypes.LongType, false);

  private static SparkSession spark;
  private static List<Row> rows;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws IOException {
    spark = TestSpark.start("SimHashDeduplicatorTest", Map.of());
    List<String> paragraphs = new ArrayList<>();
    for (String line :
        Files.readAllLines(
            TestSpark.sharedDir().resolve("data/udhr-dev.tsv"), StandardCharsets.UTF_8)) {
      paragraphs.add(line.split("\t", 3)[2]);
    }
    SplittableRandom random = new SplittableRandom(11);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      StringBuilder book = new StringBuilder();
      for (int p = 0; p < 6; p++) {
        book.append(paragraphs.get(random.nextInt(paragraphs.size()))).append("\n\n");
      }
      texts.add(book.toString());
    }
    int[] edits = {0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 48};
    for (int i = 0; i < 90; i++) {
      // Editions of editions, so that near-duplicates form chains.
      String[] words = texts.get(random.nextInt(texts.size())).split(" ");
      int changes = edits[random.nextInt(edits.length)];
      for (int c = 0; c < changes; c++) {
        words[random.nextInt(words.length)] = "edition" + random.nextInt(1000);
      }
      texts.add(String.join(" ", words));
    }
    for (int i = 0; i < 6; i++) {
      texts.add(texts.get(random.nextInt(texts.size())));
    }
    texts.add("");
    texts.add("");
    rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      // Ids in shuffled order, so that "smaller" is not "earlier"; rp values repeat.
      long id = (i * 7919L) % 1009;
      rows.add(RowFactory.create(id, texts.get(i), id % 101));
    }
    // Chains x ~ y ~ z with x far from z, in this order: the rules differ on z.
    SimHash simhash = new SimHash(6, 0);
    int chains = 0;
    for (int attempt = 0; chains < 4 && attempt < 2000; attempt++) {
      String x = texts.get(random.nextInt(150)) + " chain " + chains;
      String y = edit(x, 1 + random.nextInt(12), random);
      String z = edit(y, 1 + random.nextInt(12), random);
      long fx = simhash.fingerprint(x);
      long fy = simhash.fingerprint(y);
      long fz = simhash.fingerprint(z);
      if (SimHash.distance(fx, fy) <= 5
          && SimHash.distance(fy, fz) <= 5
          && SimHash.distance(fx, fz) > 5) {
        long id = 2000 + 10 * chains++;
        rows.add(RowFactory.create(id, x, id % 101));
        rows.add(RowFactory.create(id + 1, y, (id + 1) % 101));
        rows.add(RowFactory.create(id + 2, z, (id + 2) % 101));
      }
    }
    assertEquals(4, chains);
    rows.add(RowFactory.create(5000L, null, 1L)); // no text: takes no part
  }

  private static String edit(String text, int changes, SplittableRandom random) {
    String[] words = text.split(" ");
    for (int c = 0; c < changes; c++) {
      words[random.nextInt(words.length)] = "edition" + random.nextInt(1000);
    }
    return String.join(" ", words);
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  private static Dataset<Row> books() {
    return spark.createDataFrame(rows, BOOKS);
  }

  /** One book's expected annotation. */
  private record Expected(Long duplicateOf, long cluster, long size) {}

  /** The rules by brute force: every pair compared, decisions as the class documents them. */
  private static Map<Long, Expected> bruteForce(String rule, boolean byRp) {
    SimHash simhash = new SimHash(6, 0);
    List<long[]> books = new ArrayList<>(); // {id, order, fingerprint}
    for (Row r : rows) {
      if (!r.isNullAt(1)) {
        long id = r.getLong(0);
        books.add(new long[] {id, byRp ? r.getLong(2) : id, simhash.fingerprint(r.getString(1))});
      }
    }
    Comparator<long[]> byOrder =
        Comparator.<long[]>comparingLong(b -> b[1]).thenComparingLong(b -> b[0]);
    books.sort(byOrder);
    Map<Long, List<long[]>> near = new HashMap<>();
    for (long[] b : books) {
      List<long[]> n = new ArrayList<>();
      for (long[] o : books) {
        if (o != b && SimHash.distance(b[2], o[2]) <= 5) {
          n.add(o);
        }
      }
      near.put(b[0], n);
    }
    Map<Long, Long> keptBy = new HashMap<>(); // id -> id it gives way to, or itself
    for (long[] b : books) {
      long[] by = null; // books are decided in order, so a smaller one is decided already
      for (long[] o : near.get(b[0])) {
        boolean counts = o[1] < b[1] && (!rule.equals("kept_smaller") || keptBy.get(o[0]) == o[0]);
        if (counts && (by == null || byOrder.compare(o, by) < 0)) {
          by = o;
        }
      }
      keptBy.put(b[0], by == null ? b[0] : by[0]);
    }
    if (rule.equals("redpajama")) {
      Map<Long, Long> winner = new TreeMap<>(); // order -> smallest id
      for (long[] b : books) {
        winner.merge(b[1], b[0], Math::min);
      }
      Map<Long, Long> shared = new HashMap<>();
      for (long[] b : books) {
        long w = winner.get(b[1]);
        boolean winnerDropped = keptBy.get(w) != w;
        boolean dropped = keptBy.get(b[0]) != b[0];
        shared.put(b[0], winnerDropped ? (dropped ? keptBy.get(b[0]) : w) : b[0]);
      }
      keptBy = shared;
    }
    Map<Long, Expected> expected = new HashMap<>();
    for (long[] b : books) {
      long kept = keptBy.get(b[0]);
      expected.put(b[0], new Expected(kept == b[0] ? null : kept, kept, near.get(b[0]).size() + 1));
    }
    return expected;
  }

  private static Map<Long, Expected> annotate(SimHashDeduplicator stage) {
    DedupModel model = stage.fit(books());
    Map<Long, Expected> actual = new HashMap<>();
    for (Row r : model.transform(books()).collectAsList()) {
      if (r.isNullAt(1)) {
        assertNull(r.getAs("drop_reason"));
        assertEquals(1L, r.<Long>getAs("cluster_size"));
        continue;
      }
      Long duplicateOf = r.getAs("duplicate_of");
      assertEquals(
          duplicateOf == null ? null : SimHashDeduplicator.BOOK_NEAR_DUPLICATE,
          r.getAs("drop_reason"));
      actual.put(
          r.getLong(0),
          new Expected(duplicateOf, r.<Long>getAs("dedup_cluster"), r.getAs("cluster_size")));
    }
    return actual;
  }

  @Test
  void everyRuleDecidesAsTheBruteForce() {
    Map<Long, Expected> keptSmaller = annotate(new SimHashDeduplicator());
    assertEquals(bruteForce("kept_smaller", false), keptSmaller);
    Map<Long, Expected> anySmaller =
        annotate(new SimHashDeduplicator().setRule(SimHashDeduplicator.ANY_SMALLER));
    assertEquals(bruteForce("any_smaller", false), anySmaller);
    Map<Long, Expected> redpajama =
        annotate(
            new SimHashDeduplicator().setRule(SimHashDeduplicator.REDPAJAMA).setOrderCol("rp"));
    assertEquals(bruteForce("redpajama", true), redpajama);

    // The data holds what tells the rules apart: chains, and decisions shared through orders.
    long droppedKept = keptSmaller.values().stream().filter(e -> e.duplicateOf() != null).count();
    long droppedAny = anySmaller.values().stream().filter(e -> e.duplicateOf() != null).count();
    assertTrue(droppedAny > droppedKept, droppedAny + " vs " + droppedKept);
    assertNotEquals(
        bruteForce("any_smaller", true), redpajama, "some decisions come from a shared order");
    assertTrue(keptSmaller.values().stream().anyMatch(e -> e.size() > 3), "clusters of 3+");
  }

  @Test
  void modelCountsTheSearchAndSavesAndLoads() throws IOException {
    DedupModel model = new SimHashDeduplicator().fit(books());
    DedupModel.Stats stats = model.stats();
    assertEquals(rows.size() - 1, stats.documents());
    assertEquals(6, stats.bands().bands());
    assertTrue(stats.pairs() > 0 && stats.candidatePairs() >= stats.pairs(), stats.toString());
    Map<Long, Long> fromPairs = new HashMap<>();
    List<Row> pairs = model.pairs().collectAsList();
    assertEquals(stats.pairs(), pairs.size());
    for (Row p : pairs) {
      fromPairs.merge(p.getLong(0), 1L, Long::sum);
      fromPairs.merge(p.getLong(1), 1L, Long::sum);
    }
    String path = tmp.resolve("model").toString();
    model.write().save(path);
    DedupModel loaded = DedupModel.load(path);
    assertEquals(
        model.transform(books()).orderBy("id").collectAsList(),
        loaded.transform(books()).orderBy("id").collectAsList());
    Map<Long, Long> sizes = new HashMap<>();
    for (Row r : model.transform(books()).select("id", "cluster_size").collectAsList()) {
      sizes.put(r.getLong(0), r.getLong(1));
    }
    for (Map.Entry<Long, Long> e : fromPairs.entrySet()) {
      assertEquals(e.getValue() + 1, sizes.get(e.getKey()), "cluster_size of " + e.getKey());
    }
  }

  @Test
  void rowsDroppedBeforeTakeNoPart() {
    StructType withReason = BOOKS.add("drop_reason", DataTypes.StringType, true);
    List<Row> dropped = new ArrayList<>();
    String text = rows.get(0).getString(1);
    dropped.add(RowFactory.create(1L, text, 1L, "too_short"));
    dropped.add(RowFactory.create(2L, text, 2L, null));
    dropped.add(RowFactory.create(3L, text, 3L, null));
    Dataset<Row> data = spark.createDataFrame(dropped, withReason);
    List<Row> out =
        new SimHashDeduplicator().fit(data).transform(data).orderBy("id").collectAsList();
    assertEquals("too_short", out.get(0).getAs("drop_reason"));
    assertEquals(1L, out.get(0).<Long>getAs("cluster_size"));
    assertNull(out.get(1).getAs("drop_reason"));
    assertEquals(SimHashDeduplicator.BOOK_NEAR_DUPLICATE, out.get(2).getAs("drop_reason"));
    assertEquals(2L, out.get(2).<Long>getAs("duplicate_of"));
  }

  @Test
  void refusesWhatItCannotUse() {
    Dataset<Row> data = books();
    assertThrows(
        IllegalArgumentException.class,
        () -> new SimHashDeduplicator().setOrderCol("nope").fit(data));
    assertThrows(
        CorralException.class, () -> new SimHashDeduplicator().setQualityCol("rp").checkParams());
    assertThrows(IllegalArgumentException.class, () -> new SimHashDeduplicator().setRule("first"));
    List<Row> twice = List.of(RowFactory.create(1L, "a", 1L), RowFactory.create(1L, "b", 2L));
    CorralException e =
        assertThrows(
            CorralException.class,
            () -> new SimHashDeduplicator().fit(spark.createDataFrame(twice, BOOKS)));
    assertTrue(e.getMessage().contains("'1' (2 rows)"), e.getMessage());
  }
}
