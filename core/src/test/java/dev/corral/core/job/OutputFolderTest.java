package dev.corral.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output rules without Spark: overlap with inputs (through links too), ownership, staged
 * commits.
 */
class OutputFolderTest {
  @TempDir Path tmp;
  final Configuration conf = new Configuration();

  private CorralException refused(String output, List<String> inputs, boolean overwrite) {
    return assertThrows(
        CorralException.class, () -> OutputFolder.check(conf, output, inputs, overwrite));
  }

  @Test
  void anOutputReachedThroughALinkIsStillTheInput() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), data);
    CorralException e = refused(link.toString(), List.of(data.toString()), true);
    assertEquals(CorralException.Kind.USAGE, e.kind());
    assertTrue(e.getMessage().contains("is --input"), e.getMessage());
    assertTrue(
        refused(link.resolve("out").toString(), List.of(data.toString()), false)
            .getMessage()
            .contains("is inside --input"));
    assertTrue(
        refused(tmp.toString(), List.of("file:" + data + "/*.jsonl"), false)
            .getMessage()
            .contains("contains --input"));
  }

  @Test
  void aFileOrAForeignTableIsNeverReplaced() throws Exception {
    Path file = Files.writeString(tmp.resolve("out.jsonl"), "{}\n");
    assertTrue(refused(file.toString(), List.of(), true).getMessage().contains("is a file"));
    Path table = Files.createDirectories(tmp.resolve("table/_delta_log"));
    assertTrue(
        refused(table.getParent().toString(), List.of(), true)
            .getMessage()
            .contains("holds a table Corral did not write"));
  }

  @Test
  void aCommitReplacesOnlyWhatCorralWroteAndLeavesNoStagingBehind() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.writeString(out.resolve("notes.txt"), "mine");
    OutputFolder folder = OutputFolder.check(conf, out.toString(), List.of(), true);
    for (int run = 0; run < 2; run++) {
      folder.stage("run" + run);
      Path staging = Path.of(folder.staging().toUri());
      Files.createDirectories(staging);
      Files.writeString(staging.resolve("part-" + run + ".json"), "{}\n");
      folder.commit();
      folder = OutputFolder.check(conf, out.toString(), List.of(), true);
    }
    try (var files = Files.list(out)) {
      assertEquals(
          List.of("_corral", "notes.txt", "part-1.json"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    try (var files = Files.list(tmp)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".corral-")));
    }
    // Corral's own output alone is replaced without --overwrite
    Files.delete(out.resolve("notes.txt"));
    OutputFolder.check(conf, out.toString(), List.of(), false);
  }
}
