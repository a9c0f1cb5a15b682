package dev.corral.curation.sources.stackexchange;

import static org.apache.spark.sql.functions.col;

import dev.corral.core.Errors;
import dev.corral.core.io.SerializableConfiguration;
import dev.corral.curation.sources.SourceColumns;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Reads Stack Exchange dumps (archive.org's per-site {@code .7z}, extracted folders or {@code
 * Posts.xml} files) into one document per question, as LLaMA's recipe describes and RedPajama v1
 * processed it: "the 28 largest websites, removed the HTML tags from text and sorted the answers by
 * score (from highest to lowest)".
 *
 * <ul>
 *   <li>Sites: the {@link Options#top} largest by posts (questions and answers, RedPajama's {@code
 *       count.py}) among the inputs, meta sites excluded, or the sites named.
 *   <li>A question ({@code PostTypeId} 1) is joined with its answers ({@code PostTypeId} 2, by
 *       {@code ParentId}), answers ordered by score as a number, highest first, ties by id; {@link
 *       Options#redPajamaOrder} orders them as RedPajama did, by score as a string, ties in file
 *       order, and takes RedPajama's rule for which rows are questions and answers (a row with a
 *       {@code ParentId} is an answer, any other a question).
 *   <li>Text: {@code "Q: " + clean(title + " " + body)} then {@code "\nA: " + clean(answer)} per
 *       answer, {@code clean} being RedPajama's {@code cleanhtml} ({@link HtmlText}). A question
 *       without answers is kept when it has a title (RedPajama's rule); one with answers but no
 *       title (RedPajama fails on it) is kept with an empty title.
 *   <li>Columns ({@link #SCHEMA}): the common ones, {@code id = stackexchange/SITE/QUESTION_ID},
 *       {@code url = https://SITE/questions/ID}, {@code title}, {@code timestamp} = the question's
 *       {@code CreationDate} as written, {@code language} null: the dump does not say (ru., pt.,
 *       es. and ja.stackoverflow.com are not English, code often is no language), and Corral's
 *       language stage annotates every source alike; then {@code site}, {@code question_id}, {@code
 *       question_score}, {@code answer_count} and {@code licence} (the question's {@code
 *       ContentLicense}, e.g. {@code CC BY-SA 4.0}; null in dumps before 2021 that lack it).
 * </ul>
 *
 * <p>A 7z archive is decoded once, streaming, into a copy under {@link Options#staging} that many
 * tasks then read by line ranges ({@link Options#splitBytes}); a {@code Posts.xml} is read so
 * directly. Answers meet their question in one shuffle keyed by site and question, or, for a site
 * one task reads whole, in that task by a sort without a shuffle. Malformed input (a {@code <row>}
 * that is not well-formed XML, invalid UTF-8, an overlong line, a damaged archive) is skipped and
 * counted with its file and offset; it never fails the read nor costs another row.
 */
public final class StackExchange {
  /** The value of the {@code source} column. */
  public static final String SOURCE = "stackexchange";

  /** The document schema: the common columns, then Stack Exchange's own. */
  public static final StructType SCHEMA =
      SourceColumns.schema(
          DataTypes.createStructField("site", DataTypes.StringType, false),
          DataTypes.createStructField("question_id", DataTypes.LongType, false),
          DataTypes.createStructField("question_score", DataTypes.LongType, true),
          DataTypes.createStructField("answer_count", DataTypes.IntegerType, false),
          DataTypes.createStructField("licence", DataTypes.StringType, true));

  /** Posts between the read and the grouping: one row per question or answer, text cleaned. */
  static final StructType POSTS =
      new StructType()
          .add("site", DataTypes.StringType, false)
          .add("qid", DataTypes.LongType, false)
          .add("kind", DataTypes.IntegerType, false)
          .add("post_id", DataTypes.LongType, false)
          .add("score", DataTypes.LongType, true)
          .add("score_text", DataTypes.StringType, true)
          .add("offset", DataTypes.LongType, false)
          .add("text", DataTypes.BinaryType, false)
          .add("title", DataTypes.StringType, true)
          .add("created", DataTypes.StringType, true)
          .add("licence", DataTypes.StringType, true);

  static final int QUESTION = 0;
  static final int ANSWER = 1;

  /** Skip reasons, as the report and the run record name them. */
  public static final String MALFORMED_ROW = "malformed_row";

  public static final String NOT_QUESTION_OR_ANSWER = "not_question_or_answer";
  public static final String ORPHAN_ANSWER = "orphan_answer";
  public static final String UNTITLED_QUESTION = "untitled_question";
  public static final String DUPLICATE_POST = "duplicate_post";

  private static final String POSTS_READ = "posts_read";
  private static final String DOCUMENTS = "documents";
  private static final String ANSWERS = "answers";
  private static final String BYTES = "bytes";

  private StackExchange() {}

  /**
   * Reading options, checked when built.
   *
   * @param top keep the {@code top} largest non-meta sites (when {@code sites} is null)
   * @param sites the sites to keep, by domain ({@code math.stackexchange.com}); null for the
   *     largest
   * @param redPajamaOrder RedPajama's answer order (scores as strings) and question rule
   * @param splitBytes bytes of {@code Posts.xml} per reading task
   * @param staging a folder (any Hadoop file system every executor reads) under which a read
   *     decodes archives into a folder of its own, deleted by {@link Result#close}; null for {@code
   *     hadoop.tmp.dir}
   */
  public record Options(
      int top, List<String> sites, boolean redPajamaOrder, long splitBytes, String staging)
      implements Serializable {
    /** LLaMA's "28 largest websites". */
    public static final int DEFAULT_TOP = 28;

    /** Large enough that a task's fixed cost is small, small enough for many tasks per site. */
    public static final long DEFAULT_SPLIT_BYTES = 64L << 20;

    /**
     * Longer lines are malformed: Stack Exchange caps a post at 30,000 characters, so a row is far
     * below this, and a task never holds more than this of one line.
     */
    public static final int MAX_LINE_BYTES = 16 << 20;

    public Options {
      if (top < 1) {
        throw Errors.badArgument("sites", top, "a number of sites >= 1 or a list of sites");
      }
      if (sites != null) {
        sites = List.copyOf(sites);
        if (sites.isEmpty() || sites.stream().anyMatch(String::isBlank)) {
          throw Errors.badArgument("sites", sites, "site domains such as math.stackexchange.com");
        }
      }
      if (splitBytes < 1) {
        throw Errors.badArgument("splitBytes", splitBytes, "a number of bytes >= 1");
      }
    }

    /** The paper's choice: the 28 largest sites, answers by numeric score. */
    public static Options defaults() {
      return new Options(DEFAULT_TOP, null, false, DEFAULT_SPLIT_BYTES, null);
    }

    /** {@code --sites}: a number (the largest sites) or a comma-separated list of domains. */
    public Options withSites(String spec) {
      String s = spec == null ? "" : spec.strip();
      if (s.matches("\\d+")) {
        int n;
        try {
          n = Integer.parseInt(s);
        } catch (NumberFormatException e) {
          n = 0;
        }
        if (n < 1) {
          throw Errors.badArgument("--sites", spec, "a number of sites >= 1 or a list of sites");
        }
        return new Options(n, null, redPajamaOrder, splitBytes, staging);
      }
      List<String> names = Arrays.stream(s.split(",")).map(String::strip).toList();
      if (s.isEmpty() || names.stream().anyMatch(String::isEmpty)) {
        throw Errors.badArgument(
            "--sites",
            spec,
            "a number of sites or a list such as math.stackexchange.com,superuser.com");
      }
      return new Options(top, names, redPajamaOrder, splitBytes, staging);
    }

    public Options withRedPajamaOrder(boolean value) {
      return new Options(top, sites, value, splitBytes, staging);
    }

    public Options withSplitBytes(long value) {
      return new Options(top, sites, redPajamaOrder, value, staging);
    }

    public Options withStaging(String value) {
      return new Options(top, sites, redPajamaOrder, splitBytes, value);
    }
  }

  /**
   * A read: the documents (lazy), the sites chosen, and the counts that fill as Spark reads. Close
   * it when the documents are written, to delete decoded archives.
   */
  public static final class Result implements AutoCloseable {
    private final Dataset<Row> documents;
    private final List<String> sites;
    private final Map<String, Long> postsBySite;
    private final List<String> files;
    private final ReadCounts counts;
    private final Path staging;
    private final Configuration conf;
    private final int readTasks;

    Result(
        Dataset<Row> documents,
        List<String> sites,
        Map<String, Long> postsBySite,
        List<String> files,
        ReadCounts counts,
        Path staging,
        Configuration conf,
        int readTasks) {
      this.documents = documents;
      this.sites = sites;
      this.postsBySite = postsBySite;
      this.files = files;
      this.counts = counts;
      this.staging = staging;
      this.conf = conf;
      this.readTasks = readTasks;
    }

    /** Tasks that read {@code Posts.xml} line ranges: a large file is read by many. */
    public int readTasks() {
      return readTasks;
    }

    /** One row per question, in {@link #SCHEMA}. */
    public Dataset<Row> documents() {
      return documents;
    }

    /** The sites read, in name order. */
    public List<String> sites() {
      return sites;
    }

    /**
     * Posts per site of every input site where they were counted to choose the largest (empty when
     * no choice was needed).
     */
    public Map<String, Long> postsBySite() {
      return postsBySite;
    }

    /** The files read: {@code Posts.xml} files and archives. */
    public List<String> files() {
      return files;
    }

    /** Posts (rows) read and parsed. */
    public long postsRead() {
      return counts.total(POSTS_READ);
    }

    /** Documents made (questions kept). */
    public long documentsRead() {
      return counts.total(DOCUMENTS);
    }

    /** Bytes of {@code Posts.xml} read. */
    public long bytesRead() {
      return counts.total(BYTES);
    }

    /**
     * Rows or archives skipped, by reason ({@link #MALFORMED_ROW}, {@link #ORPHAN_ANSWER}, ...).
     */
    public Map<String, Long> skipped() {
      Map<String, Long> out = new TreeMap<>();
      counts
          .totals()
          .forEach(
              (key, n) -> {
                String what = key.substring(key.indexOf('\t') + 1);
                if (!what.equals(POSTS_READ)
                    && !what.equals(DOCUMENTS)
                    && !what.equals(ANSWERS)
                    && !what.equals(BYTES)) {
                  out.merge(what, n, Long::sum);
                }
              });
      return out;
    }

    /** Per site: posts read, documents, answers joined, and each skip reason. */
    public Map<String, Map<String, Long>> bySite() {
      Map<String, Map<String, Long>> out = new TreeMap<>();
      counts
          .totals()
          .forEach(
              (key, n) -> {
                int tab = key.indexOf('\t');
                out.computeIfAbsent(key.substring(0, tab), k -> new TreeMap<>())
                    .put(key.substring(tab + 1), n);
              });
      return out;
    }

    /** Where malformed input was found, {@code file:offset: why}, the first few per file. */
    public List<String> malformed() {
      List<String> out = new ArrayList<>();
      counts.value().values().stream()
          .sorted(Comparator.comparing(ReadCounts.Tally::key))
          .forEach(t -> out.addAll(t.malformed()));
      return out;
    }

    /** Malformed rows and damaged archives per file. */
    public Map<String, Long> malformedByFile() {
      Map<String, Long> out = new TreeMap<>();
      for (ReadCounts.Tally t : counts.value().values()) {
        if (t.file() == null) {
          continue;
        }
        long bad = 0;
        for (Map.Entry<String, Long> e : t.counts().entrySet()) {
          String what = e.getKey().substring(e.getKey().indexOf('\t') + 1);
          if (what.equals(MALFORMED_ROW) || what.startsWith("archive_")) {
            bad += e.getValue();
          }
        }
        if (bad > 0) {
          out.merge(t.file(), bad, Long::sum);
        }
      }
      return out;
    }

    /** A one-line report. */
    public String summary() {
      return sites.size()
          + " sites, "
          + files.size()
          + " files: "
          + postsRead()
          + " posts, "
          + documentsRead()
          + " documents, skipped "
          + skipped();
    }

    /** Deletes the decoded archives, if this read made any (its own folder under the staging). */
    @Override
    public void close() {
      try {
        staging.getFileSystem(conf).delete(staging, true);
      } catch (IOException e) {
        // a leftover copy is in a folder of its own, named for this read
      }
    }
  }

  /** Reads {@code paths} with {@link Options#defaults()}. */
  public static Result read(SparkSession spark, List<String> paths) {
    return read(spark, paths, Options.defaults());
  }

  /** Reads {@code paths} (archives, folders, {@code Posts.xml} files, globs). */
  public static Result read(SparkSession spark, List<String> paths, Options options) {
    if (paths == null || paths.isEmpty()) {
      throw Errors.badArgument(
          "paths", paths, "at least one Stack Exchange .7z, folder or Posts.xml");
    }
    Configuration conf = spark.sessionState().newHadoopConf();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Map<String, Sites.Source> sources = Sites.resolve(conf, paths);
    ReadCounts counts = new ReadCounts();
    // Unnamed: Spark's UI would print every task's tally at every task start.
    spark.sparkContext().register(counts);
    Path staging =
        new Path(
            options.staging() != null ? options.staging() : conf.get("hadoop.tmp.dir", "/tmp"),
            "corral-stackexchange-" + UUID.randomUUID());
    Map<String, Long> postsBySite = new TreeMap<>();
    Map<String, SevenZip.Staged> staged = new TreeMap<>();
    List<String> sites;
    try {
      if (options.sites() != null) {
        Map<String, Long> present = new TreeMap<>();
        sources.keySet().forEach(s -> present.put(s, 0L));
        sites = Sites.choose(present, options.top(), options.sites());
      } else {
        List<Sites.Source> candidates =
            sources.values().stream().filter(s -> !Sites.isMeta(s.site())).toList();
        if (candidates.size() <= options.top()) {
          sites = candidates.stream().map(Sites.Source::site).sorted().toList();
        } else {
          // Choosing the largest needs every candidate's posts counted, archives decoded first.
          staged.putAll(stage(jsc, conf, candidates, staging, counts));
          staged.values().forEach(s -> postsBySite.put(s.site(), s.rows()));
          postsBySite.putAll(
              countRows(jsc, conf, candidates.stream().filter(s -> !s.archive()).toList()));
          sites = Sites.choose(postsBySite, options.top(), null);
          for (SevenZip.Staged s : staged.values()) {
            if (!sites.contains(s.site()) && s.staged() != null) {
              new Path(s.staged())
                  .getFileSystem(conf)
                  .delete(new Path(s.staged()).getParent(), true);
            }
          }
        }
      }
      List<Sites.Source> chosen = sites.stream().map(sources::get).toList();
      List<Sites.Source> toStage =
          chosen.stream().filter(s -> s.archive() && !staged.containsKey(s.site())).toList();
      staged.putAll(stage(jsc, conf, toStage, staging, counts));

      List<Split> splits = new ArrayList<>();
      List<String> files = new ArrayList<>();
      for (Sites.Source s : chosen) {
        files.add(s.path());
        String file = s.path();
        String label = file;
        if (s.archive()) {
          SevenZip.Staged st = staged.get(s.site());
          if (st.staged() == null) {
            continue;
          }
          file = st.staged();
          label = s.path() + "!/Posts.xml";
        }
        Path p = new Path(file);
        long length = p.getFileSystem(conf).getFileStatus(p).getLen();
        for (long start = 0; start < length || start == 0; start += options.splitBytes()) {
          splits.add(
              new Split(
                  s.site(), file, label, start, Math.min(length, start + options.splitBytes())));
          if (length == 0) {
            break;
          }
        }
      }
      Dataset<Row> documents = documents(spark, jsc, conf, splits, options, counts);
      return new Result(
          documents,
          sites,
          Collections.unmodifiableMap(postsBySite),
          Collections.unmodifiableList(files),
          counts,
          staging,
          conf,
          splits.size());
    } catch (IOException e) {
      throw Errors.unreadable(String.join(",", paths), e);
    }
  }

  /** A line range of one file to read. */
  record Split(String site, String file, String label, long start, long end)
      implements Serializable {}

  private static Dataset<Row> documents(
      SparkSession spark,
      JavaSparkContext jsc,
      Configuration conf,
      List<Split> splits,
      Options options,
      ReadCounts counts) {
    if (splits.isEmpty()) {
      return spark.createDataFrame(Collections.emptyList(), SCHEMA);
    }
    // The text travels as UTF-8 bytes; Spark's cast to string wraps them without decoding.
    StructType withBytes = new StructType();
    for (StructField f : SCHEMA.fields()) {
      withBytes =
          withBytes.add(
              f.name().equals(SourceColumns.TEXT)
                  ? DataTypes.createStructField(f.name(), DataTypes.BinaryType, false)
                  : f);
    }
    Map<String, Long> splitsPerSite = new TreeMap<>();
    splits.forEach(s -> splitsPerSite.merge(s.site(), 1L, Long::sum));
    List<Split> whole = splits.stream().filter(s -> splitsPerSite.get(s.site()) == 1).toList();
    List<Split> parted = splits.stream().filter(s -> splitsPerSite.get(s.site()) > 1).toList();
    // Dataset operations end to end, so nothing runs until the documents are used.
    Dataset<Row> posts = null;
    if (!whole.isEmpty()) {
      // A site one task reads whole meets its answers in that task: no shuffle.
      posts = readPosts(spark, jsc, conf, whole, options, counts);
    }
    if (!parted.isEmpty()) {
      int partitions = Math.max(jsc.defaultParallelism(), parted.size());
      Dataset<Row> shuffled =
          readPosts(spark, jsc, conf, parted, options, counts)
              .repartition(partitions, col("site"), col("qid"));
      posts = posts == null ? shuffled : posts.union(shuffled);
    }
    // A union keeps its inputs' partitions, so each is sorted and grouped on its own.
    Dataset<Row> docs =
        posts
            .sortWithinPartitions("site", "qid", "kind")
            .mapPartitions(
                new GroupPosts(options.redPajamaOrder(), counts), Encoders.row(withBytes));
    List<Column> columns = new ArrayList<>();
    for (String name : SCHEMA.fieldNames()) {
      columns.add(
          name.equals(SourceColumns.TEXT)
              ? col(name).cast(DataTypes.StringType).as(name)
              : col(name));
    }
    return docs.select(columns.toArray(new Column[0]));
  }

  /** The posts of {@code splits}, one task per split. */
  private static Dataset<Row> readPosts(
      SparkSession spark,
      JavaSparkContext jsc,
      Configuration conf,
      List<Split> splits,
      Options options,
      ReadCounts counts) {
    JavaRDD<Row> posts =
        jsc.parallelize(splits, splits.size())
            .mapPartitions(
                new ReadSplits(
                    new SerializableConfiguration(conf), options.redPajamaOrder(), counts));
    return spark.createDataFrame(posts, POSTS);
  }

  /** Decodes archives, one task each, and records what each gave. */
  private static Map<String, SevenZip.Staged> stage(
      JavaSparkContext jsc,
      Configuration conf,
      List<Sites.Source> archives,
      Path staging,
      ReadCounts counts) {
    List<Sites.Source> todo = archives.stream().filter(Sites.Source::archive).toList();
    Map<String, SevenZip.Staged> out = new TreeMap<>();
    if (todo.isEmpty()) {
      return out;
    }
    SerializableConfiguration c = new SerializableConfiguration(conf);
    String root = staging.toString();
    List<SevenZip.Staged> results =
        jsc.parallelize(todo, todo.size())
            .map(
                source -> {
                  Path target = new Path(new Path(root, source.site()), "Posts.xml");
                  return SevenZip.stage(target.getFileSystem(c.get()), source, target);
                })
            .collect();
    for (SevenZip.Staged s : results) {
      out.put(s.site(), s);
      if (s.problem() != null) {
        ReadCounts.Builder t = new ReadCounts.Builder("archive:" + s.archive(), s.archive());
        t.add(s.site() + "\t" + s.problem(), 1);
        t.malformed(s.where());
        counts.add(t.build());
      }
    }
    return out;
  }

  /** Rows per site of plain {@code Posts.xml} files, counted by line ranges in parallel. */
  private static Map<String, Long> countRows(
      JavaSparkContext jsc, Configuration conf, List<Sites.Source> files) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    if (files.isEmpty()) {
      return out;
    }
    List<Split> splits = new ArrayList<>();
    for (Sites.Source s : files) {
      Path p = new Path(s.path());
      long length = p.getFileSystem(conf).getFileStatus(p).getLen();
      for (long start = 0; start < length; start += Options.DEFAULT_SPLIT_BYTES) {
        splits.add(
            new Split(
                s.site(),
                s.path(),
                s.path(),
                start,
                Math.min(length, start + Options.DEFAULT_SPLIT_BYTES)));
      }
      out.put(s.site(), 0L);
    }
    SerializableConfiguration c = new SerializableConfiguration(conf);
    for (var e :
        jsc.parallelize(splits, Math.max(1, splits.size()))
            .mapToPair(
                split -> {
                  Path p = new Path(split.file());
                  FileSystem fs = p.getFileSystem(c.get());
                  long rows = 0;
                  try (LineReader lines = open(fs, split)) {
                    while (lines.next()) {
                      if (startsWithRow(lines.bytes(), lines.length)) {
                        rows++;
                      }
                    }
                  }
                  return new scala.Tuple2<>(split.site(), rows);
                })
            .reduceByKey(Long::sum)
            .collect()) {
      out.put(e._1(), e._2());
    }
    return out;
  }

  static LineReader open(FileSystem fs, Split split) throws IOException {
    FSDataInputStream in = fs.open(new Path(split.file()));
    try {
      in.seek(Math.max(0, split.start() - 1));
      return new LineReader(in, split.start(), split.end(), Options.MAX_LINE_BYTES);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private static boolean startsWithRow(byte[] b, int len) {
    int i = 0;
    while (i < len && (b[i] == ' ' || b[i] == '\t')) {
      i++;
    }
    return i + 4 <= len && b[i] == '<' && b[i + 1] == 'r' && b[i + 2] == 'o' && b[i + 3] == 'w';
  }

  /**
   * The map side: each split's lines parsed into posts whose HTML is already cleaned, so the
   * shuffle carries text, not markup. Carries only the conf, the mode and the counters.
   */
  private static final class ReadSplits implements FlatMapFunction<Iterator<Split>, Row> {
    private static final long serialVersionUID = 1L;
    private final SerializableConfiguration conf;
    private final boolean redPajama;
    private final ReadCounts counts;

    ReadSplits(SerializableConfiguration conf, boolean redPajama, ReadCounts counts) {
      this.conf = conf;
      this.redPajama = redPajama;
      this.counts = counts;
    }

    @Override
    public Iterator<Row> call(Iterator<Split> splits) {
      return new Iterator<>() {
        private SplitPosts current;

        @Override
        public boolean hasNext() {
          while (current == null || !current.hasNext()) {
            if (!splits.hasNext()) {
              return false;
            }
            current = new SplitPosts(splits.next());
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

    /** The posts of one split, one at a time. */
    private final class SplitPosts implements Iterator<Row> {
      private final Split split;
      private final LineReader lines;
      private final ReadCounts.Builder tally;
      private final PostRow post = new PostRow();
      private final TaskContext task = TaskContext.get();
      private Row ready;
      private boolean done;
      private long reported;

      SplitPosts(Split split) {
        this.split = split;
        this.tally =
            new ReadCounts.Builder("split:" + split.file() + "@" + split.start(), split.label());
        Path p = new Path(split.file());
        try {
          lines = open(p.getFileSystem(conf.get()), split);
        } catch (IOException e) {
          throw Errors.unreadable(split.label(), e);
        }
        if (task != null) {
          // A task that stops early still closes the file and reports what it read.
          task.addTaskCompletionListener((TaskCompletionListener) context -> finish());
        }
      }

      @Override
      public boolean hasNext() {
        while (ready == null && !done) {
          advance();
        }
        return ready != null;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Row r = ready;
        ready = null;
        return r;
      }

      private void advance() {
        try {
          if (!lines.next()) {
            finish();
            return;
          }
        } catch (IOException e) {
          throw Errors.unreadable(split.label(), e);
        }
        long position = lines.position();
        if (task != null) {
          task.taskMetrics().inputMetrics().incBytesRead(position - reported);
          reported = position;
        }
        if (lines.tooLong) {
          malformed("a line longer than " + Options.MAX_LINE_BYTES + " bytes");
          return;
        }
        String line = new String(lines.bytes(), 0, lines.length, StandardCharsets.UTF_8);
        // Java substitutes U+FFFD for bytes that are not UTF-8: only then is a strict check needed.
        if (line.indexOf('\uFFFD') >= 0 && !Utf8.isValid(lines.bytes(), lines.length)) {
          malformed("invalid UTF-8");
          return;
        }
        PostRow.Kind kind = post.parse(line);
        if (kind == PostRow.Kind.FRAME) {
          return;
        }
        if (kind == PostRow.Kind.MALFORMED) {
          malformed(post.problem);
          return;
        }
        tally.add(split.site() + "\t" + POSTS_READ, 1);
        if (task != null) {
          task.taskMetrics().inputMetrics().incRecordsRead(1);
        }
        ready = toRow();
        if (ready == null) {
          tally.add(split.site() + "\t" + NOT_QUESTION_OR_ANSWER, 1);
        }
      }

      private Row toRow() {
        boolean question;
        if (redPajama) {
          question = !post.hasParent;
        } else if (post.postTypeId == 1) {
          question = true;
        } else if (post.postTypeId == 2 && post.hasParent) {
          question = false;
        } else {
          return null;
        }
        String body = post.body == null ? "" : post.body;
        String text =
            question
                ? HtmlText.clean((post.title == null ? "" : post.title) + " " + body)
                : HtmlText.clean(body);
        // The shuffle carries only what the grouping reads: an answer's title, date and licence
        // are never used, nor the score as written outside RedPajama's order.
        return RowFactory.create(
            split.site(),
            question ? post.id : post.parentId,
            question ? QUESTION : ANSWER,
            post.id,
            post.hasScore ? post.score : null,
            redPajama ? post.scoreText : null,
            lines.offset,
            text.getBytes(StandardCharsets.UTF_8),
            question ? post.title : null,
            question ? post.creationDate : null,
            question ? post.licence : null);
      }

      private void malformed(String why) {
        tally.add(split.site() + "\t" + MALFORMED_ROW, 1);
        tally.malformed(split.label() + ":" + lines.offset + ": " + why);
      }

      private void finish() {
        if (done) {
          return;
        }
        done = true;
        tally.add(
            split.site() + "\t" + BYTES, Math.min(lines.position(), split.end()) - split.start());
        counts.add(tally.build());
        try {
          lines.close();
        } catch (IOException ignored) {
          // closing a file read to its end; nothing to recover
        }
      }
    }
  }

  /**
   * The reduce side: a partition's posts sorted by site, question and kind, so each question's
   * posts are consecutive; one group in memory at a time.
   */
  private static final class GroupPosts implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final boolean redPajama;
    private final ReadCounts counts;

    GroupPosts(boolean redPajama, ReadCounts counts) {
      this.redPajama = redPajama;
      this.counts = counts;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> posts) {
      TaskContext task = TaskContext.get();
      ReadCounts.Builder tally =
          new ReadCounts.Builder("group:" + (task == null ? 0 : task.partitionId()), null);
      if (task != null) {
        // Reported when the task ends, however it ends: a partition's whole tally, once per key.
        task.addTaskCompletionListener(
            (TaskCompletionListener) context -> counts.add(tally.build()));
      }
      return new Iterator<>() {
        private Row pending = posts.hasNext() ? posts.next() : null;
        private Row ready;

        @Override
        public boolean hasNext() {
          while (ready == null && pending != null) {
            ready = group();
          }
          return ready != null;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row r = ready;
          ready = null;
          return r;
        }

        /** Consumes one question's posts; its document, or null if it makes none. */
        private Row group() {
          String site = pending.getString(0);
          long qid = pending.getLong(1);
          Row question = null;
          List<Row> answers = new ArrayList<>();
          Map<Long, Row> answerById = new LinkedHashMap<>();
          while (pending != null
              && pending.getLong(1) == qid
              && pending.getString(0).equals(site)) {
            Row r = pending;
            pending = posts.hasNext() ? posts.next() : null;
            if (r.getInt(2) == QUESTION) {
              if (question == null || r.getLong(6) < question.getLong(6)) {
                if (question != null) {
                  tally.add(site + "\t" + DUPLICATE_POST, 1);
                }
                question = r;
              } else {
                tally.add(site + "\t" + DUPLICATE_POST, 1);
              }
            } else {
              Row before = answerById.get(r.getLong(3));
              if (before == null || r.getLong(6) < before.getLong(6)) {
                answerById.put(r.getLong(3), r);
              }
              if (before != null) {
                tally.add(site + "\t" + DUPLICATE_POST, 1);
              }
            }
          }
          answers.addAll(answerById.values());
          if (question == null) {
            tally.add(site + "\t" + ORPHAN_ANSWER, answers.size());
            return null;
          }
          if (answers.isEmpty() && question.isNullAt(8)) {
            tally.add(site + "\t" + UNTITLED_QUESTION, 1);
            return null;
          }
          answers.sort(redPajama ? RED_PAJAMA_ORDER : SCORE_ORDER);
          // UTF-8 bytes from end to end: the text is never decoded into a Java string here.
          byte[] q = (byte[]) question.get(7);
          int length = Q.length + q.length;
          for (Row a : answers) {
            length += A.length + ((byte[]) a.get(7)).length;
          }
          byte[] text = new byte[length];
          System.arraycopy(Q, 0, text, 0, Q.length);
          System.arraycopy(q, 0, text, Q.length, q.length);
          int at = Q.length + q.length;
          for (Row a : answers) {
            byte[] b = (byte[]) a.get(7);
            System.arraycopy(A, 0, text, at, A.length);
            System.arraycopy(b, 0, text, at + A.length, b.length);
            at += A.length + b.length;
          }
          tally.add(site + "\t" + DOCUMENTS, 1);
          tally.add(site + "\t" + ANSWERS, answers.size());
          return RowFactory.create(
              SOURCE + "/" + site + "/" + qid,
              text,
              SOURCE,
              "https://" + site + "/questions/" + qid,
              question.getString(8),
              null,
              question.getString(9),
              site,
              qid,
              question.isNullAt(4) ? null : question.getLong(4),
              answers.size(),
              question.getString(10));
        }
      };
    }
  }

  private static final byte[] Q = "Q: ".getBytes(StandardCharsets.UTF_8);
  private static final byte[] A = "\nA: ".getBytes(StandardCharsets.UTF_8);

  /** Highest score first (a missing score counts as 0), then the lower id. */
  private static final Comparator<Row> SCORE_ORDER =
      Comparator.<Row>comparingLong(r -> r.isNullAt(4) ? 0 : -r.getLong(4))
          .thenComparingLong(r -> r.getLong(3));

  /**
   * RedPajama's {@code sorted(answers, key=score, reverse=True)} on scores kept as strings: the
   * greatest string first ("9" before "10" before "-1"), ties in file order (Python's sort is
   * stable).
   */
  private static final Comparator<Row> RED_PAJAMA_ORDER =
      Comparator.<Row, String>comparing(r -> r.isNullAt(5) ? "0" : r.getString(5))
          .reversed()
          .thenComparingLong(r -> r.getLong(6));
}
