package dev.corral.bench;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A near-duplicate evaluation corpus of real text, deterministic from a seed: every document is a
 * pure function of its id, so the corpus of {@code n} documents is the first {@code n} of one
 * endless stream and a ground truth computed on a prefix holds at every size.
 *
 * <p>A base document is 3 to 6 distinct random paragraphs of one UDHR translation (the file's first
 * column), in random order, joined by newlines, so documents look like pages and random documents
 * of one language share paragraphs (Jaccard ~0.1–0.2: realistic background). A tenth of base
 * documents get 1 to 3 planted near-duplicates, each edited at a known word-level rate from {@link
 * #EDIT_RATES}: every word is, with that probability, substituted by a word of the same
 * translation's vocabulary, deleted, or followed by an inserted one (each a third of the time).
 * Rate 0 is an exact copy.
 *
 * <p>Ids are laid out in blocks of {@link #BLOCK}: a block's base documents and their duplicates
 * are placed at random positions inside it, so every planted pair lies inside one block (a prefix
 * of whole blocks keeps all of its pairs) and duplicates are not next to their sources.
 */
public final class DedupCorpus implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Word-level edit rates of planted duplicates, drawn uniformly. */
  public static final double[] EDIT_RATES = {0.0, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3};

  /** Documents per layout block. */
  public static final int BLOCK = 10_000;

  /** Share of base documents that get planted duplicates. */
  public static final double DUPLICATED_SHARE = 0.1;

  // Translations with fewer paragraphs (two in the file have one) would make every page of them the
  // same.
  private static final int MIN_PARAGRAPHS = 10;

  /** A planted near-duplicate: document {@code id} is {@code source} edited at {@code editRate}. */
  public record Planted(long id, long source, double editRate) implements Serializable {}

  private final long seed;
  private final String[] languages;
  private final String[][] paragraphs;
  private final String[][] vocabulary;

  private DedupCorpus(long seed, Map<String, List<String>> byLanguage) {
    this.seed = seed;
    languages = byLanguage.keySet().toArray(new String[0]);
    paragraphs = new String[languages.length][];
    vocabulary = new String[languages.length][];
    for (int l = 0; l < languages.length; l++) {
      paragraphs[l] = byLanguage.get(languages[l]).toArray(new String[0]);
      LinkedHashSet<String> words = new LinkedHashSet<>();
      for (String p : paragraphs[l]) {
        words.addAll(Arrays.asList(p.trim().split("\\s+")));
      }
      vocabulary[l] = words.toArray(new String[0]);
    }
  }

  /** Reads {@code udhr-dev.tsv} (iso639-3 code, html lang, paragraph; tab-separated). */
  public static DedupCorpus load(Path udhrTsv, long seed) throws IOException {
    Map<String, List<String>> byLanguage = new LinkedHashMap<>();
    for (String line : Files.readAllLines(udhrTsv, StandardCharsets.UTF_8)) {
      String[] fields = line.split("\t", 3);
      if (fields.length == 3 && !fields[2].isBlank()) {
        byLanguage.computeIfAbsent(fields[0], k -> new ArrayList<>()).add(fields[2].trim());
      }
    }
    byLanguage.values().removeIf(p -> p.size() < MIN_PARAGRAPHS);
    return new DedupCorpus(seed, byLanguage);
  }

  public int languageCount() {
    return languages.length;
  }

  public int paragraphCount() {
    return Arrays.stream(paragraphs).mapToInt(p -> p.length).sum();
  }

  /**
   * The text of document {@code id} (its block is laid out again: for single documents; see {@link
   * #texts}).
   */
  public String text(long id) {
    Block block = block(id / BLOCK);
    return text(id, block);
  }

  /** The texts of the first {@code n} documents, indexed by id. */
  public String[] texts(int n) {
    String[] out = new String[n];
    IntStream.range(0, (n + BLOCK - 1) / BLOCK)
        .parallel()
        .forEach(
            b -> {
              Block block = block(b);
              for (int pos = 0; pos < BLOCK && block.first + pos < n; pos++) {
                out[(int) block.first + pos] = text(block.first + pos, block);
              }
            });
    return out;
  }

  /** Every planted duplicate among the first {@code n} documents whose source is among them too. */
  public List<Planted> planted(long n) {
    List<Planted> out = new ArrayList<>();
    for (long b = 0; b * BLOCK < n; b++) {
      Block block = block(b);
      for (int pos = 0; pos < BLOCK && block.first + pos < n; pos++) {
        if (block.source[pos] >= 0 && block.first + block.source[pos] < n) {
          out.add(
              new Planted(
                  block.first + pos, block.first + block.source[pos], EDIT_RATES[block.rate[pos]]));
        }
      }
    }
    return out;
  }

  /**
   * The first {@code n} documents as a DataFrame ({@code id} long, {@code text} string) in {@code
   * partitions} contiguous id ranges, generated on the executors from a broadcast copy of this
   * corpus.
   */
  public Dataset<Row> frame(SparkSession spark, long n, int partitions) {
    Broadcast<DedupCorpus> corpus =
        spark
            .sparkContext()
            .broadcast(this, scala.reflect.ClassTag$.MODULE$.apply(DedupCorpus.class));
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("text", DataTypes.StringType, false);
    return spark.range(0, n, 1, partitions).mapPartitions(generator(corpus), Encoders.row(schema));
  }

  // Static, so that the function holds the broadcast handle only: every task of every stage that
  // reads the
  // cached corpus deserializes its lineage, and with it anything this function captures.
  private static MapPartitionsFunction<Long, Row> generator(Broadcast<DedupCorpus> corpus) {
    return ids ->
        new Iterator<>() {
          private final DedupCorpus c = corpus.value();
          private Block block;

          @Override
          public boolean hasNext() {
            return ids.hasNext();
          }

          @Override
          public Row next() {
            long id = ids.next();
            if (block == null || block.first != id / BLOCK * BLOCK) {
              block = c.block(id / BLOCK);
            }
            return RowFactory.create(id, c.text(id, block));
          }
        };
  }

  // Which position holds a duplicate of which (−1: a base document) and at what rate, for one
  // block.
  private static final class Block {
    final long first;
    final int[] source = new int[BLOCK];
    final byte[] rate = new byte[BLOCK];

    Block(long first) {
      this.first = first;
    }
  }

  private Block block(long b) {
    SplittableRandom random = new SplittableRandom(mix(seed, b, 1));
    // Slots in creation order: a base document, then its duplicates (which point back at it).
    int[] slotSource = new int[BLOCK];
    byte[] slotRate = new byte[BLOCK];
    int slots = 0;
    while (slots < BLOCK) {
      int base = slots;
      slotSource[slots++] = -1;
      int copies = random.nextDouble() < DUPLICATED_SHARE ? 1 + random.nextInt(3) : 0;
      for (int k = 0; k < copies && slots < BLOCK; k++) {
        slotSource[slots] = base;
        slotRate[slots++] = (byte) random.nextInt(EDIT_RATES.length);
      }
    }
    int[] position = new int[BLOCK];
    for (int i = 0; i < BLOCK; i++) {
      position[i] = i;
    }
    for (int i = BLOCK - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = position[i];
      position[i] = position[j];
      position[j] = t;
    }
    Block block = new Block(b * BLOCK);
    for (int s = 0; s < BLOCK; s++) {
      block.source[position[s]] = slotSource[s] < 0 ? -1 : position[slotSource[s]];
      block.rate[position[s]] = slotRate[s];
    }
    return block;
  }

  private String text(long id, Block block) {
    int pos = (int) (id - block.first);
    int source = block.source[pos];
    if (source < 0) {
      return baseText(id);
    }
    long sourceId = block.first + source;
    return edit(
        baseText(sourceId),
        language(sourceId),
        EDIT_RATES[block.rate[pos]],
        new SplittableRandom(mix(seed, id, 3)));
  }

  private int language(long id) {
    return new SplittableRandom(mix(seed, id, 2)).nextInt(languages.length);
  }

  private String baseText(long id) {
    SplittableRandom random = new SplittableRandom(mix(seed, id, 2));
    String[] pool = paragraphs[random.nextInt(languages.length)];
    int k = Math.min(pool.length, 3 + random.nextInt(4));
    // A partial Fisher-Yates shuffle over indices: k distinct paragraphs in random order.
    int[] index = new int[pool.length];
    for (int i = 0; i < index.length; i++) {
      index[i] = i;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(index.length - i);
      int t = index[i];
      index[i] = index[j];
      index[j] = t;
      if (i > 0) {
        text.append('\n');
      }
      text.append(pool[index[i]]);
    }
    return text.toString();
  }

  private String edit(String text, int language, double rate, SplittableRandom random) {
    if (rate == 0) {
      return text;
    }
    String[] words = vocabulary[language];
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (String line : text.split("\n", -1)) {
      if (out.length() > 0) {
        out.append('\n');
      }
      int lineStart = out.length();
      for (String word : line.split(" ")) {
        if (random.nextDouble() >= rate) {
          appendWord(out, lineStart, word);
          continue;
        }
        switch (random.nextInt(3)) {
          case 0 -> appendWord(out, lineStart, words[random.nextInt(words.length)]);
          case 1 -> {} // deleted
          default -> {
            appendWord(out, lineStart, word);
            appendWord(out, lineStart, words[random.nextInt(words.length)]);
          }
        }
      }
    }
    return out.toString();
  }

  private static void appendWord(StringBuilder out, int lineStart, String word) {
    if (out.length() > lineStart) {
      out.append(' ');
    }
    out.append(word);
  }

  // A 64-bit hash of (seed, id, stream), so that every document and every purpose gets its own
  // random stream.
  private static long mix(long seed, long id, int stream) {
    long h = seed * 0x9E3779B97F4A7C15L + id;
    h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + stream;
    h = (h ^ (h >>> 29)) * 0x94D049BB133111EBL;
    return h ^ (h >>> 32);
  }
}
