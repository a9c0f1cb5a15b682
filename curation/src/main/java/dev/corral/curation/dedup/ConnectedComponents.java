package dev.corral.curation.dedup;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.min;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Connected components of an undirected graph given as an edge table, computed with Spark joins and
 * aggregations only, by alternating large-star and small-star (Kiveris et al. 2014, "Connected
 * Components in MapReduce and Beyond"): each round hangs every node's larger neighbours, then its
 * smaller ones, on the smallest node it sees; when every edge joins a node to a root (no root is
 * also a child) the graph is a set of stars and each node's component is the smallest id in it.
 * Rounds are {@code O(log² n)} in the worst case and a handful on dedup graphs. Neither edges nor
 * components ever come to the driver; each round is checkpointed so that plans and lineage stay
 * short.
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

  private ConnectedComponents() {}

  /** What {@link #of} computed: one row per node that has an edge, and the rounds it took. */
  public record Result(Dataset<Row> components, int rounds) {}

  /**
   * For every node of {@code edges} (columns {@value #A}, {@value #B}, longs; direction and
   * duplicates do not matter), the smallest node of its component. Nodes without edges do not
   * appear.
   */
  public static Result of(Dataset<Row> edges) {
    // Oriented (hi, lo), self-loops dropped: the small-star form with which every round starts and
    // ends.
    Dataset<Row> current =
        checkpoint(
            edges
                .select(greatest(col(A), col(B)).as("hi"), least(col(A), col(B)).as("lo"))
                .where(col("hi").notEqual(col("lo")))
                .distinct());
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
