package dev.corral.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing a file never leaves a moment without it where the store can rename onto a file. */
class OutputFileTest {
  @TempDir java.nio.file.Path tmp;

  /** Records deletes; {@code refuseExisting} makes rename behave as S3A's does. */
  static final class Watched extends LocalFileSystem {
    final List<Path> deleted = new ArrayList<>();
    boolean refuseExisting;

    @Override
    public boolean delete(Path p, boolean recursive) throws IOException {
      deleted.add(p);
      return super.delete(p, recursive);
    }

    @Override
    public boolean rename(Path from, Path to) throws IOException {
      return !(refuseExisting && exists(to)) && super.rename(from, to);
    }
  }

  @Test
  void aLocalReplaceRenamesOverTheOldFileWithoutDeletingIt() throws Exception {
    Watched fs = watched();
    Path target = replaceOldByNew(fs, "recipe.json");

    assertEquals("new", read(fs, target));
    assertFalse(fs.exists(new Path(tmp.toUri().toString(), ".recipe.json.tmp")));
    assertEquals(List.of(), fs.deleted, "the old file is never missing");
  }

  @Test
  void aStoreThatRefusesToRenameOntoAFileGetsADeleteFirst() throws Exception {
    Watched fs = watched();
    fs.refuseExisting = true;
    Path target = replaceOldByNew(fs, "report.md");

    assertEquals("new", read(fs, target));
    assertEquals(List.of(target), fs.deleted);
  }

  /** Writes {@code name} ("old") and a temporary file ("new"), then replaces the first by it. */
  private Path replaceOldByNew(FileSystem fs, String name) throws IOException {
    Path target = new Path(tmp.toUri().toString(), name);
    write(fs, target, "old");
    Path next = new Path(tmp.toUri().toString(), "." + name + ".tmp");
    write(fs, next, "new");
    OutputFile.replace(fs, next, target);
    return target;
  }

  private Watched watched() throws IOException {
    Watched fs = new Watched();
    fs.initialize(tmp.toUri(), new Configuration());
    return fs;
  }

  private static void write(FileSystem fs, Path p, String text) throws IOException {
    try (FSDataOutputStream out = fs.create(p, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String read(FileSystem fs, Path p) throws IOException {
    try (var in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
