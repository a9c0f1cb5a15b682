package dev.corral.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.curation.sources.wikipedia.WikitextCleaner;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

/**
 * Wikitext cleaning on one core: every article of a plain XML dump (namespace 0, no redirect, with
 * text) through {@link WikitextCleaner}, timed alone (no reading, no parsing of the XML), the first
 * run warming the JIT; then the texts as JSON lines {@code {"id", "text"}} for comparison with the
 * reference's. Usage: WikitextCleaning DUMP.xml LANGUAGE RUNS OUT.jsonl
 */
public final class WikitextCleaning {
  public static void main(String[] args) throws Exception {
    Path dump = Path.of(args[0]);
    String language = args[1];
    int runs = Integer.parseInt(args[2]);
    List<String> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    XMLInputFactory f = XMLInputFactory.newDefaultFactory();
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    try (InputStream in = Files.newInputStream(dump)) {
      XMLStreamReader r = f.createXMLStreamReader(in, "UTF-8");
      String id = null;
      String ns = null;
      boolean redirect = false;
      boolean revision = false;
      String text = null;
      while (r.hasNext()) {
        int e = r.next();
        if (e == XMLStreamConstants.START_ELEMENT) {
          switch (r.getLocalName()) {
            case "page" -> {
              id = null;
              ns = null;
              redirect = false;
              revision = false;
              text = null;
            }
            case "revision" -> revision = true;
            case "redirect" -> redirect = true;
            case "ns" -> ns = r.getElementText();
            case "id" -> {
              String v = r.getElementText();
              id = id == null && !revision ? v : id;
            }
            case "text" -> text = r.getElementText();
            default -> {}
          }
        } else if (e == XMLStreamConstants.END_ELEMENT && r.getLocalName().equals("page")) {
          if ("0".equals(ns) && !redirect && text != null && !text.isEmpty()) {
            ids.add(id);
            texts.add(text);
          }
        }
      }
    }
    long bytes = 0;
    for (String t : texts) {
      bytes += t.getBytes(StandardCharsets.UTF_8).length;
    }
    WikitextCleaner cleaner = WikitextCleaner.forLanguage(language);
    List<String> out = new ArrayList<>(texts.size());
    List<Double> seconds = new ArrayList<>();
    double cpu = 0;
    double first = 0;
    var os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    for (int run = 0; run <= runs; run++) {
      out.clear();
      long t0 = System.nanoTime();
      long c0 = os.getProcessCpuTime();
      for (String t : texts) {
        out.add(cleaner.clean(t));
      }
      double s = (System.nanoTime() - t0) / 1e9;
      if (run > 0) {
        seconds.add(s);
        cpu += (os.getProcessCpuTime() - c0) / 1e9;
      } else {
        first = s;
      }
      System.err.printf("run %d%s: %.3f s%n", run, run == 0 ? " (warm-up)" : "", s);
    }
    List<Double> sorted = new ArrayList<>(seconds);
    Collections.sort(sorted);
    double median = sorted.get(sorted.size() / 2);
    System.out.printf(
        "corral cleaning: %d pages, %.3f MB of wikitext; cold first run %.3f MB/s; warm runs %s s,"
            + " %.3f MB per process CPU second; median %.3f s = %.3f MB/s%n",
        texts.size(),
        bytes / 1e6,
        bytes / 1e6 / first,
        seconds,
        bytes / 1e6 * runs / cpu,
        median,
        bytes / 1e6 / median);
    ObjectMapper json = new ObjectMapper();
    json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    try (OutputStream o = Files.newOutputStream(Path.of(args[3]))) {
      for (int i = 0; i < out.size(); i++) {
        if (!out.get(i).isEmpty()) {
          o.write(json.writeValueAsBytes(java.util.Map.of("id", ids.get(i), "text", out.get(i))));
          o.write('\n');
        }
      }
    }
  }
}
