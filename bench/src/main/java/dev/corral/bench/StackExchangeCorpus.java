package dev.corral.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a Stack Exchange {@code Posts.xml} of real text for the {@code corral source
 * stackexchange} benchmark, in the dump's layout (XML declaration, {@code <posts>}, one {@code <row
 * .../>} per line with the dump's attributes and escaping, {@code </posts>}). Text is the UDHR
 * paragraphs ({@code udhr-dev.tsv}) wrapped in the HTML that Stack Exchange renders from Markdown:
 * paragraphs with inline code, emphasis and links, code blocks, nested lists, block quotes and
 * entities. Per question 0 to 6 answers (a quarter unanswered), scores from -3 to 120, answers in
 * the file after their question as in the dump. Deterministic for a seed. Usage:
 * StackExchangeCorpus UDHR_TSV OUT_POSTS_XML MB (10^6 bytes of Posts.xml)
 */
public final class StackExchangeCorpus {
  private final List<String> paragraphs;
  private final Random random = new Random(20230329);

  private StackExchangeCorpus(List<String> paragraphs) {
    this.paragraphs = paragraphs;
  }

  public static void main(String[] args) throws IOException {
    List<String> paragraphs = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
      String[] f = line.split("\t");
      if (f.length == 3 && !f[2].isBlank()) {
        paragraphs.add(f[2]);
      }
    }
    long bytes = (long) (Double.parseDouble(args[2]) * 1e6);
    Path out = Path.of(args[1]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    long[] counts = new StackExchangeCorpus(paragraphs).write(out, bytes);
    System.err.printf(
        "%s: %,d posts (%,d questions), %,d bytes%n", out, counts[0], counts[1], Files.size(out));
  }

  private long[] write(Path out, long bytes) throws IOException {
    long posts = 0;
    long questions = 0;
    long written = 0;
    long id = 1;
    try (BufferedWriter w =
        new BufferedWriter(
            new OutputStreamWriter(Files.newOutputStream(out), StandardCharsets.UTF_8), 1 << 20)) {
      String head = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n";
      w.write(head);
      written += head.length();
      while (written < bytes) {
        long qid = id++;
        int answers = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(6);
        String q = row(qid, 1, -1, score(), title(), body(), answers);
        w.write(q);
        written += q.getBytes(StandardCharsets.UTF_8).length;
        posts++;
        questions++;
        for (int a = 0; a < answers; a++) {
          String r = row(id++, 2, qid, score(), null, body(), 0);
          w.write(r);
          written += r.getBytes(StandardCharsets.UTF_8).length;
          posts++;
        }
      }
      w.write("</posts>\n");
    }
    return new long[] {posts, questions};
  }

  private int score() {
    int k = random.nextInt(10);
    return k < 2 ? -random.nextInt(4) : k < 8 ? random.nextInt(12) : random.nextInt(121);
  }

  private String paragraph() {
    return paragraphs.get(random.nextInt(paragraphs.size()));
  }

  private String title() {
    String p = paragraph();
    String[] words = p.split(" ");
    int n = Math.min(words.length, 4 + random.nextInt(8));
    return String.join(" ", java.util.Arrays.copyOf(words, n)) + "?";
  }

  private static String escapeHtml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** A paragraph with inline markup, as Markdown renders it. */
  private String inline() {
    String[] words = escapeHtml(paragraph()).split(" ");
    StringBuilder b = new StringBuilder("<p>");
    for (int i = 0; i < words.length; i++) {
      if (i > 0) {
        b.append(' ');
      }
      int k = random.nextInt(40);
      if (k == 0) {
        b.append("<code>").append(words[i]).append("</code>");
      } else if (k == 1) {
        b.append("<strong>").append(words[i]).append("</strong>");
      } else if (k == 2) {
        b.append("<a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow noreferrer\">")
            .append(words[i])
            .append("</a>");
      } else if (k == 3) {
        b.append("<em>").append(words[i]).append("</em>");
      } else if (k == 4) {
        b.append(words[i]).append(" &mdash;");
      } else {
        b.append(words[i]);
      }
    }
    return b.append("</p>").toString();
  }

  private String code() {
    StringBuilder b = new StringBuilder("<pre><code>");
    int lines = 2 + random.nextInt(8);
    for (int i = 0; i < lines; i++) {
      String[] words = paragraph().split(" ");
      b.append("    ".repeat(random.nextInt(3)))
          .append(escapeHtml("if (x < " + i + " && y > 0) { print(\"" + words[0] + "\"); }"))
          .append('\n');
    }
    return b.append("</code></pre>").toString();
  }

  private String list(int depth) {
    String tag = random.nextBoolean() ? "ul" : "ol";
    StringBuilder b = new StringBuilder("<").append(tag).append(">\n");
    int items = 2 + random.nextInt(4);
    for (int i = 0; i < items; i++) {
      b.append("<li>").append(escapeHtml(paragraph()));
      if (depth == 0 && random.nextInt(5) == 0) {
        b.append("\n\n").append(list(1));
      }
      b.append("</li>\n");
    }
    return b.append("</").append(tag).append(">").toString();
  }

  private String body() {
    List<String> blocks = new ArrayList<>();
    int n = 1 + random.nextInt(5);
    for (int i = 0; i < n; i++) {
      int k = random.nextInt(10);
      blocks.add(
          k < 5
              ? inline()
              : k < 7
                  ? code()
                  : k < 9
                      ? list(0)
                      : "<blockquote>\n  <p>" + escapeHtml(paragraph()) + "</p>\n</blockquote>");
    }
    return String.join("\n\n", blocks) + "\n";
  }

  private static String attribute(String v) {
    return v.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("\r", "&#xD;")
        .replace("\n", "&#xA;");
  }

  private String row(
      long id, int type, long parent, int score, String title, String body, int answers) {
    StringBuilder b =
        new StringBuilder("  <row Id=\"").append(id).append("\" PostTypeId=\"").append(type);
    if (parent >= 0) {
      b.append("\" ParentId=\"").append(parent);
    }
    b.append("\" CreationDate=\"20")
        .append(10 + id % 13)
        .append("-0")
        .append(1 + id % 9)
        .append("-1")
        .append(id % 10)
        .append("T12:34:56.789\" Score=\"")
        .append(score);
    if (type == 1) {
      b.append("\" ViewCount=\"").append(id % 9999);
    }
    b.append("\" Body=\"").append(attribute(body));
    b.append("\" OwnerUserId=\"")
        .append(id % 1000)
        .append("\" LastActivityDate=\"2023-03-01T00:00:00.000");
    if (title != null) {
      b.append("\" Title=\"")
          .append(attribute(title))
          .append("\" Tags=\"&lt;udhr&gt;&lt;text&gt;\" AnswerCount=\"")
          .append(answers);
    }
    b.append("\" CommentCount=\"0\" ContentLicense=\"CC BY-SA 4.0\" />\n");
    return b.toString();
  }
}
