package dev.corral.curation.sources.github;

import dev.corral.core.CorralException;
import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.io.SerializableConfiguration;
import dev.corral.core.io.Tables;
import dev.corral.curation.sources.SourceColumns;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the GitHub dump RedPajama v1 used (the BigQuery export, {@code rp_v1:data_prep/github/
 * README.md}): gzipped JSON Lines files ({@code github_*.gz}) with {@code content, repo_name, path,
 * license, ref, ...}, or Parquet and Delta tables with those columns. One row per file in {@link
 * #schema}: the common columns (id {@code github/<repo>/<path>}, the content without its licence
 * header as {@code text}, source {@code github}, the file's URL, no title, the programming language
 * of its extension, no timestamp), then {@code repo_name}, {@code path}, {@code license} and {@code
 * content_hash} (MD5 of the raw content). Rows are never filtered here: the licence, path, quality
 * and dedup rules are stages that annotate.
 *
 * <p>Each JSON file is read by one task, one line at a time; a record that is not a JSON object
 * with string {@code content}, {@code repo_name} and {@code path} (or whose content has no UTF-8)
 * is skipped and counted with its {@code file:line (byte offset)}, and a file cut short (a
 * truncated gzip) keeps the records before the cut. Blank lines are not records. Paths are anything
 * Hadoop opens, globs, or folders (their visible files, recursively); a folder holding {@code
 * _delta_log} is a Delta table, {@code *.parquet} and folders of them Parquet.
 *
 * <p>With {@link Options#redPajama} the header is removed with RedPajama's quirks and each row of a
 * JSON file also gets {@value #INPUT_ORDER}, its place in the input (files in path order, then
 * lines), which RedPajama's "first seen" dedup keeps.
 */
public final class GithubReader {
  /** Name of the {@link ReadCounts} accumulator a read registers. */
  public static final String COUNTS_ACCUMULATOR = "corral.github_records";

  /** The source name of every row. */
  public static final String SOURCE = "github";

  /** The column of a row's place in the input (RedPajama mode, JSON files only; else null). */
  public static final String INPUT_ORDER = "input_order";

  /** Line numbers get this many bits of {@value #INPUT_ORDER}; the file's index the rest. */
  private static final int LINE_BITS = 36;

  private GithubReader() {}

  /** The rows' schema; {@code withInputOrder} adds {@value #INPUT_ORDER}. */
  public static StructType schema(boolean withInputOrder) {
    StructType schema =
        SourceColumns.schema(
            DataTypes.createStructField("repo_name", DataTypes.StringType, false),
            DataTypes.createStructField("path", DataTypes.StringType, false),
            DataTypes.createStructField("license", DataTypes.StringType, true),
            DataTypes.createStructField("content_hash", DataTypes.StringType, false));
    return withInputOrder ? schema.add(INPUT_ORDER, DataTypes.LongType, true) : schema;
  }

  /**
   * Reading options.
   *
   * @param redPajama remove headers as RedPajama v1 does, quirks included, and add {@value
   *     #INPUT_ORDER}; false: the paper's header rule
   */
  public record Options(boolean redPajama) implements java.io.Serializable {
    /** The paper's rules. */
    public static Options paper() {
      return new Options(false);
    }

    /** RedPajama v1's, quirks included. */
    public static Options redPajamaV1() {
      return new Options(true);
    }
  }

  /**
   * What {@link #read} returns: the rows, lazily read, and the counts that reading them fills once
   * an action has run.
   */
  public static final class Result {
    private final Dataset<Row> documents;
    private final List<String> files;
    private final List<String> tables;
    private final ReadCounts counts;

    Result(Dataset<Row> documents, List<String> files, List<String> tables, ReadCounts counts) {
      this.documents = documents;
      this.files = files;
      this.tables = tables;
      this.counts = counts;
    }

    /** One row per file, in {@link #schema}. */
    public Dataset<Row> documents() {
      return documents;
    }

    /** The JSON Lines files read, after expanding globs and folders, in path order. */
    public List<String> files() {
      return files;
    }

    /** The Parquet and Delta tables read. */
    public List<String> tables() {
      return tables;
    }

    /** Records read, malformed ones included. */
    public long records() {
      return counts.value().values().stream().mapToLong(ReadCounts.Count::records).sum();
    }

    /** Records skipped because they could not be read. */
    public long malformed() {
      return counts.value().values().stream().mapToLong(ReadCounts.Count::malformed).sum();
    }

    /** Malformed records per file that has any, by path. */
    public Map<String, Long> malformedByFile() {
      Map<String, Long> byFile = new TreeMap<>();
      for (ReadCounts.Count c : counts.value().values()) {
        if (c.malformed() > 0) {
          byFile.merge(c.file(), c.malformed(), Long::sum);
        }
      }
      return byFile;
    }

    /** The first malformed records, {@code file:line (byte offset): why}, in path order. */
    public List<String> firstMalformed() {
      List<ReadCounts.Count> all = new ArrayList<>(counts.value().values());
      all.sort((a, b) -> a.key().compareTo(b.key()));
      List<String> first = new ArrayList<>();
      for (ReadCounts.Count c : all) {
        for (String where : c.firstMalformed()) {
          if (first.size() < ReadCounts.NAMED) {
            first.add(where);
          }
        }
      }
      return first;
    }

    /** One line for logs and the console. */
    public String summary() {
      return files.size()
          + " files"
          + (tables.isEmpty() ? "" : " and " + tables.size() + " tables")
          + ": "
          + records()
          + " records, "
          + malformed()
          + " malformed records skipped"
          + (malformed() == 0 ? "" : " (first at " + String.join("; ", firstMalformed()) + ")");
    }
  }

  /** Reads {@code paths} (files, globs, folders, tables). A path that matches nothing fails. */
  public static Result read(SparkSession spark, List<String> paths, Options options) {
    if (paths == null || paths.isEmpty()) {
      throw Errors.badArgument("paths", paths, "at least one github_*.gz file, folder or table");
    }
    Configuration conf = spark.sessionState().newHadoopConf();
    List<String> tables = new ArrayList<>();
    Map<String, String> tableFormats = new LinkedHashMap<>();
    TreeSet<String> files = new TreeSet<>();
    for (String p : paths) {
      String format = tableFormat(spark, conf, p);
      if (format != null) {
        tables.add(p);
        tableFormats.put(p, format);
      } else {
        // each path must name files of its own: a path that yields none is an error
        files.addAll(HadoopFs.listFiles(conf, List.of(p), "GitHub export file"));
      }
    }
    ReadCounts counts = new ReadCounts();
    spark.sparkContext().register(counts, COUNTS_ACCUMULATOR);
    StructType schema = schema(options.redPajama());
    List<Dataset<Row>> parts = new ArrayList<>();
    if (!files.isEmpty()) {
      List<String> indexed = new ArrayList<>();
      int i = 0;
      for (String f : files) {
        indexed.add(i++ + "\t" + f);
      }
      // One partition per file, so that a file is read by exactly one task and never split.
      JavaRDD<Row> rows =
          JavaSparkContext.fromSparkContext(spark.sparkContext())
              .parallelize(indexed, indexed.size())
              .mapPartitions(new ReadFiles(new SerializableConfiguration(conf), options, counts));
      parts.add(spark.createDataFrame(rows, schema));
    }
    for (String table : tables) {
      parts.add(readTable(spark, table, tableFormats.get(table), options, counts, schema));
    }
    Dataset<Row> all = parts.get(0);
    for (int k = 1; k < parts.size(); k++) {
      all = all.union(parts.get(k));
    }
    return new Result(
        all,
        Collections.unmodifiableList(new ArrayList<>(files)),
        Collections.unmodifiableList(tables),
        counts);
  }

  /** {@code delta} or {@code parquet} when {@code path} is such a table, else null. */
  private static String tableFormat(SparkSession spark, Configuration conf, String path) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (fs.exists(new Path(p, "_delta_log"))) {
        return Tables.DELTA;
      }
      if (path.endsWith(".parquet")) {
        return Tables.PARQUET;
      }
      if (fs.exists(p) && fs.getFileStatus(p).isDirectory()) {
        try {
          String format = Tables.inferFormat(spark, path);
          return format.equals(Tables.JSON) ? null : format;
        } catch (CorralException e) {
          return null; // a folder of github_*.gz files: no table format, read as JSON Lines
        }
      }
      return null;
    } catch (IOException e) {
      throw Errors.unreadable(path, e);
    }
  }

  /**
   * A table's rows as files: {@code content}, {@code repo_name} and {@code path} are required
   * string columns, {@code license} and {@code ref} optional; a row with one of the required ones
   * null is counted as malformed under its data file.
   */
  private static Dataset<Row> readTable(
      SparkSession spark,
      String table,
      String format,
      Options options,
      ReadCounts counts,
      StructType schema) {
    Dataset<Row> data = spark.read().format(format).load(table);
    List<String> columns = Arrays.asList(data.columns());
    for (String required : List.of("content", "repo_name", "path")) {
      if (!columns.contains(required)) {
        throw Errors.badInput(
            table, "has no column " + required + "; a GitHub table needs content, repo_name, path");
      }
    }
    List<org.apache.spark.sql.Column> picked = new ArrayList<>();
    for (String c : List.of("content", "repo_name", "path", "license", "ref")) {
      picked.add(
          columns.contains(c)
              ? functions.col(c).cast(DataTypes.StringType).as(c)
              : functions.lit(null).cast(DataTypes.StringType).as(c));
    }
    picked.add(functions.input_file_name().as("__file"));
    return data.select(picked.toArray(new org.apache.spark.sql.Column[0]))
        .mapPartitions(
            new ReadTableRows(options, counts), org.apache.spark.sql.Encoders.row(schema));
  }

  /** The document row of a well-formed file. */
  static Row toRow(GithubFile file, Options options, Long inputOrder) {
    Object[] values = {
      file.id(),
      file.cleaned(options.redPajama()),
      SOURCE,
      file.url(),
      null,
      GithubRules.language(file.path()),
      null,
      file.repoName(),
      file.path(),
      file.license(),
      file.contentHash(),
      inputOrder
    };
    return RowFactory.create(
        options.redPajama() ? values : Arrays.copyOf(values, values.length - 1));
  }

  /** The task body for JSON files: streams each file; carries only the conf, options, counters. */
  private static final class ReadFiles implements FlatMapFunction<Iterator<String>, Row> {
    private static final long serialVersionUID = 1L;
    private final SerializableConfiguration conf;
    private final Options options;
    private final ReadCounts counts;

    ReadFiles(SerializableConfiguration conf, Options options, ReadCounts counts) {
      this.conf = conf;
      this.options = options;
      this.counts = counts;
    }

    @Override
    public Iterator<Row> call(Iterator<String> indexedFiles) {
      return new Iterator<>() {
        private FileRows current;

        @Override
        public boolean hasNext() {
          while (current == null || !current.hasNext()) {
            if (!indexedFiles.hasNext()) {
              return false;
            }
            String[] entry = indexedFiles.next().split("\t", 2);
            current = new FileRows(conf.get(), Long.parseLong(entry[0]), entry[1], options, counts);
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
  }

  /** The rows of one JSON Lines file (gzipped when its name ends with {@code .gz}). */
  private static final class FileRows implements Iterator<Row> {
    private final String file;
    private final long index;
    private final Options options;
    private final ReadCounts counts;
    private final ReadCounts.Tally tally;
    private final InputStream in;
    private byte[] buf = new byte[1 << 20];
    private int start;
    private int end;
    private long consumed; // bytes of the decompressed file before buf[start]
    private long lineNumber;
    private boolean eof;
    private Row next;

    FileRows(Configuration conf, long index, String file, Options options, ReadCounts counts) {
      this.file = file;
      this.index = index;
      this.options = options;
      this.counts = counts;
      this.tally = new ReadCounts.Tally(file, file);
      Path path = new Path(file);
      try {
        InputStream raw = path.getFileSystem(conf).open(path);
        InputStream opened;
        try {
          opened = file.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
        } catch (ZipException | EOFException e) {
          // Not gzip at all (or empty): its records are lost, the other files' are not.
          raw.close();
          tally.record();
          tally.malformed(file + ":1 (byte 0): not a gzip file: " + e.getMessage());
          opened = InputStream.nullInputStream();
        } catch (IOException e) {
          raw.close();
          throw e;
        }
        this.in = opened;
      } catch (IOException e) {
        throw Errors.unreadable(file, e);
      }
      // A task that stops early (a limit, a failure) still closes the file.
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener(
            (org.apache.spark.util.TaskCompletionListener) context -> close());
      }
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        int at = nextLine();
        if (at < 0) {
          close();
          counts.add(tally.count());
          return false;
        }
        lineNumber++;
        int from = start;
        int to = at;
        long offset = consumed;
        consumed += at - start + (at < end ? 1 : 0);
        start = at < end ? at + 1 : at;
        if (isBlank(from, to)) {
          continue;
        }
        tally.record();
        try {
          GithubFile f = GithubFile.parse(buf, from, to);
          long order = (index << LINE_BITS) | lineNumber;
          next = toRow(f, options, order);
        } catch (GithubFile.Malformed e) {
          tally.malformed(file + ":" + lineNumber + " (byte " + offset + "): " + e.getMessage());
        }
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row r = next;
      next = null;
      return r;
    }

    /**
     * The index in {@code buf} of the {@code \n} that ends the line at {@code start} (or {@code
     * end} for a last line without one), reading more as needed; -1 when the file is done.
     */
    private int nextLine() {
      int scanned = start;
      while (true) {
        for (int i = scanned; i < end; i++) {
          if (buf[i] == '\n') {
            return i;
          }
        }
        scanned = end;
        if (eof) {
          return start < end ? end : -1;
        }
        if (start > 0) {
          System.arraycopy(buf, start, buf, 0, end - start);
          scanned -= start;
          end -= start;
          start = 0;
        }
        if (end == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2); // a file longer than the buffer
        }
        try {
          int n = in.read(buf, end, buf.length - end);
          if (n < 0) {
            eof = true;
          } else {
            end += n;
          }
        } catch (IOException e) {
          // A cut or damaged file: what was read before stays; the partial line is not a record.
          tally.record();
          tally.malformed(
              file
                  + ":"
                  + (lineNumber + 1)
                  + " (byte "
                  + (consumed + end - start)
                  + "): file damaged or cut short: "
                  + e.getMessage());
          eof = true;
          end = start;
        }
      }
    }

    private boolean isBlank(int from, int to) {
      for (int i = from; i < to; i++) {
        byte b = buf[i];
        if (b != ' ' && b != '\t' && b != '\r') {
          return false;
        }
      }
      return true;
    }

    private void close() {
      try {
        in.close();
      } catch (IOException ignored) {
        // Closing a read-only stream; nothing to recover.
      }
    }
  }

  /** The task body for tables: one output row per well-formed input row. */
  private static final class ReadTableRows
      implements org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Options options;
    private final ReadCounts counts;

    ReadTableRows(Options options, ReadCounts counts) {
      this.options = options;
      this.counts = counts;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      int partition = TaskContext.get() == null ? 0 : TaskContext.get().partitionId();
      Map<String, ReadCounts.Tally> tallies = new LinkedHashMap<>();
      return new Iterator<>() {
        private Row next;
        private boolean reported;

        @Override
        public boolean hasNext() {
          while (next == null) {
            if (!rows.hasNext()) {
              if (!reported) {
                tallies.values().forEach(t -> counts.add(t.count()));
                reported = true;
              }
              return false;
            }
            Row r = rows.next();
            String file = r.getString(5);
            ReadCounts.Tally tally =
                tallies.computeIfAbsent(file, f -> new ReadCounts.Tally(f + "#" + partition, f));
            tally.record();
            GithubFile f =
                new GithubFile(
                    r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4));
            try {
              f.check();
              next = toRow(f, options, null);
            } catch (GithubFile.Malformed e) {
              tally.malformed(file + " (row of partition " + partition + "): " + e.getMessage());
            }
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row r = next;
          next = null;
          return r;
        }
      };
    }
  }
}
