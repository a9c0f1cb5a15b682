package dev.corral.curation.sources.arxiv;

import dev.corral.core.Errors;
import dev.corral.core.io.SerializableConfiguration;
import dev.corral.curation.sources.SourceColumns;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads arXiv's LaTeX sources into one row per paper holding its {@code .tex} files, ready for
 * {@link LatexCleaner}. Inputs, any Hadoop path, glob or folder (searched recursively; names
 * starting with {@code .} or {@code _} skipped):
 *
 * <ul>
 *   <li>arXiv's bulk source tars ({@code src/arXiv_src_YYMM_NNN.tar} of the requester-pays S3
 *       bucket {@code arxiv}), whose members {@code YYMM/<id>.gz} are papers; each tar is read by
 *       many tasks, one per {@link Options#splitBytes} of it ({@link TarRange});
 *   <li>{@code .gz} files as those members are: a gzipped tar of a project or a gzipped single
 *       {@code .tex}; small files share a task;
 *   <li>extracted projects: a folder holding {@code .tex} files is one paper, its {@code .tex}
 *       files (recursively) taken in path order.
 * </ul>
 *
 * <p>A paper's archive is read as RedPajama reads it ({@link PaperArchive}); a paper with a {@code
 * .tex} that is not UTF-8, an unreadable archive, one beyond {@link Options#maxPaperBytes} and a
 * damaged stretch of a bulk tar are skipped and counted (with the file and offset), never failing
 * the read nor costing a neighbour.
 *
 * <p>Columns ({@link #SCHEMA}): {@code id} ({@code arxiv/} + {@code arxiv_id}), {@code source}
 * ({@code arxiv}), {@code url} ({@code https://arxiv.org/abs/<arxiv_id>}), {@code title} and {@code
 * language} null (the text starts at the first section, past the title; Corral's language stage
 * annotates every source alike), {@code timestamp} (the archive's modification time, RedPajama's
 * {@code fromtimestamp(mtime).isoformat()} in UTC), {@code arxiv_id} ({@code archive/number} for
 * old-style ids), {@code yymm} (the folder holding the archive) and {@code tex} (the {@code .tex}
 * files' texts in archive order).
 */
public final class ArxivReader {
  /** The value of the {@code source} column. */
  public static final String SOURCE = "arxiv";

  /** Name of the {@link ReadCounts} accumulator a read registers. */
  public static final String COUNTS_ACCUMULATOR = "corral.arxiv_papers";

  /** Skip reason of a damaged stretch of a bulk tar (a bad header, data cut short). */
  public static final String DAMAGED_TAR = "damaged_tar";

  /** Skip reasons of papers, as the run record names them. */
  public static final String UNREADABLE = PaperArchive.UNREADABLE;

  public static final String NON_UTF8 = PaperArchive.NON_UTF8;
  public static final String TOO_LARGE = PaperArchive.TOO_LARGE;

  /** The column holding a paper's {@code .tex} files. */
  public static final String TEX = "tex";

  /** The row schema: the common columns but {@code text}, arXiv's own, then {@link #TEX}. */
  public static final StructType SCHEMA =
      new StructType()
          .add(SourceColumns.ID, DataTypes.StringType, false)
          .add(SourceColumns.SOURCE, DataTypes.StringType, false)
          .add(SourceColumns.URL, DataTypes.StringType, true)
          .add(SourceColumns.TITLE, DataTypes.StringType, true)
          .add(SourceColumns.LANGUAGE, DataTypes.StringType, true)
          .add(SourceColumns.TIMESTAMP, DataTypes.StringType, true)
          .add("arxiv_id", DataTypes.StringType, false)
          .add("yymm", DataTypes.StringType, true)
          .add(TEX, DataTypes.createArrayType(DataTypes.StringType, false), false);

  /**
   * The document table's columns once {@link LatexCleaner} has run: the common ones, arXiv's own,
   * then {@code drop_reason}.
   */
  public static final List<String> DOCUMENT_COLUMNS =
      List.of(
          SourceColumns.ID,
          SourceColumns.TEXT,
          SourceColumns.SOURCE,
          SourceColumns.URL,
          SourceColumns.TITLE,
          SourceColumns.LANGUAGE,
          SourceColumns.TIMESTAMP,
          "arxiv_id",
          "yymm",
          "drop_reason");

  private ArxivReader() {}

  /**
   * Reading options, checked when built.
   *
   * @param splitBytes bytes of a bulk tar per task, and of small {@code .gz} files per task
   * @param maxPaperBytes a paper whose archive or decompressed content is larger is skipped ({@link
   *     #TOO_LARGE}): a task holds one paper in memory
   */
  public record Options(long splitBytes, long maxPaperBytes) implements Serializable {
    /** 64 MiB: a bulk tar of ~500 MB becomes 8 tasks of a few hundred papers each. */
    public static final long DEFAULT_SPLIT_BYTES = 64L << 20;

    /**
     * 256 MiB: arXiv caps a submission at 50 MB compressed, so this passes every real paper with a
     * wide margin while bounding what one task holds.
     */
    public static final long DEFAULT_MAX_PAPER_BYTES = 256L << 20;

    public Options {
      if (splitBytes < Tar.BLOCK) {
        throw Errors.badArgument("splitBytes", splitBytes, "a number of bytes >= 512");
      }
      if (maxPaperBytes < 1 || maxPaperBytes > Integer.MAX_VALUE - 64) {
        throw Errors.badArgument("maxPaperBytes", maxPaperBytes, "a number of bytes in 1..2^31-65");
      }
    }

    public static Options defaults() {
      return new Options(DEFAULT_SPLIT_BYTES, DEFAULT_MAX_PAPER_BYTES);
    }

    public Options withSplitBytes(long value) {
      return new Options(value, maxPaperBytes);
    }

    public Options withMaxPaperBytes(long value) {
      return new Options(splitBytes, value);
    }
  }

  /** What {@link #read} returns: the papers, lazily read, and the counts an action fills. */
  public static final class Result {
    private final Dataset<Row> papers;
    private final List<String> files;
    private final int tasks;
    private final ReadCounts counts;

    Result(Dataset<Row> papers, List<String> files, int tasks, ReadCounts counts) {
      this.papers = papers;
      this.files = files;
      this.tasks = tasks;
      this.counts = counts;
    }

    /** One row per paper read, in {@link #SCHEMA}. */
    public Dataset<Row> papers() {
      return papers;
    }

    /** The inputs found: bulk tars, {@code .gz} files and project folders, in reading order. */
    public List<String> files() {
      return files;
    }

    /** Reading tasks. */
    public int tasks() {
      return tasks;
    }

    /** Papers delivered as rows. */
    public long papersRead() {
      return counts.papers();
    }

    /** Bulk tar members that are not papers (PDF-only submissions, folders, links). */
    public long otherMembers() {
      return counts.otherMembers();
    }

    /** Bytes of archives read. */
    public long bytesRead() {
      return counts.bytes();
    }

    /** Papers and damaged stretches skipped, by reason. */
    public Map<String, Long> skipped() {
      return counts.skipped();
    }

    /** The first problems, each naming its file and offset or member. */
    public List<String> problems(int limit) {
      return counts.problems(limit);
    }

    /** A one-line report. */
    public String summary() {
      return files.size()
          + " inputs in "
          + tasks
          + " tasks: "
          + papersRead()
          + " papers read, skipped "
          + (skipped().isEmpty() ? "none" : skipped())
          + ", "
          + otherMembers()
          + " other members";
    }
  }

  /** Reads {@code paths}; a path that matches nothing is an error. */
  public static Result read(SparkSession spark, List<String> paths, Options options) {
    Configuration conf = spark.sessionState().newHadoopConf();
    List<Unit> units = new ArrayList<>();
    List<String> found = plan(conf, paths, options, units);
    var sc = spark.sparkContext();
    ReadCounts counts = new ReadCounts();
    sc.register(counts, COUNTS_ACCUMULATOR);
    JavaRDD<Row> rows =
        JavaSparkContext.fromSparkContext(sc)
            .parallelize(units, Math.max(1, units.size()))
            .mapPartitions(new ReadUnits(new SerializableConfiguration(conf), options, counts));
    return new Result(
        spark.createDataFrame(rows, SCHEMA),
        Collections.unmodifiableList(found),
        Math.max(1, units.size()),
        counts);
  }

  /**
   * One task's share of the input.
   *
   * @param kind {@link #TAR} (a byte range of {@code path}), {@link #FILES} (whole {@code .gz}
   *     files) or {@link #PROJECTS} (project folders)
   */
  record Unit(String kind, String path, long start, long end, List<String> paths)
      implements Serializable {
    static final String TAR = "tar";
    static final String FILES = "files";
    static final String PROJECTS = "projects";

    String key() {
      return kind.equals(TAR) ? path + "@" + start : kind + ":" + paths.get(0);
    }
  }

  /** Finds the inputs and cuts them into units; returns what was found. */
  static List<String> plan(
      Configuration conf, List<String> paths, Options options, List<Unit> out) {
    if (paths == null || paths.isEmpty()) {
      throw Errors.badArgument("paths", paths, "at least one arXiv tar, .gz file or folder");
    }
    TreeMap<String, Long> tars = new TreeMap<>();
    TreeMap<String, Long> gz = new TreeMap<>();
    TreeMap<String, Long> projects = new TreeMap<>();
    for (String p : paths) {
      Path path = new Path(p);
      try {
        FileSystem fs = path.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(path);
        if (matches == null || matches.length == 0) {
          throw Errors.unreadable(p, new NoSuchFileException(p));
        }
        for (FileStatus s : matches) {
          find(fs, s, true, tars, gz, projects);
        }
      } catch (FileNotFoundException e) {
        throw Errors.unreadable(p, new NoSuchFileException(p));
      } catch (IOException e) {
        throw Errors.unreadable(p, e);
      }
    }
    if (tars.isEmpty() && gz.isEmpty() && projects.isEmpty()) {
      throw Errors.badInput(
          String.join(",", paths), "no arXiv source tars, .gz files or folders of .tex files");
    }
    for (Map.Entry<String, Long> t : tars.entrySet()) {
      for (long start = 0; start == 0 || start < t.getValue(); start += options.splitBytes()) {
        out.add(new Unit(Unit.TAR, t.getKey(), start, start + options.splitBytes(), null));
      }
    }
    group(Unit.FILES, gz, options.splitBytes(), out);
    group(Unit.PROJECTS, projects, options.splitBytes(), out);
    List<String> found = new ArrayList<>(tars.keySet());
    found.addAll(gz.keySet());
    found.addAll(projects.keySet());
    return found;
  }

  private static void group(String kind, TreeMap<String, Long> sizes, long split, List<Unit> out) {
    List<String> batch = new ArrayList<>();
    long bytes = 0;
    for (Map.Entry<String, Long> e : sizes.entrySet()) {
      if (!batch.isEmpty() && bytes + e.getValue() > split) {
        out.add(new Unit(kind, null, 0, 0, List.copyOf(batch)));
        batch.clear();
        bytes = 0;
      }
      batch.add(e.getKey());
      bytes += e.getValue();
    }
    if (!batch.isEmpty()) {
      out.add(new Unit(kind, null, 0, 0, List.copyOf(batch)));
    }
  }

  private static void find(
      FileSystem fs,
      FileStatus status,
      boolean named,
      Map<String, Long> tars,
      Map<String, Long> gz,
      Map<String, Long> projects)
      throws IOException {
    String name = status.getPath().getName();
    if (!named && (name.startsWith("_") || name.startsWith("."))) {
      return;
    }
    if (status.isFile()) {
      if (name.endsWith(".tar")) {
        tars.put(status.getPath().toString(), status.getLen());
      } else if (name.endsWith(".gz")) {
        gz.put(status.getPath().toString(), status.getLen());
      }
      return;
    }
    FileStatus[] children = fs.listStatus(status.getPath());
    long texBytes = 0;
    boolean project = false;
    for (FileStatus c : children) {
      if (c.isFile() && c.getPath().getName().endsWith(".tex")) {
        project = true;
        texBytes += c.getLen();
      }
    }
    if (project) {
      projects.put(status.getPath().toString(), texBytes);
      return;
    }
    for (FileStatus c : children) {
      find(fs, c, false, tars, gz, projects);
    }
  }

  /** The task body: reads its unit; carries only the conf, the options and the accumulator. */
  private static final class ReadUnits implements FlatMapFunction<Iterator<Unit>, Row> {
    private static final long serialVersionUID = 1L;
    private final SerializableConfiguration conf;
    private final Options options;
    private final ReadCounts counts;

    ReadUnits(SerializableConfiguration conf, Options options, ReadCounts counts) {
      this.conf = conf;
      this.options = options;
      this.counts = counts;
    }

    @Override
    public Iterator<Row> call(Iterator<Unit> units) {
      return new Iterator<>() {
        private Papers current;

        @Override
        public boolean hasNext() {
          while (current == null || !current.hasNext()) {
            if (current != null) {
              current.close();
            }
            if (!units.hasNext()) {
              return false;
            }
            current = open(units.next());
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

    private Papers open(Unit unit) {
      Papers papers = new Papers(unit, conf.get(), options, counts);
      TaskContext task = TaskContext.get();
      if (task != null) {
        // A task that stops early (a limit, a failure) still closes its file and reports.
        task.addTaskCompletionListener(
            (org.apache.spark.util.TaskCompletionListener) context -> papers.close());
      }
      return papers;
    }
  }

  static Row row(String rawId, String yymm, String timestamp, List<String> tex) {
    String arxivId = ArxivNames.formatId(rawId);
    return RowFactory.create(
        ArxivNames.ID_PREFIX + arxivId,
        SOURCE,
        ArxivNames.ABS_URL + arxivId,
        null,
        null,
        timestamp,
        arxivId,
        yymm,
        tex.toArray(new String[0]));
  }
}
