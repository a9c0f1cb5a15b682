package dev.corral.inference.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The partition loop without Spark or a model: order, budget, bounded reading, per-row errors; and
 * pinning.
 */
class BatcherTest {
  /**
   * Rows are strings; a row's length is its width; "bad" fails to prepare, "poison" fails any batch
   * it is in.
   */
  static final class Upper implements Batcher.Work<String, String, String, String> {
    final List<List<String>> batches = new ArrayList<>();

    @Override
    public String prepare(String row) {
      if (row.equals("bad")) {
        throw new IllegalArgumentException("bad row");
      }
      return row;
    }

    @Override
    public int sequences(String p) {
      return 1;
    }

    @Override
    public int width(String p) {
      return p.length();
    }

    @Override
    public List<String> run(List<String> batch) {
      batches.add(batch);
      if (batch.contains("poison")) {
        throw new IllegalStateException("poisoned batch");
      }
      return batch.stream().map(String::toUpperCase).toList();
    }

    @Override
    public String output(String row, String result, String error) {
      return error == null ? result : "!" + error;
    }
  }

  private static List<String> drain(Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void keepsOrderAndBudgetWithShuffledLengths() {
    List<String> rows = new ArrayList<>();
    for (int i = 1; i <= 60; i++) {
      rows.add("x".repeat(i % 13 + 1) + i);
    }
    Collections.shuffle(rows, new Random(7));
    Upper work = new Upper();
    List<String> out = drain(new Batcher<>(rows.iterator(), work, 9, 20));
    assertEquals(rows.stream().map(String::toUpperCase).toList(), out);
    for (List<String> b : work.batches) {
      int widest = b.stream().mapToInt(String::length).max().getAsInt();
      assertTrue(b.size() == 1 || b.size() * widest <= 20, () -> "over budget: " + b);
      // sorted inside the window: each batch is in ascending length
      for (int i = 1; i < b.size(); i++) {
        assertTrue(b.get(i - 1).length() <= b.get(i).length(), () -> "unsorted batch " + b);
      }
    }
    assertTrue(work.batches.size() > 60 / 9, "several batches per window");
  }

  @Test
  void readsOneWindowAtATime() {
    int[] read = {0};
    Iterator<String> endless =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public String next() {
            return "r" + read[0]++;
          }
        };
    Iterator<String> out = new Batcher<>(endless, new Upper(), 5, 100);
    assertEquals("R0", out.next());
    assertEquals(5, read[0], "the first row needs exactly one window");
    for (int i = 1; i < 5; i++) {
      out.next();
    }
    assertEquals(5, read[0]);
    out.next();
    assertEquals(10, read[0]);
  }

  @Test
  void aBadRowOnlyFailsItself() {
    List<String> rows = List.of("a", "bad", "bc", "poison", "de", "f");
    List<String> out = drain(new Batcher<>(rows.iterator(), new Upper(), 100, 1000));
    assertEquals(List.of("A", "!bad row", "BC", "!poisoned batch", "DE", "F"), out);
  }

  @Test
  void emptyPartition() {
    assertEquals(List.of(), drain(new Batcher<>(Collections.emptyIterator(), new Upper(), 4, 10)));
  }

  @Test
  void gpuAddressBecomesADeviceOrTheCpu() {
    assertEquals(new GpuPinning.Placement("cpu", Device.cpu()), GpuPinning.place(null, false));
    assertEquals(
        new GpuPinning.Placement("cpu", Device.cpu()), GpuPinning.place(new String[0], true));
    assertEquals(
        new GpuPinning.Placement("gpu:1", Device.gpu(1)),
        GpuPinning.place(new String[] {"1"}, false));
    assertEquals(
        new GpuPinning.Placement("gpu:3", Device.gpu(3)),
        GpuPinning.place(new String[] {"3", "4"}, false));
    // cpuFallback: keyed and reported by the address, loaded on the CPU
    assertEquals(
        new GpuPinning.Placement("gpu:1", Device.cpu()),
        GpuPinning.place(new String[] {"1"}, true));
    assertThrows(RuntimeException.class, () -> GpuPinning.place(new String[] {"GPU-8a1e"}, false));
    assertThrows(RuntimeException.class, () -> GpuPinning.place(new String[] {"-1"}, false));
    // outside a Spark task there is no GPU resource
    assertEquals("cpu", GpuPinning.currentTask(false).label());
    IntStream.range(0, 8)
        .forEach(
            i ->
                assertEquals(
                    "gpu:" + i,
                    GpuPinning.place(new String[] {Integer.toString(i)}, true).label()));
  }
}
