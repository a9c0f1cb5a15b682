package dev.corral.bench;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * Writes Common Crawl-like WET files of real text for the {@code corral ccnet} benchmark: the UDHR
 * paragraphs ({@code udhr-dev.tsv}: code, html lang, text) cut into sentences and reassembled into
 * paragraphs of 3 to 6 sentences of one language, on pages of 2 to 8 such paragraphs, framed by
 * boilerplate lines (navigation, a cookie notice, a copyright line) that repeat across the pages of
 * a site or of every site, so that line dedup has work. Each page is in its site's language; 80% of
 * sites are in the languages that have a model (weighted like a crawl: a few large, many small),
 * 20% spread evenly over all the others. Records are WARC/1.0 {@code conversion} records, each its
 * own gzip member, after a {@code warcinfo} record, as Common Crawl writes them. File {@code i}
 * depends only on the seed and {@code i}, so the first files of a larger set are a smaller set.
 * Writes {@code _manifest.tsv} beside them: file, bytes of text (the records' blocks), pages.
 * Usage: WetCorpus UDHR_TSV OUT_DIR FILES MB_PER_FILE (MB of text, 10^6 bytes)
 */
public final class WetCorpus {
  /**
   * Languages given a model in the benchmark, with crawl-like weights (lid.176 labels, as in the
   * TSV).
   */
  static final Map<String, Integer> MODEL_LANGUAGES = new LinkedHashMap<>();

  static {
    String[] langs = {
      "fr", "ja", "zh", "nl", "pl", "vi", "sv", "fa", "ar", "ko", "uk", "ro", "ca", "lt", "lv",
      "et", "is", "th", "bn", "ta", "ur", "be", "kk", "gl"
    };
    int[] weights = {14, 12, 12, 7, 7, 5, 5, 5, 5, 4, 4, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    for (int i = 0; i < langs.length; i++) {
      MODEL_LANGUAGES.put(langs[i], weights[i]);
    }
  }

  private static final int SITES = 2000;
  // A sentence ends at . ! ? ; or CJK full stops, followed by space or the end.
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?;。！？])\\s*");

  public static void main(String[] args) throws Exception {
    Path tsv = Path.of(args[0]);
    Path out = Path.of(args[1]);
    int files = Integer.parseInt(args[2]);
    long bytesPerFile = (long) (Double.parseDouble(args[3]) * 1e6);
    Map<String, List<String>> sentences = sentences(tsv);
    Files.createDirectories(out);
    long[][] counts = new long[files][];
    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    List<Future<?>> done = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      int file = f;
      done.add(
          pool.submit(
              () -> {
                counts[file] = writeFile(out.resolve(name(file)), file, sentences, bytesPerFile);
              }));
    }
    for (Future<?> d : done) {
      d.get();
    }
    pool.shutdown();
    StringBuilder manifest = new StringBuilder();
    long text = 0;
    long pages = 0;
    for (int f = 0; f < files; f++) {
      manifest
          .append(name(f))
          .append('\t')
          .append(counts[f][0])
          .append('\t')
          .append(counts[f][1])
          .append('\n');
      text += counts[f][0];
      pages += counts[f][1];
    }
    Files.writeString(out.resolve("_manifest.tsv"), manifest);
    System.out.printf(
        "wrote %d files in %s: %d pages, %.1f MB of text%n", files, out, pages, text / 1e6);
  }

  static String name(int file) {
    return String.format("CC-BENCH-%05d.warc.wet.gz", file);
  }

  /** Sentences of each language (html lang); a paragraph with no sentence end is one sentence. */
  static Map<String, List<String>> sentences(Path tsv) throws IOException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", 3);
      if (f.length < 3 || f[2].isBlank()) {
        continue;
      }
      List<String> list = out.computeIfAbsent(f[1], k -> new ArrayList<>());
      for (String s : SENTENCE_END.split(f[2].strip())) {
        if (!s.isBlank()) {
          list.add(s.strip());
        }
      }
    }
    return out;
  }

  /** One site: its language and the boilerplate lines its pages share. */
  private record Site(String name, String language, String[] header, String[] footer) {}

  private static List<Site> sites(Map<String, List<String>> sentences) {
    Random r = new Random(42);
    List<String> others = new ArrayList<>(sentences.keySet());
    others.removeAll(MODEL_LANGUAGES.keySet());
    int total = MODEL_LANGUAGES.values().stream().mapToInt(Integer::intValue).sum();
    List<Site> sites = new ArrayList<>();
    for (int i = 0; i < SITES; i++) {
      String lang;
      if (r.nextDouble() < 0.8) {
        int pick = r.nextInt(total);
        lang = null;
        for (Map.Entry<String, Integer> e : MODEL_LANGUAGES.entrySet()) {
          pick -= e.getValue();
          if (pick < 0) {
            lang = e.getKey();
            break;
          }
        }
      } else {
        lang = others.get(r.nextInt(others.size()));
      }
      String name = "site" + i;
      String[] header = {
        "Home | News | About " + name + " | Contact",
        "Sign in · Register · Search " + name,
        "This website uses cookies to improve your experience. By continuing to browse you accept our cookie policy."
      };
      String[] footer = {
        "© 2019 " + name + ". All rights reserved.",
        "Terms of use | Privacy policy | Sitemap | Follow us on social media"
      };
      sites.add(new Site(name, lang, header, footer));
    }
    return sites;
  }

  private static long[] writeFile(
      Path file, int index, Map<String, List<String>> sentences, long target) {
    List<Site> sites = sites(sentences);
    Random r = new Random(1_000_003L * (index + 1));
    long text = 0;
    long pages = 0;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write(gzip(warcinfo(file.getFileName().toString())));
      while (text < target) {
        Site site = sites.get(r.nextInt(sites.size()));
        List<String> pool = sentences.get(site.language());
        StringBuilder body = new StringBuilder();
        int paragraphs = 2 + r.nextInt(7);
        String first = null;
        for (String h : site.header()) {
          body.append(h).append('\n');
        }
        for (int p = 0; p < paragraphs; p++) {
          int n = 3 + r.nextInt(4);
          StringBuilder para = new StringBuilder();
          for (int s = 0; s < n; s++) {
            para.append(s == 0 ? "" : " ").append(pool.get(r.nextInt(pool.size())));
          }
          first = first == null ? para.toString() : first;
          body.append(para).append('\n');
        }
        body.append(site.footer()[0]).append('\n').append(site.footer()[1]);
        String title =
            first.substring(
                    0,
                    first.offsetByCodePoints(
                        0, Math.min(first.codePointCount(0, first.length()), 40)))
                + " - "
                + site.name();
        String url =
            "https://www."
                + site.name()
                + ".example/"
                + site.language()
                + "/page-"
                + index
                + "-"
                + pages
                + ".html";
        byte[] block = (title + "\n" + body).getBytes(StandardCharsets.UTF_8);
        out.write(gzip(conversion(url, block)));
        text += block.length;
        pages++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new long[] {text, pages};
  }

  private static byte[] conversion(String url, byte[] block) {
    String headers =
        "WARC/1.0\r\n"
            + "WARC-Type: conversion\r\n"
            + "WARC-Target-URI: "
            + url
            + "\r\n"
            + "WARC-Date: 2019-02-15T19:15:59Z\r\n"
            + "WARC-Record-ID: <urn:uuid:"
            + uuid(url)
            + ">\r\n"
            + "WARC-Refers-To: <urn:uuid:"
            + uuid(url + "#response")
            + ">\r\n"
            + "WARC-Block-Digest: sha1:"
            + digest(url)
            + "\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Length: "
            + block.length
            + "\r\n\r\n";
    return record(headers, block);
  }

  private static byte[] warcinfo(String filename) {
    byte[] block =
        "isPartOf: CC-BENCH\r\npublisher: corral bench\r\n".getBytes(StandardCharsets.UTF_8);
    String headers =
        "WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Date: 2019-02-24T05:12:00Z\r\n"
            + "WARC-Filename: "
            + filename
            + "\r\nWARC-Record-ID: <urn:uuid:"
            + uuid(filename)
            + ">\r\n"
            + "Content-Type: application/warc-fields\r\nContent-Length: "
            + block.length
            + "\r\n\r\n";
    return record(headers, block);
  }

  private static byte[] record(String headers, byte[] block) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(headers.length() + block.length + 4);
    out.writeBytes(headers.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(block);
    out.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length / 2 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(data);
    }
    return bytes.toByteArray();
  }

  private static String uuid(String seed) {
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static String digest(String seed) {
    // 32 base32 characters, as Common Crawl's SHA-1 digests; the reader passes them through
    // unchecked.
    String hex = Long.toHexString(seed.hashCode() * 0x9E3779B97F4A7C15L).toUpperCase();
    return ("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" + hex).substring(hex.length());
  }
}
