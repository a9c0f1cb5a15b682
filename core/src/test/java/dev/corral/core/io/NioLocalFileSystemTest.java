package dev.corral.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files and folders get the permissions Hadoop's own local file system gives them. */
class NioLocalFileSystemTest {
  @TempDir java.nio.file.Path tmp;

  @Test
  void permissionsEqualHadoopsAndTheFileSystemIsStillLocal() throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    FileSystem nio = new Path(tmp.toUri()).getFileSystem(conf);
    assertTrue(nio instanceof NioLocalFileSystem);
    assertTrue(nio instanceof LocalFileSystem); // FileSystem.getLocal casts to it
    LocalFileSystem hadoop = new LocalFileSystem();
    hadoop.initialize(tmp.toUri(), new Configuration());

    for (String mode : new String[] {"640", "755", "600", "444"}) {
      FsPermission perm = new FsPermission(mode);
      Path ours = new Path(tmp.toUri().toString(), "nio-" + mode + "/part.parquet");
      Path theirs = new Path(tmp.toUri().toString(), "hadoop-" + mode + "/part.parquet");
      for (var pair : new Object[][] {{nio, ours}, {hadoop, theirs}}) {
        FileSystem fs = (FileSystem) pair[0];
        Path p = (Path) pair[1];
        try (FSDataOutputStream out = fs.create(p, perm, true, 4096, (short) 1, 1 << 20, null)) {
          out.writeBytes("x");
        }
        fs.setPermission(p.getParent(), perm);
      }
      assertEquals(posix(theirs), posix(ours), mode);
      assertEquals(posix(theirs.getParent()), posix(ours.getParent()), mode + " folder");
      assertEquals(
          PosixFilePermissions.toString(PosixFilePermissions.fromString(perm.toString())),
          posix(ours),
          mode);
      assertEquals("x", new String(Files.readAllBytes(java.nio.file.Path.of(ours.toUri()))));
    }
  }

  private static String posix(Path p) throws Exception {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(java.nio.file.Path.of(p.toUri())));
  }
}
