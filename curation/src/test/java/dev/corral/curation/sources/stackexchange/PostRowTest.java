package dev.corral.curation.sources.stackexchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PostRow accepts and decodes exactly what Python's ElementTree.fromstring does on each line
 * (rows-cases.jsonl, written by make-golden.py: valid rows, broken variants, random damage).
 */
class PostRowTest {
  @Test
  void agreesWithElementTreeOnEveryLine() throws Exception {
    ObjectMapper json = new ObjectMapper();
    PostRow row = new PostRow();
    List<String> differ = new ArrayList<>();
    int accepted = 0;
    int rejected = 0;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                PostRowTest.class.getResourceAsStream("/stackexchange/rows-cases.jsonl"),
                StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode c = json.readTree(line);
        String text = c.get("line").asText();
        JsonNode attributes = c.get("attributes");
        PostRow.Kind kind = row.parse(text);
        if (attributes.isNull()) {
          rejected++;
          if (kind != PostRow.Kind.MALFORMED) {
            differ.add("accepted " + text);
          }
          continue;
        }
        accepted++;
        String why = kind + " " + row.problem;
        if (kind != PostRow.Kind.ROW
            || row.id != attributes.get("Id").asLong()
            || !same(attributes.get("Title"), row.title)
            || !same(attributes.get("Body"), row.body)
            || (attributes.has("ParentId") != row.hasParent)
            || (attributes.has("Score") && row.score != attributes.get("Score").asLong())) {
          differ.add(why + ": " + text);
        }
      }
    }
    assertTrue(accepted > 100 && rejected > 50, accepted + " accepted, " + rejected + " rejected");
    assertEquals(List.of(), differ);
  }

  @Test
  void namesWhyALineIsMalformed() {
    PostRow row = new PostRow();
    assertEquals(PostRow.Kind.MALFORMED, row.parse("  <row Id=\"1\" Body=\"a<b\" />"));
    assertEquals("'<' in the value of Body", row.problem);
    assertEquals(PostRow.Kind.FRAME, row.parse("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    assertEquals(PostRow.Kind.FRAME, row.parse("</posts>"));
    assertEquals(PostRow.Kind.MALFORMED, row.parse("garbage"));
  }

  private static boolean same(JsonNode expected, String got) {
    return expected == null ? got == null : expected.asText().equals(got);
  }
}
