package dev.corral.curation.sources.wikipedia;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.SplittableCompressionCodec;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.util.LineReader;

/**
 * Splits MediaWiki dumps (and CirrusSearch dumps) so that one large file is read by many tasks, and
 * reads each split's records with {@link DumpRecordReader}:
 *
 * <ul>
 *   <li>a multistream dump with its {@code -multistream-index} file beside it is split at bzip2
 *       stream starts (the index's offsets), about {@link #SPLIT_BYTES} apart; each stream is then
 *       decoded on its own, so a broken stream costs only its own pages;
 *   <li>any other bzip2 file and plain XML are split every {@link #SPLIT_BYTES} bytes and read the
 *       way Hadoop's {@code LineRecordReader} reads lines (for bzip2, from the first block that
 *       starts in the split, through Hadoop's splittable {@code BZip2Codec});
 *   <li>other compressions (gzip: CirrusSearch dumps) cannot be split: one task per file.
 * </ul>
 */
public final class DumpInputFormat extends FileInputFormat<LongWritable, DumpRecord> {
  /** Target split size in bytes of the file as stored (compressed bytes for bzip2). */
  public static final String SPLIT_BYTES = "corral.wikipedia.split.bytes";

  /**
   * 32 MiB: of bzip2, about 150 MB of XML, a task of half a minute or so on one core; small enough
   * that a single dump keeps every core busy.
   */
  public static final long DEFAULT_SPLIT_BYTES = 32L << 20;

  /** The last split may be this much larger than the target rather than leave a sliver. */
  private static final double SLOP = 1.1;

  private static final Pattern MULTISTREAM = Pattern.compile("(.*-multistream)(\\d*)\\.xml(.*)$");

  /** A split of a multistream dump: the bzip2 streams that start in it. */
  public static final class StreamSplit extends FileSplit {
    private long[] streams;

    /** For Hadoop's reflection (splits travel as Writables). */
    public StreamSplit() {
      streams = new long[0];
    }

    StreamSplit(Path file, long start, long length, long[] streams, String[] hosts) {
      super(file, start, length, hosts);
      this.streams = streams;
    }

    /** The offsets of the streams that start in the split, ascending; the first is its start. */
    public long[] streams() {
      return streams.clone();
    }

    @Override
    public void write(DataOutput out) throws IOException {
      super.write(out);
      out.writeInt(streams.length);
      for (long s : streams) {
        out.writeLong(s);
      }
    }

    @Override
    public void readFields(DataInput in) throws IOException {
      super.readFields(in);
      streams = new long[in.readInt()];
      for (int i = 0; i < streams.length; i++) {
        streams[i] = in.readLong();
      }
    }
  }

  /**
   * The {@code -multistream-index} file a multistream dump's name implies ({@code
   * x-multistream.xml.bz2} → {@code x-multistream-index.txt.bz2}, {@code
   * x-multistream3.xml-p1p41242.bz2} → {@code x-multistream-index3.txt-p1p41242.bz2}), or null for
   * other names.
   */
  public static Path indexOf(Path dump) {
    Matcher m = MULTISTREAM.matcher(dump.getName());
    if (!m.matches()) {
      return null;
    }
    return new Path(dump.getParent(), m.group(1) + "-index" + m.group(2) + ".txt" + m.group(3));
  }

  /** Whether {@code name} is a multistream index (never read as a dump). */
  public static boolean isIndex(String name) {
    return name.contains("-multistream-index");
  }

  /** Whether {@code name} is a CirrusSearch dump (JSON lines), not XML. */
  public static boolean isCirrus(String name) {
    return name.contains("cirrussearch") && name.contains(".json");
  }

  /**
   * The input paths as they are: the driver has already expanded globs and folders, so a file whose
   * name holds glob characters is not read as a pattern.
   */
  @Override
  protected List<FileStatus> listStatus(JobContext job) throws IOException {
    List<FileStatus> out = new ArrayList<>();
    for (Path p : getInputPaths(job)) {
      out.add(p.getFileSystem(job.getConfiguration()).getFileStatus(p));
    }
    return out;
  }

  @Override
  protected boolean isSplitable(JobContext context, Path file) {
    CompressionCodec codec = new CompressionCodecFactory(context.getConfiguration()).getCodec(file);
    return codec == null || codec instanceof SplittableCompressionCodec;
  }

  @Override
  public List<InputSplit> getSplits(JobContext job) throws IOException {
    Configuration conf = job.getConfiguration();
    long target = Math.max(1, conf.getLong(SPLIT_BYTES, DEFAULT_SPLIT_BYTES));
    List<InputSplit> splits = new ArrayList<>();
    for (FileStatus status : listStatus(job)) {
      Path file = status.getPath();
      long length = status.getLen();
      FileSystem fs = file.getFileSystem(conf);
      if (length == 0) {
        splits.add(new FileSplit(file, 0, 0, new String[0]));
        continue;
      }
      Path index = indexOf(file);
      long[] streams = index == null ? null : streamOffsets(fs, index, length);
      if (streams != null) {
        splits.addAll(streamSplits(fs, status, streams, target));
      } else if (isSplitable(job, file)) {
        long start = 0;
        while ((double) (length - start) / target > SLOP) {
          splits.add(new FileSplit(file, start, target, hosts(fs, status, start, target)));
          start += target;
        }
        splits.add(
            new FileSplit(file, start, length - start, hosts(fs, status, start, length - start)));
      } else {
        splits.add(new FileSplit(file, 0, length, hosts(fs, status, 0, length)));
      }
    }
    return splits;
  }

  /**
   * The distinct stream offsets an index lists ({@code offset:page id:title} lines), with 0 (the
   * stream of {@code <siteinfo>}), ascending; null when the index is absent or unusable (then the
   * dump is split as plain bzip2).
   */
  static long[] streamOffsets(FileSystem fs, Path index, long dumpLength) {
    try {
      if (!fs.exists(index)) {
        return null;
      }
      TreeSet<Long> offsets = new TreeSet<>();
      offsets.add(0L);
      try (InputStream raw = fs.open(index);
          InputStream in =
              index.getName().endsWith(".bz2") ? new BZip2CompressorInputStream(raw, true) : raw) {
        LineReader lines = new LineReader(in);
        org.apache.hadoop.io.Text line = new org.apache.hadoop.io.Text();
        long previous = -1;
        while (lines.readLine(line) > 0) {
          byte[] b = line.getBytes();
          int n = line.getLength();
          long value = 0;
          int i = 0;
          for (; i < n && b[i] >= '0' && b[i] <= '9'; i++) {
            value = value * 10 + (b[i] - '0');
          }
          if (i == 0 || i >= n || b[i] != ':') {
            throw new IOException(
                "not an 'offset:id:title' line: " + new String(b, 0, n, StandardCharsets.UTF_8));
          }
          if (value != previous && value < dumpLength) {
            offsets.add(value);
            previous = value;
          }
        }
      }
      long[] out = new long[offsets.size()];
      int k = 0;
      for (long o : offsets) {
        out[k++] = o;
      }
      return out;
    } catch (IOException e) {
      // An index that cannot be read is no reason to fail: the dump still splits at bzip2 blocks.
      System.err.println(
          "corral: cannot use the multistream index " + index + " (" + e.getMessage() + ")");
      return null;
    }
  }

  private static List<InputSplit> streamSplits(
      FileSystem fs, FileStatus status, long[] streams, long target) throws IOException {
    List<InputSplit> out = new ArrayList<>();
    long length = status.getLen();
    int first = 0;
    while (first < streams.length) {
      long start = streams[first];
      int last = first;
      if ((double) (length - start) / target <= SLOP) {
        last = streams.length - 1; // what is left is about one split's worth
      } else {
        while (last + 1 < streams.length && streams[last + 1] < start + target) {
          last++;
        }
      }
      long end = last + 1 < streams.length ? streams[last + 1] : length;
      long[] own = new long[last - first + 1];
      System.arraycopy(streams, first, own, 0, own.length);
      out.add(
          new StreamSplit(
              status.getPath(), start, end - start, own, hosts(fs, status, start, end - start)));
      first = last + 1;
    }
    return out;
  }

  private static String[] hosts(FileSystem fs, FileStatus status, long start, long length)
      throws IOException {
    BlockLocation[] blocks = fs.getFileBlockLocations(status, start, Math.max(1, length));
    return blocks.length == 0 ? new String[0] : blocks[0].getHosts();
  }

  @Override
  public RecordReader<LongWritable, DumpRecord> createRecordReader(
      InputSplit split, TaskAttemptContext context) {
    return new DumpRecordReader();
  }
}
