package dev.corral.curation.io;

import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.io.SerializableConfiguration;
import java.io.IOException;
import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads Common Crawl WET and WARC files into one row per document, the way CCNet reads WET files
 * (Wenzek et al. 2020, "CCNet: Extracting High Quality Monolingual Datasets from Web Crawl Data",
 * section 3; cc_net's {@code process_wet_file.py}): {@code conversion} records of WET files, and
 * {@code response} records of WARC files whose HTTP payload is {@code text/*} (its bytes decoded as
 * UTF-8, the HTML kept as it is).
 *
 * <p>Columns ({@link #SCHEMA}): {@code url} (WARC-Target-URI), {@code digest} (WARC-Block-Digest;
 * for WARC the WARC-Payload-Digest when present), {@code date_download} (WARC-Date as written),
 * {@code source_domain} (the URL's authority, Python's {@code urlparse(url).netloc}), {@code title}
 * (the first line of a WET record, where Common Crawl writes the page title; null for WARC), {@code
 * raw_content} (the other lines, each stripped, joined by {@code \n}), {@code nlines} (lines of
 * {@code raw_content}), {@code length} (the record's Content-Length in bytes for WET, as CCNet
 * takes it from the header; the payload's bytes for WARC) and {@code cc_segment} (the path from
 * {@code crawl-data/} on, as in Common Crawl's {@code wet.paths}, else the whole path). Documents
 * whose {@code raw_content} is shorter than {@link Options#minLength} code points (CCNet's {@code
 * min_len}, 300) are not rows: CCNet never sees them either. CCNet's parser also keeps the blank
 * line that separates records as a final empty line of {@code raw_content}; this reader does not,
 * since it is not part of the record.
 *
 * <p>Each file is read by one task, streamed one record at a time (gzip with one member per record,
 * as Common Crawl writes them, or uncompressed). A record that cannot be read is skipped and
 * counted, and reading goes on at the next record; counts per file come back in the {@link Result}.
 * Paths are anything Hadoop opens (local, {@code hdfs:}, {@code s3a:}), globs, or folders (their
 * visible files, recursively).
 */
public final class WarcReader {
  /** Name of the {@link FileCounts} accumulator that a read registers. */
  public static final String COUNTS_ACCUMULATOR = "corral.warc_records";

  /** The row schema. */
  public static final StructType SCHEMA =
      new StructType()
          .add("url", DataTypes.StringType, true)
          .add("digest", DataTypes.StringType, true)
          .add("date_download", DataTypes.StringType, true)
          .add("source_domain", DataTypes.StringType, true)
          .add("title", DataTypes.StringType, true)
          .add("raw_content", DataTypes.StringType, false)
          .add("nlines", DataTypes.IntegerType, false)
          .add("length", DataTypes.IntegerType, false)
          .add("cc_segment", DataTypes.StringType, false);

  private WarcReader() {}

  /**
   * Reading options, validated when built.
   *
   * @param minLength documents with fewer code points of {@code raw_content} are dropped (CCNet's
   *     {@code min_len}); 0 keeps every document
   */
  public record Options(int minLength) implements Serializable {
    /** CCNet's {@code min_len} in {@code mine.py}. */
    public static final int DEFAULT_MIN_LENGTH = 300;

    public Options {
      if (minLength < 0) {
        throw Errors.badArgument("minLength", minLength, "a number of characters >= 0");
      }
    }

    /** CCNet's defaults. */
    public static Options defaults() {
      return new Options(DEFAULT_MIN_LENGTH);
    }

    public Options withMinLength(int value) {
      return new Options(value);
    }
  }

  /**
   * What {@link #read} returns: the documents, lazily read, and the counts the reading fills once
   * an action has read the files. Counts are kept per file ({@link FileCounts}), so reading the
   * files again (another action, a retried task) does not count them twice.
   */
  public static final class Result {
    private final Dataset<Row> documents;
    private final List<String> files;
    private final FileCounts counts;

    Result(Dataset<Row> documents, List<String> files, FileCounts counts) {
      this.documents = documents;
      this.files = files;
      this.counts = counts;
    }

    /** One row per document, in {@link #SCHEMA}. */
    public Dataset<Row> documents() {
      return documents;
    }

    /** The files read, after expanding globs and folders, in reading order. */
    public List<String> files() {
      return files;
    }

    /** Records skipped because they could not be read. */
    public long malformedRecords() {
      return counts.malformed();
    }

    /** Documents delivered as rows. */
    public long documentsRead() {
      return counts.documents();
    }

    /** Documents dropped for being shorter than the minimum length. */
    public long shortDocuments() {
      return counts.tooShort();
    }

    /** The counts of each file read so far, by path. */
    public Map<String, FileCounts.Count> countsByFile() {
      return counts.value();
    }

    /** A one-line report for logs and run info. */
    public String summary() {
      return files.size()
          + " files: "
          + documentsRead()
          + " documents, "
          + shortDocuments()
          + " shorter than the minimum length, "
          + malformedRecords()
          + " malformed records skipped";
    }
  }

  /**
   * Reads {@code paths} (files, globs or folders) with {@code options}. Fails if a path matches no
   * file.
   */
  public static Result read(SparkSession spark, List<String> paths, Options options) {
    Configuration conf = spark.sessionState().newHadoopConf();
    List<String> files = listFiles(conf, paths);
    var sc = spark.sparkContext();
    FileCounts counts = new FileCounts();
    sc.register(counts, COUNTS_ACCUMULATOR);
    // One partition per file, so that a file is read by exactly one task and never split.
    JavaRDD<String> fileRdd =
        JavaSparkContext.fromSparkContext(sc).parallelize(files, Math.max(1, files.size()));
    JavaRDD<Row> rows =
        fileRdd.mapPartitions(
            new ReadFiles(new SerializableConfiguration(conf), options.minLength(), counts));
    return new Result(
        spark.createDataFrame(rows, SCHEMA), Collections.unmodifiableList(files), counts);
  }

  /** {@link #read} with {@link Options#defaults()}. */
  public static Result read(SparkSession spark, List<String> paths) {
    return read(spark, paths, Options.defaults());
  }

  /**
   * The files {@code paths} name: globs expanded, folders listed recursively (skipping names that
   * start with '_' or '.'), sorted and without repeats. A path that matches nothing is an error,
   * not an empty read.
   */
  public static List<String> listFiles(Configuration conf, List<String> paths) {
    return HadoopFs.listFiles(conf, paths, "WARC/WET file");
  }

  /**
   * CCNet's {@code cc_segment}: the path from {@code crawl-data/} on, as listed in {@code
   * wet.paths}.
   */
  public static String segmentOf(String file) {
    int at = file.indexOf("crawl-data/");
    return at >= 0 ? file.substring(at) : file;
  }

  /**
   * The task body: streams each file of the partition; carries only the conf, the option and the
   * counters.
   */
  private static final class ReadFiles
      implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<String>, Row> {
    private static final long serialVersionUID = 1L;
    private final SerializableConfiguration conf;
    private final int minLength;
    private final FileCounts counts;

    ReadFiles(SerializableConfiguration conf, int minLength, FileCounts counts) {
      this.conf = conf;
      this.minLength = minLength;
      this.counts = counts;
    }

    @Override
    public Iterator<Row> call(Iterator<String> files) {
      return new Iterator<>() {
        private WarcFileRecords current;

        @Override
        public boolean hasNext() {
          while (current == null || !current.hasNext()) {
            if (!files.hasNext()) {
              return false;
            }
            current = open(files.next());
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return current.next();
        }
      };
    }

    private WarcFileRecords open(String file) {
      Path path = new Path(file);
      try {
        WarcFileRecords records =
            new WarcFileRecords(
                path.getFileSystem(conf.get()), path, segmentOf(file), minLength, counts);
        // A task that stops early (a limit, a failure) still closes the file.
        TaskContext task = TaskContext.get();
        if (task != null) {
          task.addTaskCompletionListener(
              context -> {
                try {
                  records.close();
                } catch (IOException ignored) {
                  // Closing a read-only stream at task end; nothing to recover.
                }
              });
        }
        return records;
      } catch (IOException e) {
        throw Errors.unreadable(file, e);
      }
    }
  }
}
