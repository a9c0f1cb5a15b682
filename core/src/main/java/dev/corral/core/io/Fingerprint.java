package dev.corral.core.io;

import dev.corral.core.Errors;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;

/**
 * What an input was when a job read it, so that a resumed or skipped job can tell a changed input
 * from the one it already processed: a Delta table by its id and version, anything else by the list
 * of its files with their sizes and modification times (hidden files, {@code _*} and {@code .*},
 * left out as Spark's readers leave them out).
 *
 * @param path the input as given
 * @param kind {@code delta} or {@code files}
 * @param files how many data files
 * @param bytes their total size
 * @param version the Delta version read, -1 for files
 * @param digest a short SHA-256 of what identifies the content (table id and version, or the file
 *     list)
 */
public record Fingerprint(
    String path, String kind, long files, long bytes, long version, String digest) {

  /**
   * A snapshot's file count and size from its version's checksum file ({@code _delta_log/<version>
   * .crc}, which Delta writes with each commit), else computed, a Spark job replaying the log: a
   * step fingerprints every input, and a recipe has dozens of steps.
   */
  private static long[] filesAndBytes(FileSystem fs, Path table, Snapshot snapshot) {
    Path crc =
        new Path(
            new Path(table, "_delta_log"),
            String.format(Locale.ROOT, "%020d.crc", snapshot.version()));
    try (var in = fs.open(crc)) {
      var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
      if (json.path("numFiles").isIntegralNumber()
          && json.path("tableSizeBytes").isIntegralNumber()) {
        return new long[] {json.path("numFiles").asLong(), json.path("tableSizeBytes").asLong()};
      }
    } catch (IOException | RuntimeException e) {
      // no checksum file (an older writer, or another engine's): the log says it all the same
    }
    return new long[] {snapshot.numOfFiles(), snapshot.sizeInBytes()};
  }

  /** The fingerprint of the input at {@code path} (a file, a folder, a glob or a Delta table). */
  public static Fingerprint of(SparkSession spark, String path) {
    Configuration conf = spark.sessionState().newHadoopConf();
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!isGlob(path) && fs.exists(new Path(p, "_delta_log"))) {
        Snapshot snapshot =
            DeltaLog.forTable(spark, path)
                .update(false, scala.Option.empty(), scala.Option.empty());
        long[] filesAndBytes = filesAndBytes(fs, p, snapshot);
        return new Fingerprint(
            path,
            "delta",
            filesAndBytes[0],
            filesAndBytes[1],
            snapshot.version(),
            shortSha256("delta " + snapshot.metadata().id() + " " + snapshot.version()));
      }
      List<String> lines = new ArrayList<>();
      long bytes = 0;
      FileStatus[] roots = fs.globStatus(p);
      if (roots == null || roots.length == 0) {
        throw Errors.unreadable(path, new NoSuchFileException(path));
      }
      for (FileStatus root : roots) {
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root.getPath(), true);
        while (it.hasNext()) {
          LocatedFileStatus f = it.next();
          if (hidden(root.getPath(), f.getPath())) {
            continue;
          }
          lines.add(f.getPath() + " " + f.getLen() + " " + f.getModificationTime());
          bytes += f.getLen();
        }
      }
      lines.sort(null);
      return new Fingerprint(
          path, "files", lines.size(), bytes, -1, shortSha256(String.join("\n", lines)));
    } catch (FileNotFoundException e) {
      throw Errors.unreadable(path, new NoSuchFileException(path));
    } catch (IOException e) {
      throw Errors.unreadable(path, e);
    }
  }

  /** For run records: the fields by name. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", path);
    m.put("kind", kind);
    m.put("files", files);
    m.put("bytes", bytes);
    if (version >= 0) {
      m.put("version", version);
    }
    m.put("digest", digest);
    return m;
  }

  /**
   * The first 16 hex digits of the SHA-256 of {@code s}: a short name for a path, a run or a file
   * list.
   */
  public static String shortSha256(String s) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isGlob(String path) {
    return path.contains("*") || path.contains("?") || path.contains("[") || path.contains("{");
  }

  /**
   * Whether a file below {@code root} sits in, or is, a {@code _} or {@code .} entry, which table
   * readers skip.
   */
  private static boolean hidden(Path root, Path file) {
    for (Path p = file;
        p != null && !p.equals(root) && p.depth() > root.depth();
        p = p.getParent()) {
      String name = p.getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
