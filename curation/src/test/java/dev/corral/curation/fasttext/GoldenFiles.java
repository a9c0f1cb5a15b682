package dev.corral.curation.fasttext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The golden files captured from Debian's fasttext 0.9.2 (test resources fasttext/, see its
 * README).
 */
final class GoldenFiles {
  private GoldenFiles() {}

  static Path dir() {
    try {
      return Path.of(GoldenFiles.class.getResource("/fasttext/make-golden.sh").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A model by file name: lid.176.ftz from the shared assets, the others from fasttext/models. */
  static Path model(String name) {
    return name.equals("lid.176.ftz")
        ? SharedFiles.lid176()
        : dir().resolve("models").resolve(name);
  }

  /** An input by stem (udhr, hard, long-line), gunzipped when stored as .gz. */
  static byte[] input(String stem) {
    Path plain = dir().resolve("inputs").resolve(stem + ".txt");
    return Files.exists(plain)
        ? read(plain)
        : read(dir().resolve("inputs").resolve(stem + ".txt.gz"));
  }

  /** Reads a file, gunzipping a .gz one. */
  static byte[] read(Path p) {
    try (InputStream raw = Files.newInputStream(p);
        InputStream in = p.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
