package dev.corral.curation.sources.books;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.io.SerializableConfiguration;
import dev.corral.core.text.Utf8;
import dev.corral.curation.sources.SourceColumns;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads LLaMA's book corpora into one row per book (Touvron et al. 2023, section 2.1: "the
 * Gutenberg Project ... and the Books3 section of ThePile"), in the layouts RedPajama v1 used
 * ({@code rp_v1:data_prep/book/download.py}):
 *
 * <ul>
 *   <li>Project Gutenberg plain-text files ({@code *.txt}, also {@code .txt.gz} and {@code
 *       .txt.bz2}): decoded, header and licence removed, header fields read ({@link
 *       GutenbergText});
 *   <li>PG-19 JSON Lines ({@code short_book_title, publication_date, url, text}, as the Hugging
 *       Face {@code pg19} dataset exports them, or RedPajama's 2,000-line chunks {@code pg19_NNN});
 *   <li>Books3 JSON Lines ({@code title, text}); Corral never fetches it, it reads only what it is
 *       given.
 * </ul>
 *
 * <p>A JSON Lines file is Books3 when its name says {@code books3}, PG-19 when it says {@code
 * pg19}, and otherwise PG-19 if its first object has {@code short_book_title}. Columns: the common
 * ones ({@link SourceColumns}; {@code source} is {@code books}) then {@code corpus} ({@code
 * gutenberg}, {@code pg19}, {@code books3}), {@code publication_date} (PG-19's, as a string), and
 * with {@link Options#redpajama} {@code rp_id}, RedPajama's number for the book ({@code idx + num *
 * 2000} for line {@code idx} of chunk {@code _num}; the line for a file without a chunk number; a
 * Gutenberg file's rank among the Gutenberg files, as if they were chunk {@code pg19_000}). Ids are
 * {@code gutenberg/<file>} and {@code <corpus>/<file>/<line>} (line from 0), unique across corpora.
 *
 * <p>Each JSON Lines file is read by one task, Gutenberg files in groups of about {@link
 * Options#taskBytes}. A line that is not a JSON object with a string {@code text} (or not UTF-8),
 * or a Gutenberg file that is empty or cannot be decompressed, is skipped and counted with its
 * file, line and byte offset; the job goes on, and a skipped line keeps its number, so its
 * neighbours keep theirs.
 */
public final class Books {
  /** Name of the {@link BookCounts} accumulator a read registers. */
  public static final String COUNTS_ACCUMULATOR = "corral.books.files";

  public static final String SOURCE = "books";
  public static final String CORPUS = "corpus";
  public static final String PUBLICATION_DATE = "publication_date";
  public static final String RP_ID = "rp_id";
  public static final String GUTENBERG = "gutenberg";
  public static final String PG19 = "pg19";
  public static final String BOOKS3 = "books3";

  /** Lines per chunk in RedPajama's layout ({@code split -l 2000}). */
  public static final long CHUNK_LINES = 2000;

  /**
   * The longest line or Gutenberg file read. The longest books of PG-19 and Books3 are a few tens
   * of MB and a task holds one whole; a line beyond this is not a book but a broken file.
   */
  static final int MAX_BYTES = 256 << 20;

  private static final Pattern CHUNK_NUMBER = Pattern.compile(".*_(\\d+)$");
  private static final Pattern GUTENBERG_FILE = Pattern.compile("(?i).*\\.txt(\\.gz|\\.bz2)?$");

  private Books() {}

  /**
   * How books are read.
   *
   * @param redpajama strip Gutenberg files as the reference does, quirks included, and add {@code
   *     rp_id}; else strip them with the paper-mode fix (see {@link GutenbergText})
   * @param taskBytes bytes of Gutenberg files a task reads (they are small: many go to one task)
   */
  public record Options(boolean redpajama, long taskBytes) implements Serializable {
    public static final long DEFAULT_TASK_BYTES = 64L << 20;

    public Options {
      if (taskBytes < 1) {
        throw Errors.badArgument("taskBytes", taskBytes, "a number of bytes >= 1");
      }
    }

    public static Options defaults() {
      return new Options(false, DEFAULT_TASK_BYTES);
    }

    public Options withRedPajama(boolean value) {
      return new Options(value, taskBytes);
    }

    public Options withTaskBytes(long value) {
      return new Options(redpajama, value);
    }
  }

  /** The schema of the rows: common columns, corpus, publication date, and rp_id when asked. */
  public static StructType schema(boolean redpajama) {
    List<StructField> extra = new ArrayList<>();
    extra.add(DataTypes.createStructField(CORPUS, DataTypes.StringType, false));
    extra.add(DataTypes.createStructField(PUBLICATION_DATE, DataTypes.StringType, true));
    if (redpajama) {
      extra.add(DataTypes.createStructField(RP_ID, DataTypes.LongType, false));
    }
    return SourceColumns.schema(extra.toArray(new StructField[0]));
  }

  /**
   * What {@link #read} returns: the books, read lazily, and the per-file counts the reading fills
   * once an action has read them.
   */
  public static final class Result {
    private final Dataset<Row> documents;
    private final List<String> files;
    private final BookCounts counts;

    Result(Dataset<Row> documents, List<String> files, BookCounts counts) {
      this.documents = documents;
      this.files = files;
      this.counts = counts;
    }

    /** One row per book, in {@link #schema}. */
    public Dataset<Row> documents() {
      return documents;
    }

    /** The files read, after expanding globs and folders, in path order. */
    public List<String> files() {
      return files;
    }

    /** Books delivered as rows. */
    public long documentsRead() {
      return counts.value().values().stream().mapToLong(BookCounts.FileCount::documents).sum();
    }

    /** Lines and files skipped. */
    public long malformed() {
      return counts.value().values().stream().mapToLong(BookCounts.FileCount::malformed).sum();
    }

    /** Skipped lines and files per file, for the files that had any, in path order. */
    public Map<String, Long> malformedByFile() {
      Map<String, Long> out = new TreeMap<>();
      counts.value().values().stream()
          .filter(c -> c.malformed() > 0)
          .forEach(c -> out.put(c.file(), c.malformed()));
      return out;
    }

    /** The first skipped line or file of each file that had any: {@code file: line 3 (...)}. */
    public List<String> firstMalformed() {
      List<String> out = new ArrayList<>();
      new TreeMap<>(counts.value())
          .values()
          .forEach(
              c -> {
                if (c.firstMalformed() != null) {
                  out.add(c.file() + ": " + c.firstMalformed());
                }
              });
      return out;
    }
  }

  /** Reads {@code paths} (files, globs or folders); fails if a path matches no file. */
  public static Result read(SparkSession spark, List<String> paths, Options options) {
    Configuration conf = spark.sessionState().newHadoopConf();
    List<FileStatus> files = HadoopFs.listFileStatuses(conf, paths, "book file");
    List<List<Task>> groups = new ArrayList<>();
    List<Task> gutenberg = new ArrayList<>();
    long gutenbergBytes = 0;
    int rank = 0;
    for (FileStatus f : files) {
      String path = f.getPath().toString();
      if (isGutenberg(path)) {
        if (!gutenberg.isEmpty() && gutenbergBytes + f.getLen() > options.taskBytes()) {
          groups.add(gutenberg);
          gutenberg = new ArrayList<>();
          gutenbergBytes = 0;
        }
        gutenberg.add(new Task(path, true, rank++));
        gutenbergBytes += f.getLen();
      } else {
        groups.add(List.of(new Task(path, false, 0)));
      }
    }
    if (!gutenberg.isEmpty()) {
      groups.add(gutenberg);
    }
    var sc = spark.sparkContext();
    BookCounts counts = new BookCounts();
    sc.register(counts, COUNTS_ACCUMULATOR);
    // One partition per group, so that a file is read by exactly one task and never split.
    JavaRDD<Row> rows =
        JavaSparkContext.fromSparkContext(sc)
            .parallelize(groups, Math.max(1, groups.size()))
            .mapPartitions(
                new ReadBooks(new SerializableConfiguration(conf), options.redpajama(), counts));
    List<String> names = files.stream().map(f -> f.getPath().toString()).toList();
    return new Result(
        spark.createDataFrame(rows, schema(options.redpajama())),
        Collections.unmodifiableList(names),
        counts);
  }

  /** Whether {@code path} is read as a Gutenberg plain-text file (else as JSON Lines). */
  public static boolean isGutenberg(String path) {
    return GUTENBERG_FILE.matcher(path).matches();
  }

  /**
   * A file's name without its compression and format extensions: {@code pg19-train.jsonl.gz} →
   * {@code pg19-train}.
   */
  static String stem(String path) {
    String name = new Path(path).getName();
    for (String ext : List.of(".gz", ".bz2", ".txt", ".jsonl", ".json")) {
      if (name.toLowerCase(Locale.ROOT).endsWith(ext)) {
        name = name.substring(0, name.length() - ext.length());
      }
    }
    return name;
  }

  /**
   * RedPajama's number for line {@code line} of a JSON Lines file: its chunk number ({@code _NNN}
   * ending the name) times 2,000 plus the line, or the line alone.
   */
  static long redPajamaId(String path, long line) {
    Matcher m = CHUNK_NUMBER.matcher(stem(path));
    return m.matches() ? Long.parseLong(m.group(1)) * CHUNK_LINES + line : line;
  }

  /** One file for a task: its path, whether it is a Gutenberg text, its Gutenberg rank. */
  record Task(String path, boolean gutenberg, long rank) implements Serializable {}

  /** The task body: reads each file of its group; carries only the conf, a flag and the counts. */
  private static final class ReadBooks implements FlatMapFunction<Iterator<List<Task>>, Row> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Books.class);
    private final SerializableConfiguration conf;
    private final boolean redpajama;
    private final BookCounts counts;

    ReadBooks(SerializableConfiguration conf, boolean redpajama, BookCounts counts) {
      this.conf = conf;
      this.redpajama = redpajama;
      this.counts = counts;
    }

    @Override
    public Iterator<Row> call(Iterator<List<Task>> groups) {
      List<Task> tasks = new ArrayList<>();
      groups.forEachRemaining(tasks::addAll);
      Iterator<Task> remaining = tasks.iterator();
      return new Iterator<>() {
        private Iterator<Row> current = Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!current.hasNext()) {
            if (!remaining.hasNext()) {
              return false;
            }
            Task task = remaining.next();
            current = task.gutenberg() ? gutenberg(task) : new JsonLines(task.path());
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return current.next();
        }
      };
    }

    private InputStream open(String file) throws IOException {
      Path path = new Path(file);
      FileSystem fs = path.getFileSystem(conf.get());
      InputStream in = fs.open(path);
      CompressionCodec codec = new CompressionCodecFactory(fs.getConf()).getCodec(path);
      return new BufferedInputStream(codec == null ? in : codec.createInputStream(in), 1 << 16);
    }

    /** One Gutenberg file: one book, or one skipped file. */
    private Iterator<Row> gutenberg(Task task) {
      String file = task.path();
      byte[] bytes;
      try (InputStream in = open(file)) {
        bytes = readAll(in);
      } catch (FileNotFoundException e) {
        throw Errors.unreadable(file, e); // listed a moment ago: an input changed under the job
      } catch (IOException e) {
        return skipFile(file, "cannot be read whole (" + e.getMessage() + ")");
      } catch (TooLarge e) {
        return skipFile(file, "larger than " + (MAX_BYTES >> 20) + " MiB: not a book");
      }
      if (bytes.length == 0) {
        return skipFile(file, "empty file");
      }
      String text = GutenbergText.decode(bytes);
      GutenbergText.Header header = GutenbergText.header(text);
      String body =
          GutenbergText.strip(
              text, redpajama ? GutenbergText.Mode.REDPAJAMA : GutenbergText.Mode.PAPER);
      List<Object> values = new ArrayList<>(10);
      values.add(GUTENBERG + "/" + stem(file));
      values.add(body);
      values.add(SOURCE);
      values.add(GutenbergText.url(header));
      values.add(header.title());
      values.add(header.language());
      values.add(header.releaseDate());
      values.add(GUTENBERG);
      values.add(null);
      if (redpajama) {
        values.add(task.rank());
      }
      counts.add(new BookCounts.FileCount(file, 1, 0, null));
      return List.of(RowFactory.create(values.toArray())).iterator();
    }

    private Iterator<Row> skipFile(String file, String why) {
      LOG.warn("{}: skipped: {}", file, why);
      counts.add(new BookCounts.FileCount(file, 0, 1, why));
      return Collections.emptyIterator();
    }

    /** The books of one JSON Lines file, streamed line by line. */
    private final class JsonLines implements Iterator<Row> {
      private final String file;
      private final InputStream in;
      private final String stem;
      private String corpus;
      private long line = -1; // index of the line read last, from 0 as RedPajama counts
      private long offset; // byte offset of the next line
      private long documents;
      private long malformed;
      private String firstMalformed;
      private Row next;
      private boolean done;

      JsonLines(String file) {
        this.file = file;
        this.stem = stem(file);
        String name = new Path(file).getName().toLowerCase(Locale.ROOT);
        corpus = name.contains(BOOKS3) ? BOOKS3 : name.contains(PG19) ? PG19 : null;
        try {
          in = open(file);
        } catch (IOException e) {
          throw Errors.unreadable(file, e);
        }
        TaskContext task = TaskContext.get();
        if (task != null) {
          // A task that stops early (a limit, a failure) still closes the file.
          task.addTaskCompletionListener(
              (org.apache.spark.util.TaskCompletionListener) context -> close());
        }
      }

      @Override
      public boolean hasNext() {
        while (next == null && !done) {
          byte[] bytes;
          long at = offset;
          try {
            bytes = readLine();
          } catch (IOException e) {
            skip(at, "cannot be read (" + e.getMessage() + "); the rest of the file is skipped");
            finish();
            break;
          } catch (TooLarge e) {
            skip(at, "longer than " + (MAX_BYTES >> 20) + " MiB");
            continue;
          }
          if (bytes == null) {
            finish();
            break;
          }
          next = parse(bytes, at);
        }
        return next != null;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Row row = next;
        next = null;
        return row;
      }

      private Row parse(byte[] bytes, long at) {
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
          length--;
        }
        if (isBlank(bytes, length)) {
          skip(at, "blank line");
          return null;
        }
        String json = Utf8.decode(bytes, 0, length);
        if (json == null) {
          skip(at, "invalid UTF-8");
          return null;
        }
        JsonNode node;
        try {
          node = JSON.readTree(json);
        } catch (IOException e) {
          skip(at, "not JSON (" + firstLine(e.getMessage()) + ")");
          return null;
        }
        if (node == null || !node.isObject()) {
          skip(at, "not a JSON object");
          return null;
        }
        JsonNode text = node.get("text");
        if (text == null || !text.isTextual()) {
          skip(at, "no string 'text'");
          return null;
        }
        if (corpus == null) {
          corpus = node.has("short_book_title") ? PG19 : BOOKS3;
        }
        boolean pg19 = corpus.equals(PG19);
        List<Object> values = new ArrayList<>(10);
        values.add(corpus + "/" + stem + "/" + line);
        values.add(text.textValue());
        values.add(SOURCE);
        values.add(pg19 ? string(node.get("url")) : null);
        values.add(string(node.get(pg19 ? "short_book_title" : "title")));
        values.add(null);
        values.add(null);
        values.add(corpus);
        values.add(pg19 ? string(node.get("publication_date")) : null);
        if (redpajama) {
          values.add(redPajamaId(file, line));
        }
        documents++;
        return RowFactory.create(values.toArray());
      }

      private void skip(long at, String why) {
        malformed++;
        if (firstMalformed == null) {
          firstMalformed = "line " + (line + 1) + " (byte " + at + "): " + why;
          LOG.warn("{}: skipped {}", file, firstMalformed);
        }
      }

      /** The next line's bytes without its {@code \n}, or null at the end of the file. */
      private byte[] readLine() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        int b;
        boolean any = false;
        boolean tooLong = false;
        while ((b = in.read()) >= 0) {
          any = true;
          offset++;
          if (b == '\n') {
            break;
          }
          if (out.size() < MAX_BYTES) {
            out.write(b);
          } else {
            tooLong = true;
          }
        }
        if (!any) {
          return null;
        }
        line++;
        if (tooLong) {
          throw new TooLarge();
        }
        return out.toByteArray();
      }

      private void finish() {
        done = true;
        counts.add(new BookCounts.FileCount(file, documents, malformed, firstMalformed));
        close();
      }

      private void close() {
        try {
          in.close();
        } catch (IOException ignored) {
          // closing a read-only stream; nothing to recover
        }
      }
    }
  }

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** A string field as the table keeps it: strings as they are, numbers as written, else null. */
  private static String string(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  private static boolean isBlank(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** The gist of a JSON parser's message: its first clause, without the parser's position. */
  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int end = message.indexOf('\n');
    String line = end < 0 ? message : message.substring(0, end);
    int colon = line.indexOf(": ");
    return colon < 0 ? line : line.substring(0, colon);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    byte[] buffer = new byte[1 << 16];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      if (out.size() + n > MAX_BYTES) {
        throw new TooLarge();
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /** A line or file beyond {@link #MAX_BYTES}. */
  private static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super(null, null, false, false);
    }
  }
}
