package dev.corral.curation.sources.books;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The golden set's folder (inputs and the reference's outputs, see its README.md). */
public final class GoldenBooks {
  private static final ObjectMapper JSON = new ObjectMapper();

  private GoldenBooks() {}

  /** The folder {@code golden/} of the test resources. */
  public static Path folder() {
    try {
      return Path.of(GoldenBooks.class.getResource("golden/README.md").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The lines of {@code expected/NAME}, parsed. */
  public static List<JsonNode> expected(String name) throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    for (String line :
        Files.readAllLines(folder().resolve("expected").resolve(name), StandardCharsets.UTF_8)) {
      rows.add(JSON.readTree(line));
    }
    return rows;
  }
}
