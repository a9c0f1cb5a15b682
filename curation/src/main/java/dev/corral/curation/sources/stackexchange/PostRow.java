package dev.corral.curation.sources.stackexchange;

import java.util.HashSet;
import java.util.Set;

/**
 * One line of a Stack Exchange {@code Posts.xml}: a {@code <row .../>} element whose attributes are
 * the post ({@code Id, PostTypeId, ParentId, Score, Title, Body, CreationDate, ContentLicense},
 * ...). {@link #parse} accepts exactly the lines that Python's {@code ElementTree.fromstring} (the
 * reference's parser, expat) accepts as one {@code row} element and decodes attribute values as it
 * does (the five XML entities, character references, literal tabs and carriage returns as spaces);
 * a line it would reject is malformed, with the reason.
 *
 * <p>Reused across the lines of a task: {@link #parse} resets every field.
 */
final class PostRow {
  /** What a line is. */
  enum Kind {
    ROW,
    /** The XML declaration, {@code <posts>}, {@code </posts>} or a blank line. */
    FRAME,
    MALFORMED
  }

  long id;
  int postTypeId;
  boolean hasParent;
  long parentId;
  boolean hasScore;
  long score;
  String scoreText;
  String title;
  String body;
  String creationDate;
  String licence;

  /** Why the last line was malformed. */
  String problem;

  /** The attributes a post is made of. */
  private static final Set<String> NEEDED =
      Set.of(
          "Id",
          "PostTypeId",
          "ParentId",
          "Score",
          "Title",
          "Body",
          "CreationDate",
          "ContentLicense");

  private String s;
  private int pos;
  private int n;
  private final Set<String> seen = new HashSet<>();
  private final StringBuilder value = new StringBuilder();

  /** Parses {@code line} (without its line terminator). */
  Kind parse(String line) {
    id = -1;
    postTypeId = -1;
    hasParent = false;
    parentId = -1;
    hasScore = false;
    score = 0;
    scoreText = null;
    title = null;
    body = null;
    creationDate = null;
    licence = null;
    problem = null;
    s = line;
    n = line.length();
    // The dump's files may start with a byte-order mark, before the XML declaration.
    pos = n > 0 && line.charAt(0) == '\uFEFF' ? 1 : 0;
    skipSpace();
    if (pos == n) {
      return Kind.FRAME;
    }
    if (line.startsWith("<row", pos)
        && pos + 4 < n
        && (isSpace(line.charAt(pos + 4)) || line.charAt(pos + 4) == '/')) {
      pos += 4;
      return row() ? Kind.ROW : Kind.MALFORMED;
    }
    String rest = line.substring(pos).strip();
    if (rest.startsWith("<?xml ") && rest.endsWith("?>")
        || rest.equals("<posts>")
        || rest.equals("</posts>")) {
      return Kind.FRAME;
    }
    problem = "not a <row> element";
    return Kind.MALFORMED;
  }

  private boolean row() {
    seen.clear();
    while (true) {
      boolean spaced = skipSpace();
      if (pos >= n) {
        return fail("the element is not closed");
      }
      char c = s.charAt(pos);
      if (c == '/') {
        if (pos + 1 < n && s.charAt(pos + 1) == '>') {
          pos += 2;
          break;
        }
        return fail("'/' not followed by '>'");
      }
      if (c == '>') {
        // <row ...>text</row> is as good as <row .../> to ElementTree: the text is ignored.
        pos++;
        value.setLength(0);
        while (pos < n && s.charAt(pos) != '<') {
          char t = s.charAt(pos);
          if (t == '&') {
            if (!reference("row")) {
              return false;
            }
          } else if (t < 0x20 && t != '\t' && t != '\r' || t == 0xFFFE || t == 0xFFFF) {
            return fail(
                "character U+" + Integer.toHexString(t).toUpperCase() + " in the row's text");
          } else if (t == '>' && s.startsWith("]]>", pos - 2)) {
            return fail("']]>' in the row's text");
          } else {
            pos++;
          }
        }
        if (!s.startsWith("</row", pos)) {
          return fail("<row> has child elements or is not closed");
        }
        pos += 5;
        skipSpace();
        if (pos >= n || s.charAt(pos) != '>') {
          return fail("the end tag is not closed");
        }
        pos++;
        break;
      }
      if (!spaced) {
        return fail("no space before attribute at column " + (pos + 1));
      }
      if (!attribute()) {
        return false;
      }
    }
    skipSpace();
    if (pos < n) {
      return fail("text after the element at column " + (pos + 1));
    }
    if (id < 0) {
      return fail(problem != null ? problem : "no Id");
    }
    return problem == null;
  }

  private boolean attribute() {
    int start = pos;
    if (!isNameStart(s.charAt(pos))) {
      return fail("an attribute name cannot start with '" + s.charAt(pos) + "'");
    }
    pos++;
    while (pos < n && isNameChar(s.charAt(pos))) {
      pos++;
    }
    String name = s.substring(start, pos);
    int colon = name.indexOf(':');
    if (colon >= 0 && !name.startsWith("xml:") && !name.startsWith("xmlns")) {
      return fail("unbound prefix in attribute " + name);
    }
    if (!seen.add(name)) {
      return fail("duplicate attribute " + name);
    }
    skipSpace();
    if (pos >= n || s.charAt(pos) != '=') {
      return fail("attribute " + name + " has no value");
    }
    pos++;
    skipSpace();
    if (pos >= n || (s.charAt(pos) != '"' && s.charAt(pos) != '\'')) {
      return fail("the value of " + name + " is not quoted");
    }
    char quote = s.charAt(pos++);
    // Only the attributes a post needs become strings; the others are checked and passed over.
    boolean needed = NEEDED.contains(name);
    value.setLength(0);
    int run = pos; // start of the ordinary characters not yet copied
    while (true) {
      if (pos >= n) {
        return fail("the value of " + name + " is not closed");
      }
      char c = s.charAt(pos);
      if (c >= 0x20 && c != quote && c != '<' && c != '&' && c < 0xFFFE) {
        pos++;
        continue;
      }
      if (needed) {
        value.append(s, run, pos);
      }
      if (c == quote) {
        pos++;
        break;
      }
      if (c == '<') {
        return fail("'<' in the value of " + name);
      }
      if (c == '&') {
        if (!reference(name)) {
          return false;
        }
      } else if (c == '\t' || c == '\r' || c == '\n') {
        value.append(' '); // XML attribute-value normalization
        pos++;
      } else {
        return fail("character U+" + Integer.toHexString(c).toUpperCase() + " in " + name);
      }
      run = pos;
    }
    return !needed || take(name, value.toString());
  }

  /** Decodes the reference at pos ('&') into value; false, with the problem, if it is not one. */
  private boolean reference(String attribute) {
    int start = pos;
    pos++;
    if (s.startsWith("lt;", pos)) {
      value.append('<');
      pos += 3;
      return true;
    } else if (s.startsWith("gt;", pos)) {
      value.append('>');
      pos += 3;
      return true;
    } else if (s.startsWith("amp;", pos)) {
      value.append('&');
      pos += 4;
      return true;
    } else if (s.startsWith("quot;", pos)) {
      value.append('"');
      pos += 5;
      return true;
    } else if (s.startsWith("apos;", pos)) {
      value.append('\'');
      pos += 5;
      return true;
    }
    if (pos >= n || s.charAt(pos) != '#') {
      int semi = s.indexOf(';', pos);
      return fail(
          semi < 0
              ? "'&' without ';' in " + attribute
              : "undefined entity "
                  + s.substring(start, Math.min(semi + 1, start + 40))
                  + " in "
                  + attribute);
    }
    pos++;
    boolean hex = pos < n && s.charAt(pos) == 'x';
    if (hex) {
      pos++;
    }
    int digitsStart = pos;
    int cp = 0;
    while (pos < n && s.charAt(pos) != ';') {
      char c = s.charAt(pos);
      int d =
          c >= '0' && c <= '9'
              ? c - '0'
              : hex && c >= 'a' && c <= 'f'
                  ? c - 'a' + 10
                  : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) {
        return fail("bad character reference at column " + (start + 1) + " in " + attribute);
      }
      cp = cp * (hex ? 16 : 10) + d;
      if (cp > 0x10FFFF) {
        return fail(
            "character reference out of range at column " + (start + 1) + " in " + attribute);
      }
      pos++;
    }
    if (pos >= n || pos == digitsStart) {
      return fail("bad character reference at column " + (start + 1) + " in " + attribute);
    }
    pos++; // ';'
    if (!(cp == 0x9
        || cp == 0xA
        || cp == 0xD
        || (cp >= 0x20 && cp <= 0xD7FF)
        || (cp >= 0xE000 && cp <= 0xFFFD)
        || cp >= 0x10000)) {
      return fail("reference to invalid character " + s.substring(start, pos) + " in " + attribute);
    }
    value.appendCodePoint(cp);
    return true;
  }

  private boolean take(String name, String v) {
    switch (name) {
      case "Id" -> id = number(name, v);
      case "PostTypeId" -> postTypeId = (int) Math.max(Integer.MIN_VALUE, number(name, v));
      case "ParentId" -> {
        hasParent = true;
        parentId = number(name, v);
      }
      case "Score" -> {
        hasScore = true;
        scoreText = v;
        score = signedNumber(name, v);
      }
      case "Title" -> title = v;
      case "Body" -> body = v;
      case "CreationDate" -> creationDate = v;
      case "ContentLicense" -> licence = v;
      default -> {}
    }
    return true;
  }

  /** A non-negative decimal integer; records a problem and gives -1 otherwise. */
  private long number(String name, String v) {
    if (v.isEmpty() || v.length() > 18) {
      problem = name + " '" + v + "' is not a number";
      return -1;
    }
    long x = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        problem = name + " '" + v + "' is not a number";
        return -1;
      }
      x = x * 10 + (c - '0');
    }
    return x;
  }

  private long signedNumber(String name, String v) {
    if (v.startsWith("-")) {
      long x = number(name, v.substring(1));
      return x < 0 ? 0 : -x;
    }
    long x = number(name, v);
    return Math.max(x, 0);
  }

  private boolean fail(String what) {
    problem = what;
    return false;
  }

  /** Skips XML white space; says whether there was any. */
  private boolean skipSpace() {
    int start = pos;
    while (pos < n && isSpace(s.charAt(pos))) {
      pos++;
    }
    return pos > start;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || c == '_'
        || c == ':'
        || (c >= 0xC0 && Character.isLetter(c));
  }

  private static boolean isNameChar(char c) {
    return isNameStart(c)
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == 0xB7
        || (c >= 0x80 && Character.isLetterOrDigit(c));
  }
}
