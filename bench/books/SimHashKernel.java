import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.curation.dedup.SimHash;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Corral's fingerprint kernel alone: {@link SimHash#fingerprint} on one thread, on the books of
 * RedPajama chunks; one warm-up pass, then timed passes (thread CPU time). Prints the same line as
 * simhash_kernel.py, the XOR of all fingerprints included.
 *
 * <p>java -cp CLASSPATH bench/books/SimHashKernel.java PASSES CHUNK...
 */
public final class SimHashKernel {
  public static void main(String[] args) throws Exception {
    int passes = Integer.parseInt(args[0]);
    ObjectMapper json = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    long bytes = 0;
    for (int i = 1; i < args.length; i++) {
      for (String line : Files.readAllLines(Path.of(args[i]), StandardCharsets.UTF_8)) {
        String text = json.readTree(line).get("text").asText();
        texts.add(text);
        bytes += text.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    SimHash simhash = new SimHash(6, 0);
    var threads = ManagementFactory.getThreadMXBean();
    long xor = 0;
    for (String t : texts) {
      xor ^= simhash.fingerprint(t); // warm-up: JIT
    }
    for (int p = 0; p < passes; p++) {
      long start = threads.getCurrentThreadCpuTime();
      long x = 0;
      for (String t : texts) {
        x ^= simhash.fingerprint(t);
      }
      double seconds = (threads.getCurrentThreadCpuTime() - start) / 1e9;
      System.out.printf(
          "corral books %d MB %.2f cpu_seconds %.3f books_per_cpu_second %.3f xor %016x%n",
          texts.size(), bytes / 1e6, seconds, texts.size() / seconds, x);
      if (x != xor) {
        throw new IllegalStateException("fingerprints changed between passes");
      }
    }
  }
}
