package dev.corral.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.curation.sources.arxiv.TexCleaner;
import java.io.BufferedReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * arXiv LaTeX cleaning on one core: every paper of a JSON-lines file {@code {"id", "files"}} (as
 * bench/arxiv-cleaning.py writes it) through {@link TexCleaner}, timed alone (no reading, no JSON),
 * the first run warming the JIT; then the texts as JSON lines {@code {"id", "text"}} for comparison
 * with the reference's. Usage: ArxivCleaning PAPERS.jsonl paper|redpajama RUNS OUT.jsonl
 */
public final class ArxivCleaning {
  public static void main(String[] args) throws Exception {
    TexCleaner.Rules rules = TexCleaner.Rules.ofLabel(args[1]);
    int runs = Integer.parseInt(args[2]);
    ObjectMapper json = new ObjectMapper();
    List<String> ids = new ArrayList<>();
    List<List<String>> papers = new ArrayList<>();
    long chars = 0;
    try (BufferedReader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        JsonNode paper = json.readTree(line);
        List<String> files = new ArrayList<>();
        for (JsonNode f : paper.get("files")) {
          files.add(f.asText());
          chars += f.asText().length();
        }
        ids.add(paper.get("id").asText());
        papers.add(files);
      }
    }
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<TexCleaner.Cleaned> out = new ArrayList<>(papers.size());
    List<Double> cpu = new ArrayList<>();
    for (int run = 0; run <= runs; run++) {
      out.clear();
      long c0 = os.getProcessCpuTime();
      for (List<String> files : papers) {
        out.add(TexCleaner.clean(files, rules));
      }
      double s = (os.getProcessCpuTime() - c0) / 1e9;
      if (run > 0) {
        cpu.add(s);
      }
      System.err.printf("run %d%s: %.3f CPU s%n", run, run == 0 ? " (warm-up)" : "", s);
    }
    List<Double> sorted = new ArrayList<>(cpu);
    Collections.sort(sorted);
    double median = sorted.get(sorted.size() / 2);
    System.out.printf(
        "corral cleaning (%s): %d papers, %.1f M characters of LaTeX; warm runs %s CPU s;"
            + " median %.3f CPU s = %.1f papers per CPU s%n",
        rules.label(), papers.size(), chars / 1e6, cpu, median, papers.size() / median);
    json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    try (OutputStream o = Files.newOutputStream(Path.of(args[3]))) {
      for (int i = 0; i < out.size(); i++) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", ids.get(i));
        // Python raises (and RedPajama drops the paper) where Corral reports a macro escape error.
        boolean failed = TexCleaner.MACRO_ESCAPE_ERROR.equals(out.get(i).dropReason());
        row.put("text", failed ? null : out.get(i).text());
        o.write(json.writeValueAsBytes(row));
        o.write('\n');
      }
    }
  }
}
