package dev.corral.curation.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.testing.TestSpark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConnectedComponentsTest {
  private static final StructType EDGES =
      new StructType().add("a", DataTypes.LongType, false).add("b", DataTypes.LongType, false);

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("ConnectedComponentsTest", Map.of());
  }

  @AfterAll
  static void stop() {
    TestSpark.stop(spark);
  }

  @Test
  void aLongChainInShuffledOrderIsOneComponent() {
    // A path is the worst case for label propagation (as many rounds as nodes); the star rounds are
    // logarithmic.
    List<long[]> edges = new ArrayList<>();
    long[] order = shuffled(300, 3);
    for (int i = 0; i + 1 < order.length; i++) {
      edges.add(new long[] {order[i] + 1000, order[i + 1] + 1000});
    }
    ConnectedComponents.Result result = check(edges);
    assertTrue(result.rounds() > 0 && result.rounds() <= 12, "rounds: " + result.rounds());
  }

  @Test
  void randomForestsMatchUnionFind() {
    SplittableRandom random = new SplittableRandom(11);
    List<long[]> edges = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      long a = random.nextLong(1_500);
      long b = random.nextInt(4) == 0 ? random.nextLong(1_500) : a + random.nextLong(-3, 4);
      edges.add(new long[] {a, b});
    }
    edges.add(new long[] {-5, Long.MAX_VALUE}); // ids are any longs
    edges.add(new long[] {7_000, 7_000}); // a self-loop alone gives nothing
    check(edges);
  }

  @Test
  void starsAndDuplicatesInBothDirections() {
    List<long[]> edges = new ArrayList<>();
    for (long leaf = 1; leaf <= 50; leaf++) {
      edges.add(new long[] {100, 100 + leaf});
      edges.add(new long[] {100 + leaf, 100});
    }
    edges.add(new long[] {150, 7});
    ConnectedComponents.Result result = check(edges);
    assertEquals(52, result.components().count());
    assertEquals(52, ConnectedComponents.of(input(edges)).components().count());
  }

  private static Dataset<Row> input(List<long[]> edges) {
    List<Row> rows = new ArrayList<>();
    for (long[] e : edges) {
      rows.add(RowFactory.create(e[0], e[1]));
    }
    return spark.createDataFrame(rows, EDGES).repartition(3);
  }

  /**
   * The components of {@code edges} as a union-find gives them, from the Spark rounds and from the
   * driver's union-find (the graph is small); returns the rounds' result.
   */
  private static ConnectedComponents.Result check(List<long[]> edges) {
    Map<Long, Long> parent = new HashMap<>();
    for (long[] e : edges) {
      if (e[0] != e[1]) {
        union(parent, e[0], e[1]);
      }
    }
    ConnectedComponents.Result onDriver = ConnectedComponents.of(input(edges));
    assertEquals(0, onDriver.rounds(), "a small graph is solved on the driver");
    check(onDriver, parent);
    ConnectedComponents.Result rounds = ConnectedComponents.of(input(edges), 0);
    check(rounds, parent);
    return rounds;
  }

  private static void check(ConnectedComponents.Result result, Map<Long, Long> parent) {
    Map<Long, Long> actual = new HashMap<>();
    for (Row r : result.components().collectAsList()) {
      Long before = actual.put(r.getLong(0), r.getLong(1));
      assertEquals(null, before, "node " + r.getLong(0) + " listed twice");
    }
    assertEquals(parent.size(), actual.size());
    Map<Long, Long> smallest = new HashMap<>();
    for (long node : parent.keySet()) {
      smallest.merge(find(parent, node), node, Math::min);
    }
    for (long node : parent.keySet()) {
      assertEquals(smallest.get(find(parent, node)), actual.get(node), "component of " + node);
    }
  }

  private static long find(Map<Long, Long> parent, long x) {
    parent.putIfAbsent(x, x);
    while (parent.get(x) != x) {
      x = parent.get(x);
    }
    return x;
  }

  private static void union(Map<Long, Long> parent, long a, long b) {
    parent.put(find(parent, a), find(parent, b));
  }

  private static long[] shuffled(int n, long seed) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }
}
