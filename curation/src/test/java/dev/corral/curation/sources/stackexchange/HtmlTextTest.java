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
 * HtmlText against RedPajama's cleanhtml run on BeautifulSoup 4.11 / lxml 4.9.2 / libxml2 2.9.14
 * (html-cases.jsonl, written by make-golden.py): every case, byte for byte.
 */
class HtmlTextTest {
  @Test
  void equalsRedPajamasCleanhtmlOnEveryCase() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> differ = new ArrayList<>();
    int cases = 0;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                HtmlTextTest.class.getResourceAsStream("/stackexchange/html-cases.jsonl"),
                StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode c = json.readTree(line);
        cases++;
        String got = HtmlText.clean(c.get("html").asText());
        if (!got.equals(c.get("text").asText())) {
          differ.add(
              json.writeValueAsString(c.get("html").asText())
                  + " -> "
                  + json.writeValueAsString(got));
        }
      }
    }
    assertTrue(cases > 3000, "cases: " + cases);
    assertEquals(
        List.of(), differ.subList(0, Math.min(5, differ.size())), differ.size() + " differ");
  }

  @Test
  void keepsWhatAnHtml5ParserWouldChange() {
    // The reference's quirks, each of which jsoup's wholeText() does otherwise.
    assertEquals("a\nb\n", HtmlText.text("<p>a</p>\n\n<p>b</p>\n"), "blank runs collapse");
    assertEquals("ab", HtmlText.text("a<br>b"), "<br> adds nothing");
    assertEquals("\nx\n", HtmlText.text("<pre>\nx\n</pre>"), "the newline after <pre> stays");
    assertEquals("&amp \u0080 \u00a0", HtmlText.text("&amp &#128; &nbsp;"), "HTML 4 references");
    assertEquals("*\n*a", HtmlText.clean("<ol><li>a</li></ol>"), "leading blanks go");
  }
}
