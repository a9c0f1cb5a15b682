package dev.corral.curation.dedup;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.min;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Connected components of an undirected graph given as an edge table, computed with Spark joins and
 * aggregations only, by alternating large-star and small-star (Kiveris et al. 2014, "Connected
 * Components in MapReduce and Beyond"): each round hangs every node's larger neighbours, then its
 * smaller ones, on the smallest node it sees; when every edge joins a node to a root (no root is
 * also a child) the graph is a set of stars and each node's component is the smallest id in it.
 * Rounds are {@code O(log² n)} in the worst case and a handful on dedup graphs; each round is
 * checkpointed so that plans and lineage stay short. A graph of at most {@link #DRIVER_EDGES} edges
 * is solved on the driver instead (one collect and a union-find, same components): each round costs
 * several Spark jobs, seconds even on a few edges, and a small run's dedup is mostly rounds.
 */
public final class ConnectedComponents {
  /**
   * Column names of the edge input ({@code a}, {@code b}: longs) and of the output ({@code node},
   * {@code component}).
   */
  public static final String A = "a";

  public static final String B = "b";
  public static final String NODE = "node";
  public static final String COMPONENT = "component";

  /** The most edges solved on the driver: 100,000 pairs of longs are a few MB there. */
  public static final long DRIVER_EDGES = 100_000;

  private static final StructType COMPONENTS =
      new StructType()
          .add(NODE, DataTypes.LongType, false)
          .add(COMPONENT, DataTypes.LongType, false);

  private ConnectedComponents() {}

  /**
   * What {@link #of} computed: one row per node that has an edge, and the Spark rounds it took (0
   * when solved on the driver).
   */
  public record Result(Dataset<Row> components, int rounds) {}

  /**
   * For every node of {@code edges} (columns {@value #A}, {@value #B}, longs; direction and
   * duplicates do not matter), the smallest node of its component. Nodes without edges do not
   * appear.
   */
  public static Result of(Dataset<Row> edges) {
    return of(edges, DRIVER_EDGES);
  }

  /** {@link #of(Dataset)}, on the driver when there are at most {@code driverEdges} edges. */
  static Result of(Dataset<Row> edges, long driverEdges) {
    // Oriented (hi, lo), self-loops dropped: the small-star form with which every round starts and
    // ends.
    Dataset<Row> current =
        checkpoint(
            edges
                .select(greatest(col(A), col(B)).as("hi"), least(col(A), col(B)).as("lo"))
                .where(col("hi").notEqual(col("lo")))
                .distinct());
    if (driverEdges > 0 && current.count() <= driverEdges) {
      List<Row> components = onDriver(current.collectAsList());
      current.unpersist();
      return new Result(current.sparkSession().createDataFrame(components, COMPONENTS), 0);
    }
    int rounds = 0;
    while (!isStars(current)) {
      Dataset<Row> next = checkpoint(smallStar(largeStar(current)));
      current.unpersist();
      current = next;
      rounds++;
    }
    Dataset<Row> children = current.select(col("hi").as(NODE), col("lo").as(COMPONENT));
    Dataset<Row> roots = current.select(col("lo").as(NODE), col("lo").as(COMPONENT)).distinct();
    return new Result(children.union(roots), rounds);
  }

  /**
   * Union-find over oriented edges, each root kept the smallest node of its set, so that a root is
   * the component's id as the rounds give it.
   */
  private static List<Row> onDriver(List<Row> oriented) {
    Map<Long, Long> parent = new HashMap<>();
    for (Row edge : oriented) {
      long a = root(parent, edge.getLong(0));
      long b = root(parent, edge.getLong(1));
      if (a != b) {
        parent.put(Math.max(a, b), Math.min(a, b));
      }
    }
    List<Row> rows = new ArrayList<>(parent.size());
    for (long node : parent.keySet()) {
      rows.add(RowFactory.create(node, root(parent, node)));
    }
    return rows;
  }

  private static long root(Map<Long, Long> parent, long node) {
    parent.putIfAbsent(node, node);
    long r = node;
    while (parent.get(r) != r) {
      r = parent.get(r);
    }
    // Path compression: every node on the way now points at the root.
    for (long n = node; n != r; ) {
      n = parent.put(n, r);
    }
    return r;
  }

  // Large-star: every node u with m = min(u, N(u)) links each neighbour v > u to m.
  private static Dataset<Row> largeStar(Dataset<Row> oriented) {
    Dataset<Row> both =
        oriented
            .select(col("hi").as("u"), col("lo").as("v"))
            .union(oriented.select(col("lo").as("u"), col("hi").as("v")));
    Dataset<Row> smallest =
        both.groupBy("u").agg(min("v").as("m")).select(col("u"), least(col("u"), col("m")).as("m"));
    return both.where(col("v").gt(col("u")))
        .join(smallest, "u")
        .select(col("v").as("hi"), col("m").as("lo"))
        .distinct();
  }

  // Small-star: every node u with m = min(u, its smaller neighbours) links itself and those
  // neighbours to m.
  private static Dataset<Row> smallStar(Dataset<Row> oriented) {
    Dataset<Row> smallest = oriented.groupBy("hi").agg(min("lo").as("m"));
    Dataset<Row> neighbours =
        oriented
            .join(smallest, "hi")
            .where(col("lo").notEqual(col("m")))
            .select(col("lo").as("hi"), col("m").as("lo"));
    Dataset<Row> selves = smallest.select(col("hi"), col("m").as("lo"));
    return neighbours.union(selves).distinct();
  }

  // Stars: every child (hi) has one parent (lo), and no parent is also a child.
  private static boolean isStars(Dataset<Row> oriented) {
    return oriented.groupBy("hi").count().where(col("count").gt(1)).isEmpty()
        && oriented
            .select(col("lo").as("n"))
            .intersect(oriented.select(col("hi").as("n")))
            .isEmpty();
  }

  static Dataset<Row> checkpoint(Dataset<Row> data) {
    // A reliable checkpoint when a directory is set survives lost executors; else keep blocks on
    // the executors.
    if (data.sparkSession().sparkContext().getCheckpointDir().isDefined()) {
      return data.checkpoint(true);
    }
    return data.localCheckpoint(true);
  }
}
