package dev.corral.curation.fasttext;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the project's shared assets (../shared beside the checkout), as tests see them. */
final class SharedFiles {
  private SharedFiles() {}

  static Path dir() {
    Path p = Path.of(System.getProperty("corral.shared.dir", "../../shared"));
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException(
          "shared assets not found at " + p.toAbsolutePath() + "; set -Dcorral.shared.dir");
    }
    return p;
  }

  static Path lid176() {
    return dir().resolve("assets/lid.176.ftz");
  }

  static Path udhr() {
    return dir().resolve("data/udhr-dev.tsv");
  }
}
