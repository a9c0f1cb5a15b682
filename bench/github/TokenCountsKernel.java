package dev.corral.curation.sources.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.curation.models.ExecutorTokenizers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The GitHub source's LLaMA token counts alone ({@link TokenCounts#count}), on the contents of a
 * BigQuery export's first FILES files; each pass on a new thread, so the per-thread caches start
 * empty as in a new executor. Prints each pass's CPU seconds of that thread and the tokens, which
 * must not change between builds.
 *
 * <p>javac -cp CLASSPATH -d DIR bench/github/TokenCountsKernel.java; java -cp DIR:CLASSPATH
 * dev.corral.curation.sources.github.TokenCountsKernel EXPORT_DIR FILES PASSES (CLASSPATH:
 * jobs/target/corral.jar and jobs/target/spark-classpath.txt's jars)
 */
public final class TokenCountsKernel {
  public static void main(String[] args) throws Exception {
    List<String> texts = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (var files = Files.list(Path.of(args[0]))) {
      for (Path f : files.sorted().limit(Integer.parseInt(args[1])).toList()) {
        try (BufferedReader r =
            new BufferedReader(
                new InputStreamReader(
                    new GZIPInputStream(Files.newInputStream(f)), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            texts.add(json.readTree(line).get("content").asText());
          }
        }
      }
    }
    TokenCounts counts = TokenCounts.get(ExecutorTokenizers.LLAMA);
    for (int pass = 0; pass < Integer.parseInt(args[2]); pass++) {
      long[] cpuAndTokens = new long[2];
      Thread thread =
          new Thread(
              () -> {
                var bean = ManagementFactory.getThreadMXBean();
                long start = bean.getCurrentThreadCpuTime();
                long tokens = 0;
                for (String text : texts) {
                  tokens += counts.count(text);
                }
                cpuAndTokens[0] = bean.getCurrentThreadCpuTime() - start;
                cpuAndTokens[1] = tokens;
              });
      thread.start();
      thread.join();
      System.out.printf(
          "pass %d: %.3f CPU s, %d tokens, %d files%n",
          pass, cpuAndTokens[0] / 1e9, cpuAndTokens[1], texts.size());
    }
  }
}
