package dev.corral.jobs.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Partitions}: the partitions a task's rows meet, below and beyond the sample's size. */
class PartitionsTest {

  @Test
  void theWholeSampleMeetsEveryPartitionItHas() {
    long[] rows = {50, 20, 1, 1, 3};
    assertEquals(5, Partitions.perTask(rows, 75), 1e-9);
    assertEquals(1, Partitions.perTask(rows, 1), 1e-9, "one row, one partition");
    assertEquals(0, Partitions.perTask(new long[0], 10));
    assertEquals(0, Partitions.perTask(rows, 0));
  }

  @Test
  void fewerRowsMeetFewerPartitionsAsDrawingThemWouldExpect() {
    // Two partitions of 2 rows each, 2 rows drawn: both from one partition in 2 of the 6 pairs.
    assertEquals(2 - 2.0 / 6, Partitions.perTask(new long[] {2, 2}, 2), 1e-9);
  }

  @Test
  void withoutRareOnesTheSampleHasThemAll() {
    assertEquals(3, Partitions.perTask(new long[] {100, 40, 7}, 10_000), 1e-9);
  }

  @Test
  void moreRowsThanTheSampleMeetTheRareOnesItMissed() {
    // 300 languages, a few common and many rare (rows drawn with weight 1/rank); the estimate from
    // a sample of 2,000 rows, for tasks of 6,000, against what tasks of 6,000 rows meet.
    Random random = new Random(3);
    double[] weights = new double[300];
    double sum = 0;
    for (int i = 0; i < weights.length; i++) {
      weights[i] = 1.0 / (i + 1);
      sum += weights[i];
    }
    long[] sample = new long[weights.length];
    for (int r = 0; r < 2_000; r++) {
      sample[draw(random, weights, sum)]++;
    }
    int seen = 0;
    for (long r : sample) {
      seen += r > 0 ? 1 : 0;
    }
    double estimate = Partitions.perTask(sample, 6_000);
    List<Integer> met = new ArrayList<>();
    for (int task = 0; task < 20; task++) {
      Set<Integer> languages = new HashSet<>();
      for (int r = 0; r < 6_000; r++) {
        languages.add(draw(random, weights, sum));
      }
      met.add(languages.size());
    }
    double mean = met.stream().mapToInt(Integer::intValue).average().orElse(0);
    assertTrue(estimate > seen, "more than the " + seen + " the sample saw: " + estimate);
    assertEquals(mean, estimate, 0.1 * mean, "tasks met " + met);
  }

  private static int draw(Random random, double[] weights, double sum) {
    double u = random.nextDouble() * sum;
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u <= 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
