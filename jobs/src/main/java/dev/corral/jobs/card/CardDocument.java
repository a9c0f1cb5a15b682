package dev.corral.jobs.card;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The card's text as blocks (headings, paragraphs, tables, charts, code), rendered once as Markdown
 * (charts as links to {@code report/NAME.png}) and once as one HTML page that needs nothing else
 * (charts embedded as base64, styles inline, no script), so both say the same.
 */
final class CardDocument {
  /** The first line of every report.md the card writes: how it knows the file is its own. */
  static final String MARK = "<!-- corral data card -->";

  /** The folder of the PNG charts, beside report.md. */
  static final String CHARTS = "report";

  private interface Block {}

  private record Heading(int level, String text) implements Block {}

  private record Text(String text) implements Block {}

  private record Table(List<String> header, List<List<String>> rows, boolean[] numeric)
      implements Block {}

  private record Chart(String name, String alt) implements Block {}

  private record Code(String text) implements Block {}

  private final List<Block> blocks = new ArrayList<>();
  private final Map<String, byte[]> charts = new LinkedHashMap<>();

  CardDocument heading(int level, String text) {
    blocks.add(new Heading(level, text));
    return this;
  }

  /** A paragraph; {@code `code`} spans are kept as code in both renderings. */
  CardDocument text(String text) {
    blocks.add(new Text(text));
    return this;
  }

  /** A table; columns whose header starts with '#' are numbers (right-aligned, '#' removed). */
  CardDocument table(List<String> header, List<List<String>> rows) {
    boolean[] numeric = new boolean[header.size()];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      numeric[i] = header.get(i).startsWith("#");
      names.add(numeric[i] ? header.get(i).substring(1) : header.get(i));
    }
    blocks.add(new Table(names, rows, numeric));
    return this;
  }

  CardDocument chart(String name, String alt, byte[] png) {
    charts.put(name, png);
    blocks.add(new Chart(name, alt));
    return this;
  }

  CardDocument code(String text) {
    blocks.add(new Code(text));
    return this;
  }

  /** The charts by file name ({@code NAME.png}). */
  Map<String, byte[]> charts() {
    return charts;
  }

  String markdown() {
    StringBuilder md = new StringBuilder(MARK).append('\n');
    for (Block b : blocks) {
      if (b instanceof Heading h) {
        md.append("#".repeat(h.level())).append(' ').append(h.text());
      } else if (b instanceof Text t) {
        md.append(t.text());
      } else if (b instanceof Table t) {
        md.append("| ").append(String.join(" | ", escape(t.header()))).append(" |\n|");
        for (boolean n : t.numeric()) {
          md.append(n ? " ---: |" : " --- |");
        }
        for (List<String> row : t.rows()) {
          md.append("\n| ").append(String.join(" | ", escape(row))).append(" |");
        }
      } else if (b instanceof Chart c) {
        md.append("![").append(c.alt()).append("](").append(CHARTS).append('/');
        md.append(c.name()).append(')');
      } else if (b instanceof Code c) {
        md.append("```json\n").append(c.text()).append("\n```");
      }
      md.append("\n\n");
    }
    return md.toString();
  }

  String page(String title) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(html(title))
        .append("</title>\n<style>\n")
        .append(
            "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\n"
                + "table{border-collapse:collapse;margin:.5em 0 1.5em}\n"
                + "th,td{border:1px solid #ccc;padding:3px 8px;font-size:13px}\n"
                + "th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
                + "img{max-width:100%;border:1px solid #eee}\n"
                + "pre{background:#f7f7f7;padding:8px;overflow:auto;font-size:12px}\n"
                + "code{background:#f3f3f3;padding:0 3px}\n")
        .append("</style>\n</head>\n<body>\n");
    for (Block b : blocks) {
      if (b instanceof Heading x) {
        h.append("<h").append(x.level()).append('>').append(inline(x.text()));
        h.append("</h").append(x.level()).append(">\n");
      } else if (b instanceof Text t) {
        h.append("<p>").append(inline(t.text())).append("</p>\n");
      } else if (b instanceof Table t) {
        h.append("<table>\n<tr>");
        for (String c : t.header()) {
          h.append("<th>").append(inline(c)).append("</th>");
        }
        h.append("</tr>\n");
        for (List<String> row : t.rows()) {
          h.append("<tr>");
          for (int i = 0; i < row.size(); i++) {
            h.append(i < t.numeric().length && t.numeric()[i] ? "<td class=\"n\">" : "<td>");
            h.append(inline(row.get(i))).append("</td>");
          }
          h.append("</tr>\n");
        }
        h.append("</table>\n");
      } else if (b instanceof Chart c) {
        h.append("<p><img alt=\"").append(html(c.alt())).append("\" src=\"data:image/png;base64,");
        h.append(Base64.getEncoder().encodeToString(charts.get(c.name()))).append("\"></p>\n");
      } else if (b instanceof Code c) {
        h.append("<details><summary>JSON</summary><pre>").append(html(c.text()));
        h.append("</pre></details>\n");
      }
    }
    return h.append("</body>\n</html>\n").toString();
  }

  private static List<String> escape(List<String> cells) {
    return cells.stream().map(c -> c.replace("|", "\\|").replace("\n", " ")).toList();
  }

  /** Text with {@code `code`} spans as HTML. */
  private static String inline(String text) {
    String[] parts = text.split("`", -1);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      out.append(i % 2 == 1 ? "<code>" + html(parts[i]) + "</code>" : html(parts[i]));
    }
    return out.toString();
  }

  static String html(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
