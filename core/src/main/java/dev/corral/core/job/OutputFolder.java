package dev.corral.core.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.corral.core.Errors;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A job's output folder and the rules that keep it safe, checked before Spark starts:
 *
 * <ul>
 *   <li>the output is never an input, inside one, or a folder holding one;
 *   <li>data is written to a hidden staging folder beside the output ({@code
 *       .corral-staging-<name>-<run>}) and committed only when complete, by a rename of the folder;
 *   <li>a rerun replaces Corral's own earlier output; a folder holding entries Corral did not write
 *       there is refused unless {@code overwrite}, and then only Corral's entries are replaced, the
 *       others left alone.
 * </ul>
 *
 * <p>What Corral wrote is listed in {@code _corral/output.json}: the top-level entries of the
 * committed folder. Anything else in the folder is someone else's.
 */
public final class OutputFolder {
  /**
   * The folder, beside the data, for Corral's records; names starting with '_' are hidden from
   * table readers.
   */
  public static final String RECORDS = "_corral";

  static final String MANIFEST = "output.json";
  private static final String STAGING = ".corral-staging-";
  private static final String OLD = ".corral-old-";
  private static final String SCRATCH = ".corral-scratch-";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final FileSystem fs;
  private final Path output;
  private Path staging;
  private Path scratch;
  private final boolean exists;
  private final Set<String> foreign;
  private final Set<String> owned;

  private OutputFolder(
      FileSystem fs, Path output, boolean exists, Set<String> owned, Set<String> foreign) {
    this.fs = fs;
    this.output = output;
    this.exists = exists;
    this.owned = owned;
    this.foreign = foreign;
  }

  /**
   * Checks {@code output} against the job's {@code inputs} and what the folder holds, before
   * anything is read.
   */
  public static OutputFolder check(
      Configuration conf, String output, List<String> inputs, boolean overwrite) {
    Path out = new Path(output);
    try {
      FileSystem fs = out.getFileSystem(conf);
      Path qualified = fs.makeQualified(out);
      refuseOverlap(conf, fs, qualified, output, inputs);
      if (qualified.getParent() == null) {
        throw Errors.badUsage(
            "--output " + output, "is the root of a file system; choose a folder");
      }
      if (!fs.exists(qualified)) {
        return new OutputFolder(fs, qualified, false, Set.of(), Set.of());
      }
      if (!fs.getFileStatus(qualified).isDirectory()) {
        throw Errors.badUsage(
            "--output " + output, "is a file; Corral writes a folder there, choose another path");
      }
      Set<String> owned = manifest(fs, qualified);
      Set<String> foreign = new TreeSet<>();
      for (FileStatus f : fs.listStatus(qualified)) {
        String name = f.getPath().getName();
        if (name.equals(RECORDS) ? isForeignRecords(fs, f) : !owned.contains(name)) {
          foreign.add(name);
        }
      }
      if (!foreign.isEmpty() && !overwrite) {
        throw Errors.foreignOutput(
            output,
            new ArrayList<>(foreign).subList(0, Math.min(5, foreign.size())),
            foreign.size());
      }
      for (String table : List.of("_delta_log", "_SUCCESS")) {
        if (foreign.contains(table)) {
          throw Errors.badUsage(
              "--output " + output,
              "holds a table Corral did not write ("
                  + table
                  + "); --overwrite replaces only Corral's output, so choose another folder");
        }
      }
      return new OutputFolder(fs, qualified, true, owned, foreign);
    } catch (IOException e) {
      throw Errors.unreadable(output, e);
    }
  }

  /**
   * Refuses an output that is an input, sits inside one or holds one (a glob's fixed part counts as
   * the input's folder), after resolving links of local paths.
   */
  static void refuseOverlap(
      Configuration conf, FileSystem fs, Path qualified, String output, List<String> inputs)
      throws IOException {
    Path o = realPath(fs, qualified);
    for (String input : inputs) {
      Path in = new Path(input);
      FileSystem inFs = in.getFileSystem(conf);
      Path q = realPath(inFs, inFs.makeQualified(in));
      if (o.equals(q)) {
        throw Errors.outputOverlapsInput(output, input, "is");
      } else if (isAncestor(q, o)) {
        throw Errors.outputOverlapsInput(output, input, "is inside");
      } else if (isAncestor(o, q) || isAncestor(o, globRoot(q))) {
        throw Errors.outputOverlapsInput(output, input, "contains");
      }
    }
  }

  /**
   * Chooses the staging folder for run {@code runId}: the same id finds the same folder again (a
   * resumed run), another id starts clean.
   */
  public void stage(String runId) {
    staging = new Path(output.getParent(), STAGING + output.getName() + "-" + runId);
    scratch = new Path(output.getParent(), SCRATCH + output.getName() + "-" + runId);
  }

  /**
   * A hidden folder beside the output for the run's temporary files (a decoded archive that tasks
   * then read in parallel): on the output's file system, so every executor sees it, never inside
   * the staged output, and deleted by {@link #deleteScratch} when the run ends, however it ends.
   * Not created until the job writes there.
   */
  public Path scratch() {
    if (scratch == null) {
      throw new IllegalStateException("stage(runId) first");
    }
    return scratch;
  }

  /** Deletes the run's scratch folder, if the job made one. */
  public void deleteScratch() {
    if (scratch == null) {
      return;
    }
    try {
      fs.delete(scratch, true);
    } catch (IOException e) {
      // a leftover scratch folder is hidden and removed by the next run of this output
    }
  }

  /** The folder the job writes into; committed to the output by {@link #commit}. */
  public Path staging() {
    if (staging == null) {
      throw new IllegalStateException("stage(runId) first");
    }
    return staging;
  }

  /** The output path, qualified. */
  public Path output() {
    return output;
  }

  /** Whether the staging folder holds a previous, uncommitted run with the same id. */
  public boolean hasStaged() {
    try {
      return fs.exists(staging);
    } catch (IOException e) {
      throw Errors.unreadable(staging.toString(), e);
    }
  }

  /**
   * Removes staging folders of this output left by other runs (stopped before their commit; Corral
   * wrote them), and says whether there were any.
   */
  public boolean removeStaleStaging() {
    String prefix = STAGING + output.getName() + "-";
    boolean removed = false;
    try {
      for (FileStatus f : fs.listStatus(output.getParent())) {
        String name = f.getPath().getName();
        boolean stale = name.startsWith(prefix) && !f.getPath().equals(staging());
        if (stale
            || name.startsWith(OLD + output.getName() + "-")
            || name.startsWith(SCRATCH + output.getName() + "-")) {
          fs.delete(f.getPath(), true);
          removed |= stale;
        }
      }
      return removed;
    } catch (FileNotFoundException e) {
      return false; // no parent yet: nothing stale
    } catch (IOException e) {
      throw Errors.unwritable(output.getParent().toString(), e);
    }
  }

  /**
   * Makes the staged folder the output. Without foreign entries the old output is renamed aside and
   * the staged folder renamed into place (readers see the old or the new table, never a mix); with
   * them (only under {@code overwrite}) Corral's old entries are deleted and the new ones moved in
   * one by one.
   */
  public void commit() {
    try {
      List<String> entries = new ArrayList<>();
      for (FileStatus f : fs.listStatus(staging)) {
        if (!f.getPath().getName().equals(RECORDS)) {
          entries.add(f.getPath().getName());
        }
      }
      writeManifest(new Path(new Path(staging, RECORDS), MANIFEST), entries);
      fs.mkdirs(output.getParent());
      if (!exists || !fs.exists(output)) {
        rename(staging, output);
      } else if (foreign.isEmpty()) {
        Path old = new Path(output.getParent(), OLD + output.getName() + "-" + UUID.randomUUID());
        rename(output, old);
        rename(staging, output);
        fs.delete(old, true);
      } else {
        for (String name : owned) {
          fs.delete(new Path(output, name), true);
        }
        fs.delete(new Path(output, RECORDS), true);
        for (FileStatus f : fs.listStatus(staging)) {
          if (foreign.contains(f.getPath().getName())) {
            throw Errors.badUsage(
                "--output " + output,
                "holds '"
                    + f.getPath().getName()
                    + "', which Corral did not write and would have to replace");
          }
          rename(f.getPath(), new Path(output, f.getPath().getName()));
        }
        fs.delete(staging, true);
      }
    } catch (IOException e) {
      throw Errors.unwritable(output.toString(), e);
    }
  }

  /** Deletes the staging folder of a failed run that will not be resumed. */
  public void abort() {
    if (staging == null) {
      return;
    }
    try {
      fs.delete(staging, true);
    } catch (IOException e) {
      // a leftover staging folder is hidden and removed by the next run of this output
    }
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("cannot rename " + from + " to " + to);
    }
  }

  private void writeManifest(Path file, List<String> entries) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("written_by", "corral");
    m.put("entries", new TreeSet<>(entries));
    try (OutputStream out = fs.create(file, true)) {
      JSON.writeValue(out, m);
    }
  }

  private static Set<String> manifest(FileSystem fs, Path folder) throws IOException {
    Path file = new Path(new Path(folder, RECORDS), MANIFEST);
    if (!fs.exists(file)) {
      return Set.of();
    }
    try (InputStream in = fs.open(file)) {
      JsonNode entries = JSON.readTree(in).path("entries");
      Set<String> names = new TreeSet<>();
      entries.forEach(e -> names.add(e.asText()));
      return names;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Set.of(); // not ours after all: everything in the folder counts as someone else's
    }
  }

  /**
   * A {@code _corral} entry that is not a folder of Corral's records (no manifest) belongs to
   * someone else.
   */
  private static boolean isForeignRecords(FileSystem fs, FileStatus f) throws IOException {
    return !fs.exists(new Path(f.getPath(), MANIFEST));
  }

  private static Path realPath(FileSystem fs, Path p) {
    if (!"file".equals(p.toUri().getScheme())) {
      return p;
    }
    try {
      java.nio.file.Path local = java.nio.file.Path.of(p.toUri());
      // Resolve links of the longest existing prefix, so /tmp/link/out and /real/out compare equal.
      java.nio.file.Path existing = local;
      java.nio.file.Path rest = java.nio.file.Path.of("");
      while (existing != null && !java.nio.file.Files.exists(existing)) {
        rest = existing.getFileName().resolve(rest);
        existing = existing.getParent();
      }
      if (existing == null) {
        return p;
      }
      return new Path(existing.toRealPath().resolve(rest).normalize().toUri());
    } catch (IOException | RuntimeException e) {
      return p;
    }
  }

  /**
   * The part of a glob before its first wildcard, so {@code /data/*.jsonl} is inside {@code /data}.
   */
  private static Path globRoot(Path p) {
    Path root = p;
    while (root != null && root.getName().matches(".*[*?\\[{].*")) {
      root = root.getParent();
    }
    return root == null ? p : root;
  }

  private static boolean isAncestor(Path ancestor, Path p) {
    if (ancestor == null) {
      return false;
    }
    String a = ancestor.toUri().toString().replaceAll("/+$", "");
    String b = p.toUri().toString();
    return b.startsWith(a + "/");
  }
}
