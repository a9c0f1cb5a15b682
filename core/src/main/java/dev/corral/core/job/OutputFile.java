package dev.corral.core.job;

import dev.corral.core.Errors;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A job's single-file output (a model, an ARPA file), with the rules of {@link OutputFolder} for
 * one file: never an input, an existing file only replaced under {@code overwrite} (a file carries
 * no mark of who wrote it), written to a hidden temporary file beside it and renamed into place
 * when complete, so a failure leaves nothing behind.
 */
public final class OutputFile {
  private final FileSystem fs;
  private final Path output;
  private final Path temporary;

  private OutputFile(FileSystem fs, Path output) {
    this.fs = fs;
    this.output = output;
    this.temporary =
        new Path(output.getParent(), ".corral-tmp-" + UUID.randomUUID() + "-" + output.getName());
  }

  /**
   * Checks {@code output} against the inputs and what is there, before anything is read or written.
   */
  public static OutputFile check(
      Configuration conf, String output, List<String> inputs, boolean overwrite) {
    Path out = new Path(output);
    try {
      FileSystem fs = out.getFileSystem(conf);
      Path qualified = fs.makeQualified(out);
      OutputFolder.refuseOverlap(conf, fs, qualified, output, inputs);
      if (fs.exists(qualified)) {
        if (fs.getFileStatus(qualified).isDirectory()) {
          throw Errors.badUsage(
              "--output " + output, "is a folder; give the path of the file to write");
        }
        if (!overwrite) {
          throw Errors.badUsage("--output " + output, "exists; give --overwrite to replace it");
        }
      }
      return new OutputFile(fs, qualified);
    } catch (IOException e) {
      throw Errors.unreadable(output, e);
    }
  }

  /** Where to write; {@link #commit} moves it to the output. */
  public Path temporary() {
    return temporary;
  }

  public Path output() {
    return output;
  }

  /** Moves the complete temporary file into place, replacing the output. */
  public void commit() {
    try {
      fs.mkdirs(output.getParent());
      replace(fs, temporary, output);
    } catch (IOException e) {
      throw Errors.unwritable(output.toString(), e);
    }
  }

  /**
   * Renames {@code from} onto the file {@code to}. A local rename replaces {@code to} at once, so a
   * process killed at any instant leaves the old or the new file; only a file system whose rename
   * refuses an existing target (HDFS, S3A, where rename is a copy anyway) deletes it first.
   */
  public static void replace(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to) && !(fs.delete(to, false) && fs.rename(from, to))) {
      throw new IOException("cannot rename " + from + " to " + to);
    }
  }

  /** Deletes the temporary file of a failed run. */
  public void abort() {
    try {
      fs.delete(temporary, false);
    } catch (IOException e) {
      // a leftover hidden temporary file is harmless
    }
  }
}
