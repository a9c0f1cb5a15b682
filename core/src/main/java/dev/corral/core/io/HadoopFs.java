package dev.corral.core.io;

import dev.corral.core.Errors;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * Hadoop file-system helpers every module uses, so that each reads files the same way and with the
 * same settings.
 */
public final class HadoopFs {
  private HadoopFs() {}

  /**
   * The running application's Hadoop configuration (its {@code spark.hadoop.*} keys); before Spark
   * starts, the {@code spark.hadoop.*} keys spark-submit passed as system properties, so that a
   * check made before the session exists reaches {@code s3a://} with the endpoint and keys the job
   * will use.
   */
  public static Configuration configuration() {
    SparkEnv env = SparkEnv.get();
    return SparkHadoopUtil.get().newConfiguration(env == null ? new SparkConf() : env.conf());
  }

  /**
   * The file system of {@code path} under {@link #configuration()}; an unknown scheme is an error
   * naming it.
   */
  public static FileSystem fileSystem(Path path) {
    try {
      return path.getFileSystem(configuration());
    } catch (IOException e) {
      throw Errors.unreadable(path.toString(), e);
    }
  }

  /** The length of the file at {@code uri}; a missing file is an error naming it. */
  public static long length(FileSystem fs, Path path, String uri) {
    try {
      return fs.getFileStatus(path).getLen();
    } catch (FileNotFoundException e) {
      throw Errors.unreadable(uri, new NoSuchFileException(uri));
    } catch (IOException e) {
      throw Errors.unreadable(uri, e);
    }
  }

  /**
   * The files {@code paths} name: globs expanded, folders listed recursively (skipping names that
   * start with '_' or '.'), sorted and without repeats. A path that matches nothing is an error,
   * not an empty read; {@code what} says what was expected, for the error.
   */
  public static List<String> listFiles(Configuration conf, List<String> paths, String what) {
    return listFileStatuses(conf, paths, what).stream().map(s -> s.getPath().toString()).toList();
  }

  /** {@link #listFiles}, with each file's status (its length and modification time). */
  public static List<FileStatus> listFileStatuses(
      Configuration conf, List<String> paths, String what) {
    if (paths == null || paths.isEmpty()) {
      throw Errors.badArgument("paths", paths, "at least one " + what + ", folder or glob");
    }
    TreeMap<String, FileStatus> files = new TreeMap<>();
    for (String p : paths) {
      Path path = new Path(p);
      try {
        FileSystem fs = path.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(path);
        if (matches == null || matches.length == 0) {
          throw Errors.unreadable(p, new NoSuchFileException(p));
        }
        for (FileStatus s : matches) {
          addFiles(fs, s, files);
        }
      } catch (FileNotFoundException e) {
        throw Errors.unreadable(p, new NoSuchFileException(p));
      } catch (IOException e) {
        throw Errors.unreadable(p, e);
      }
    }
    if (files.isEmpty()) {
      throw Errors.badInput(String.join(",", paths), "no files to read");
    }
    return new ArrayList<>(files.values());
  }

  private static void addFiles(FileSystem fs, FileStatus status, Map<String, FileStatus> out)
      throws IOException {
    String name = status.getPath().getName();
    if (name.startsWith("_") || name.startsWith(".")) {
      return;
    }
    if (status.isDirectory()) {
      for (FileStatus child : fs.listStatus(status.getPath())) {
        addFiles(fs, child, out);
      }
    } else {
      out.put(status.getPath().toString(), status);
    }
  }

  /** Copies a local file to any Hadoop path (a trained model to its destination), replacing it. */
  public static void upload(java.nio.file.Path local, String destination) {
    Path path = new Path(destination);
    try {
      fileSystem(path).copyFromLocalFile(false, true, new Path(local.toUri()), path);
    } catch (IOException e) {
      throw Errors.unwritable(destination, e);
    }
  }
}
