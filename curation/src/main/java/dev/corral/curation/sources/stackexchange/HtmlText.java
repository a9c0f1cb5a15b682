package dev.corral.curation.sources.stackexchange;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The text of a Stack Exchange post as RedPajama v1's {@code cleanhtml} makes it ({@code
 * rp_v1:data_prep/stack_exchange/post_processing.py}): {@code <li>} and {@code <ol>} become {@code
 * "\n*"}, {@code </li>} and {@code </ol>} go, then {@code BeautifulSoup(html, "lxml").get_text()}:
 * the text of every node, whitespace kept, entities decoded.
 *
 * <p>That text is what libxml2's HTML push parser (2.9.14, under lxml 4.9 and BeautifulSoup 4.11)
 * reports, which differs from an HTML5 parser such as jsoup in ways that show in real posts, so
 * this class follows libxml2's tokenizer and element stack instead of building a DOM:
 *
 * <ul>
 *   <li>whitespace before the first tag or text is dropped, and a run of text between two tags that
 *       is only ASCII whitespace becomes one {@code "\n"} (if it holds one) or one space, except
 *       inside {@code <pre>} or {@code <textarea>} (BeautifulSoup's rule);
 *   <li>only HTML 4's 253 named references are decoded, and only with their {@code ;}; a numeric
 *       reference is the code point itself ({@code &#128;} is U+0080, not the euro sign), and one
 *       that is not an XML character is dropped; {@code <br>} adds nothing;
 *   <li>a newline right after {@code <pre>} is kept; comments, processing instructions and the
 *       contents of {@code <script>}, {@code <style>} and {@code <template>} give no text;
 *   <li>tags close as libxml2's HTML 4 tables say ({@code html40-start-close.txt}, end tag
 *       priorities), which decides when a {@code <pre>} stops preserving whitespace.
 * </ul>
 *
 * Parity with the reference is tested on the golden posts and on generated HTML.
 */
public final class HtmlText {
  private static final Map<String, Integer> ENTITIES = new HashMap<>();

  /** Open element -> the start tags that close it. */
  private static final Map<String, Set<String>> START_CLOSE = new HashMap<>();

  /** HTML 4 elements without content: libxml2 ends them as soon as they start. */
  private static final Set<String> EMPTY =
      Set.of(
          "area",
          "base",
          "basefont",
          "br",
          "col",
          "frame",
          "hr",
          "img",
          "input",
          "isindex",
          "link",
          "meta",
          "param");

  /** Characters that libxml2 skips at the start of a document (IS_BLANK_CH). */
  private static final String BLANKS = " \t\n\r";

  static {
    for (String line : lines("html40-entities.txt")) {
      String[] f = line.split(" ");
      ENTITIES.put(f[0], Integer.parseInt(f[1]));
    }
    for (String line : lines("html40-start-close.txt")) {
      String[] f = line.split(" ");
      START_CLOSE.put(f[0], Set.of(Arrays.copyOfRange(f, 1, f.length)));
    }
  }

  /**
   * A thread's reused builders: the pending run of text, the output, and {@link #replacePair}'s.
   * Reused, they are neither allocated nor widened to UTF-16 again for every post.
   */
  private static final ThreadLocal<StringBuilder[]> BUILDERS =
      ThreadLocal.withInitial(
          () ->
              new StringBuilder[] {
                new StringBuilder(256), new StringBuilder(), new StringBuilder()
              });

  /** A reused builder larger than this many characters is let go after use. */
  private static final int KEEP_CHARS = 1 << 20;

  private HtmlText() {}

  /** The thread's builder {@code i}, empty; a fresh one if it has grown too large to keep. */
  private static StringBuilder builder(int i) {
    StringBuilder[] b = BUILDERS.get();
    if (b[i].capacity() > KEEP_CHARS) {
      b[i] = new StringBuilder();
    }
    b[i].setLength(0);
    return b[i];
  }

  /** RedPajama's {@code cleanhtml(html)}. */
  public static String clean(String html) {
    return text(replacePair(replacePair(html, "<li>", "</li>"), "<ol>", "</ol>"));
  }

  /**
   * {@code s.replace(open, "\n*").replace(close, "")} in one pass: neither replacement can make a
   * match of the other (they start {@code <l} and {@code </}, and {@code "\n*"} holds neither).
   */
  static String replacePair(String s, String open, String close) {
    int i = s.indexOf('<');
    if (i < 0 || (s.indexOf(open, i) < 0 && s.indexOf(close, i) < 0)) {
      return s;
    }
    StringBuilder b = builder(2);
    int from = 0;
    while (i >= 0) {
      if (s.startsWith(open, i)) {
        b.append(s, from, i).append("\n*");
        from = i + open.length();
      } else if (s.startsWith(close, i)) {
        b.append(s, from, i);
        from = i + close.length();
      }
      i = s.indexOf('<', Math.max(i + 1, from));
    }
    return b.append(s, from, s.length()).toString();
  }

  /** {@code BeautifulSoup(html, "lxml").get_text()}. */
  public static String text(String html) {
    // BeautifulSoup drops one leading byte-order mark before lxml sees the markup.
    String h = !html.isEmpty() && html.charAt(0) == '\uFEFF' ? html.substring(1) : html;
    return new Parser(h).run();
  }

  private static List<String> lines(String resource) {
    try (InputStream in = HtmlText.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      List<String> out = new ArrayList<>();
      for (String line :
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList()) {
        if (!line.isEmpty() && !line.startsWith("#")) {
          out.add(line);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isBlank(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  private static boolean isAsciiLetter(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** XML 1.0's Char production, as libxml2's IS_CHAR. */
  private static boolean isXmlChar(int c) {
    return c == 0x9
        || c == 0xA
        || c == 0xD
        || (c >= 0x20 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xFFFD)
        || (c >= 0x10000 && c <= 0x10FFFF);
  }

  private static int endPriority(String name) {
    return switch (name) {
      case "div" -> 150;
      case "td", "th" -> 160;
      case "tr" -> 170;
      case "thead", "tbody", "tfoot" -> 180;
      case "table" -> 190;
      case "head", "body" -> 200;
      case "html" -> 220;
      default -> 100;
    };
  }

  /** The parser's states, as libxml2's push parser names them. */
  private enum State {
    START,
    MISC,
    PROLOG,
    CONTENT,
    START_TAG,
    END_TAG,
    EPILOG,
    EOF
  }

  /** Signals libxml2's {@code goto done}: the current pass stops. */
  private static final class Done extends Exception {
    private static final long serialVersionUID = 1L;
    static final Done INSTANCE = new Done();

    private Done() {
      super(null, null, false, false);
    }
  }

  /**
   * One document: libxml2's push parser run as lxml runs it (a first pass that waits for more input
   * where a construct is incomplete, then a final pass), with BeautifulSoup's tree builder on its
   * events.
   */
  private static final class Parser {
    private final String s;
    private final int n;
    private int pos;
    private State state = State.START;
    private boolean terminate;

    /** libxml2's element stack; BeautifulSoup's follows it event for event. */
    private final ArrayList<String> names = new ArrayList<>();

    /** 3 once a head was pushed, 10 once a body was (libxml2's ctxt->html). */
    private int htmlLevel;

    /** Misplaced html, head or body tags that were discarded (libxml2's ctxt->depth). */
    private int discarded;

    /** Open pre/textarea elements: whitespace runs are kept as they are. */
    private int preserving;

    /** Open script/style/template elements: their strings are not text. */
    private int containers;

    private final StringBuilder run = builder(0);
    private final StringBuilder out = builder(1);

    /** Last '<' and '>' of the input: a plain lookup from pos succeeds iff pos is at or before. */
    private final int lastLt;

    private final int lastGt;

    Parser(String s) {
      this.s = s;
      this.n = s.length();
      this.lastLt = s.lastIndexOf('<');
      this.lastGt = s.lastIndexOf('>');
    }

    String run() {
      while (true) {
        try {
          parse();
          break;
        } catch (Done done) {
          if (terminate) {
            break;
          }
          terminate = true; // lxml's close(): the final pass resumes in the same state
        }
      }
      endData(); // BeautifulSoup's last endData, then it pops what is still open
      return out.toString();
    }

    /** The UTF-8 bytes left (libxml2 counts bytes), up to 16: only compared with small numbers. */
    private int avail() {
      if (n - pos >= 16) {
        return 16; // at least as many bytes as characters
      }
      int bytes = 0;
      for (int i = pos; i < n && bytes < 16; i++) {
        char c = s.charAt(i);
        bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
      }
      return bytes;
    }

    private int cur() {
      return pos < n ? s.charAt(pos) : 0;
    }

    private int at(int i) {
      return pos + i < n ? s.charAt(pos + i) : 0;
    }

    private int upper(int i) {
      int c = at(i);
      return c >= 'a' && c <= 'z' ? c - 32 : c;
    }

    private void skipBlanks() {
      while (pos < n && isBlank(s.charAt(pos))) {
        pos++;
      }
    }

    private boolean atDoctype() {
      return cur() == '<'
          && at(1) == '!'
          && upper(2) == 'D'
          && upper(3) == 'O'
          && upper(4) == 'C'
          && upper(5) == 'T'
          && upper(6) == 'Y'
          && upper(7) == 'P'
          && upper(8) == 'E';
    }

    private boolean atComment() {
      return cur() == '<' && at(1) == '!' && at(2) == '-' && at(3) == '-';
    }

    private void parse() throws Done {
      while (true) {
        int avail = avail();
        if (avail == 0) {
          if (terminate) {
            autoCloseOnEnd();
          }
          throw Done.INSTANCE;
        }
        switch (state) {
          case EOF -> throw Done.INSTANCE;
          case START -> {
            skipBlanks();
            if (atDoctype()) {
              lookupOrDone('>', true);
              parseDoctype();
              state = State.PROLOG;
            } else {
              state = State.MISC;
            }
          }
          case MISC -> {
            skipBlanks();
            avail = avail();
            if (avail < 1) {
              throw Done.INSTANCE;
            }
            if (avail < 2 && !terminate) {
              throw Done.INSTANCE;
            }
            if (atComment()) {
              commentEndOrDone();
              parseComment();
            } else if (cur() == '<' && at(1) == '?') {
              lookupOrDone('>', false);
              parsePi();
            } else if (atDoctype()) {
              lookupOrDone('>', true);
              parseDoctype();
              state = State.PROLOG;
            } else if (cur() == '<' && at(1) == '!' && avail < 9) {
              throw Done.INSTANCE;
            } else {
              state = State.CONTENT;
            }
          }
          case PROLOG -> {
            skipBlanks();
            avail = avail();
            if (avail < 2) {
              throw Done.INSTANCE;
            }
            if (atComment()) {
              commentEndOrDone();
              parseComment();
            } else if (cur() == '<' && at(1) == '?') {
              lookupOrDone('>', false);
              parsePi();
            } else if (cur() == '<' && at(1) == '!' && avail < 4) {
              throw Done.INSTANCE;
            } else {
              state = State.CONTENT;
            }
          }
          case EPILOG -> {
            if (isBlank(cur())) {
              charData();
              throw Done.INSTANCE;
            }
            if (avail < 2) {
              throw Done.INSTANCE;
            }
            if (atComment()) {
              commentEndOrDone();
              parseComment();
            } else if (cur() == '<' && at(1) == '?') {
              lookupOrDone('>', false);
              parsePi();
            } else if (cur() == '<' && at(1) == '!' && avail < 4) {
              throw Done.INSTANCE;
            } else {
              state = State.EOF;
              throw Done.INSTANCE;
            }
          }
          case START_TAG -> startTagState(avail);
          case CONTENT -> contentState(avail);
          case END_TAG -> {
            if (avail < 2) {
              throw Done.INSTANCE;
            }
            lookupOrDone('>', false);
            parseEndTag();
            state = names.isEmpty() ? State.EPILOG : State.CONTENT;
          }
        }
      }
    }

    private void startTagState(int avail) throws Done {
      if (avail < 2 && !terminate) {
        throw Done.INSTANCE;
      }
      if (cur() != '<') {
        state = State.CONTENT;
        return;
      }
      if (at(1) == '/') {
        state = State.END_TAG;
        return;
      }
      lookupOrDone('>', true);
      int failed = parseStartTag();
      String name = top();
      if (failed == -1 || name == null) {
        if (cur() == '>') {
          pos++;
        }
        return;
      }
      if (cur() == '/' && at(1) == '>') {
        pos += 2;
        endElement(name);
        pop();
        state = State.CONTENT;
        return;
      }
      if (cur() == '>') {
        pos++;
      } else {
        // No '>' before the end: libxml2 drops the element without an end event (nothing follows).
        if (name.equals(top())) {
          names.remove(names.size() - 1);
        }
        state = State.CONTENT;
        return;
      }
      if (EMPTY.contains(name)) {
        endElement(name);
        pop();
      }
      state = State.CONTENT;
    }

    private void contentState(int avail) throws Done {
      if (avail == 1 && terminate) {
        int c = cur();
        if (c != '<' && c != '&') {
          if (!isBlank(c)) {
            checkParagraph();
          }
          characters(String.valueOf((char) c));
          pos++;
          return;
        }
      }
      if (avail < 2) {
        throw Done.INSTANCE;
      }
      int c = cur();
      int next = at(1);
      String name = top();
      if ("script".equals(name) || "style".equals(name)) {
        if (!terminate) {
          int idx = lookup('<', '/', false);
          if (idx < 0 || pos + idx + 2 >= n) {
            throw Done.INSTANCE;
          }
        }
        parseScript();
        if (c == '<' && next == '/') {
          state = State.END_TAG;
        }
        return;
      }
      if (atDoctype()) {
        lookupOrDone('>', true);
        parseDoctype();
      } else if (atComment()) {
        commentEndOrDone();
        parseComment();
      } else if (c == '<' && next == '?') {
        lookupOrDone('>', false);
        parsePi();
      } else if (c == '<' && next == '!' && avail < 4) {
        throw Done.INSTANCE;
      } else if (c == '<' && next == '/') {
        state = State.END_TAG;
      } else if (c == '<' && isAsciiLetter(next)) {
        state = State.START_TAG;
      } else if (c == '<') {
        characters("<");
        pos++;
      } else {
        lookupOrDone('<', false);
        while (state != State.EOF && cur() != '<' && pos < n) {
          if (cur() == '&') {
            parseReference();
          } else {
            charData();
          }
        }
      }
    }

    // ------------------------------------------------------------------ lookups (first pass only)

    /** In the first pass, stops it unless {@code first} occurs from here on. */
    private void lookupOrDone(char first, boolean ignoreAttributeValues) throws Done {
      if (terminate) {
        return;
      }
      boolean found =
          ignoreAttributeValues
              ? lookup(first, (char) 0, true) >= 0
              : pos <= (first == '<' ? lastLt : first == '>' ? lastGt : -1)
                  || (first != '<' && first != '>' && lookup(first, (char) 0, false) >= 0);
      if (!found) {
        throw Done.INSTANCE;
      }
    }

    /** libxml2's htmlParseLookupSequence for one or two characters: the offset from pos, or -1. */
    private int lookup(char first, char next, boolean ignoreAttributeValues) {
      boolean inValue = false;
      char delimiter = 0;
      int len = next != 0 ? n - 1 : n;
      for (int i = pos; i < len; i++) {
        char c = s.charAt(i);
        if (ignoreAttributeValues) {
          if (c == '"' || c == '\'') {
            if (inValue) {
              if (c == delimiter) {
                inValue = false;
                continue;
              }
            } else {
              delimiter = c;
              inValue = true;
              continue;
            }
          } else if (inValue) {
            continue;
          }
        }
        if (c == first && (next == 0 || s.charAt(i + 1) == next)) {
          return i - pos;
        }
      }
      return -1;
    }

    private void commentEndOrDone() throws Done {
      if (terminate) {
        return;
      }
      for (int i = pos; i + 1 < n; i++) {
        if (s.charAt(i) == '-' && s.charAt(i + 1) == '-') {
          int c2 = i + 2 < n ? s.charAt(i + 2) : 0;
          int c3 = i + 3 < n ? s.charAt(i + 3) : 0;
          if (c2 == '>' || (c2 == '!' && c3 == '>')) {
            return;
          }
        }
      }
      throw Done.INSTANCE;
    }

    // ------------------------------------------------------------------ constructs

    private void charData() {
      int start = pos;
      StringBuilder chunk = null;
      while (pos < n) {
        char c = s.charAt(pos);
        if (c == '<' || c == '&' || c == 0) {
          break;
        }
        if ((c >= 0x20 && c < 0xD800) || c == '\n' || c == '\t' || c == '\r') {
          pos++;
          continue;
        }
        int cp = Character.codePointAt(s, pos);
        if (!isXmlChar(cp)) {
          // libxml2 drops a character that XML does not allow and goes on.
          if (chunk == null) {
            chunk = new StringBuilder();
          }
          chunk.append(s, start, pos);
          pos += Character.charCount(cp);
          start = pos;
          continue;
        }
        pos += Character.charCount(cp);
      }
      if (chunk == null) {
        // The common case: the text is a range of the input, appended without a copy of its own.
        if (start == pos) {
          if (pos >= n) {
            state = State.EOF;
          }
          return;
        }
        if (!areBlanks(s, start, pos)) {
          checkParagraph();
        }
        run.append(s, start, pos);
        return;
      }
      String text = chunk.append(s, start, pos).toString();
      if (text.isEmpty()) {
        if (pos >= n) {
          state = State.EOF;
        }
        return;
      }
      if (!areBlanks(text, 0, text.length())) {
        checkParagraph();
      }
      characters(text);
    }

    /** libxml2's areBlanks when no tree is built (lxml's target parser): ctxt->node is null. */
    private boolean areBlanks(String text, int from, int to) {
      for (int i = from; i < to; i++) {
        if (!isBlank(text.charAt(i))) {
          return false;
        }
      }
      if (pos >= n) {
        return true;
      }
      if (cur() != '<') {
        return false;
      }
      String name = top();
      return name == null || name.equals("html") || name.equals("head");
    }

    private void parseReference() {
      if (at(1) == '#') {
        int c = parseCharRef();
        if (c == 0) {
          return;
        }
        checkParagraph();
        characters(new String(Character.toChars(c)));
        return;
      }
      pos++; // '&'
      int nameStart = pos;
      int nameEnd = asciiNameEnd(pos);
      if (nameEnd < 0) {
        // Not an ASCII name followed by an ASCII character: libxml2 reads a longer name or none,
        // and either way what follows is its literal text.
        checkParagraph();
        characters("&");
        return;
      }
      String name = s.substring(nameStart, nameEnd);
      pos = nameEnd;
      Integer value = cur() == ';' ? ENTITIES.get(name) : null;
      checkParagraph();
      if (value == null) {
        characters("&");
        characters(name);
      } else {
        pos++; // ';'
        characters(new String(Character.toChars(value)));
      }
    }

    /**
     * The end of the ASCII name starting at {@code i} ({@code [A-Za-z_:][A-Za-z0-9_:.-]*}) when an
     * ASCII character follows it, else -1 (no name, a non-ASCII character, or the end of input).
     */
    private int asciiNameEnd(int i) {
      if (i >= n) {
        return -1;
      }
      char c = s.charAt(i);
      if (!(isAsciiLetter(c) || c == '_' || c == ':')) {
        return -1;
      }
      int j = i + 1;
      while (j < n) {
        c = s.charAt(j);
        if (isAsciiLetter(c)
            || (c >= '0' && c <= '9')
            || c == '_'
            || c == '-'
            || c == ':'
            || c == '.') {
          j++;
        } else {
          break;
        }
      }
      if (j >= n || s.charAt(j) >= 0x80) {
        return -1;
      }
      return j;
    }

    /** {@code &#N;} or {@code &#xH;}, the ';' optional; 0 for a value that is not an XML char. */
    private int parseCharRef() {
      int val = 0;
      if (at(2) == 'x' || at(2) == 'X') {
        pos += 3;
        while (cur() != ';') {
          int c = cur();
          int d;
          if (c >= '0' && c <= '9') {
            d = c - '0';
          } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
          } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
          } else {
            break;
          }
          if (val < 0x110000) {
            val = val * 16 + d;
          }
          pos++;
        }
      } else {
        pos += 2;
        while (cur() != ';') {
          int c = cur();
          if (c < '0' || c > '9') {
            break;
          }
          if (val < 0x110000) {
            val = val * 10 + (c - '0');
          }
          pos++;
        }
      }
      if (cur() == ';') {
        pos++;
      }
      return isXmlChar(val) ? val : 0;
    }

    /** htmlParseHTMLName: lower-cased, at most 100 characters; null if none starts here. */
    private String htmlName() {
      int c = cur();
      if (!isAsciiLetter(c) && c != '_' && c != ':' && c != '.') {
        return null;
      }
      StringBuilder b = new StringBuilder();
      while (b.length() < 100) {
        c = cur();
        if (isAsciiLetter(c)
            || (c >= '0' && c <= '9')
            || c == ':'
            || c == '-'
            || c == '_'
            || c == '.') {
          b.append((char) (c >= 'A' && c <= 'Z' ? c + 32 : c));
          pos++;
        } else {
          break;
        }
      }
      return b.toString();
    }

    /** Returns -1 (no name), 1 (a discarded misplaced tag) or 0. */
    private int parseStartTag() {
      pos++; // '<'
      String name = htmlName();
      if (name == null) {
        while (cur() != 0 && cur() != '>') {
          pos++;
        }
        return -1;
      }
      autoClose(name);
      checkImplied(name);
      boolean discard = false;
      if (!names.isEmpty() && name.equals("html")) {
        discard = true;
        discarded++;
      }
      if (names.size() != 1 && name.equals("head")) {
        discard = true;
        discarded++;
      }
      if (name.equals("body")) {
        for (String open : names) {
          if (open.equals("body")) {
            discard = true;
            discarded++;
          }
        }
      }
      skipBlanks();
      while (cur() != 0 && cur() != '>' && !(cur() == '/' && at(1) == '>')) {
        String attribute = htmlName();
        if (attribute != null) {
          skipBlanks();
          if (cur() == '=') {
            pos++;
            skipBlanks();
            skipAttributeValue();
          }
        } else {
          while (cur() != 0 && !isBlank(cur()) && cur() != '>' && !(cur() == '/' && at(1) == '>')) {
            pos++;
          }
        }
        skipBlanks();
      }
      if (!discard) {
        push(name);
      }
      return discard ? 1 : 0;
    }

    private void skipAttributeValue() {
      int c = cur();
      if (c == '"' || c == '\'') {
        pos++;
        while (cur() != 0 && cur() != c) {
          pos++;
        }
        if (cur() == c) {
          pos++;
        }
      } else {
        while (cur() != 0 && !isBlank(cur()) && cur() != '>') {
          pos++;
        }
      }
    }

    private void parseEndTag() {
      pos += 2; // "</"
      String name = htmlName();
      if (name == null) {
        return;
      }
      skipBlanks();
      if (cur() != '>') {
        while (cur() != 0 && cur() != '>') {
          pos++;
        }
      }
      if (cur() == '>') {
        pos++;
      }
      if (discarded > 0 && (name.equals("html") || name.equals("body") || name.equals("head"))) {
        discarded--;
        return;
      }
      if (!names.contains(name)) {
        return;
      }
      autoCloseOnClose(name);
      if (name.equals(top())) {
        endElement(name);
        pop();
      }
    }

    /** Raw text of script/style up to "</" and the element's name (any case). */
    private void parseScript() {
      String name = top();
      int start = pos;
      while (pos < n) {
        char c = s.charAt(pos);
        if (c == 0) {
          break;
        }
        if (c == '<' && at(1) == '/' && s.regionMatches(true, pos + 2, name, 0, name.length())) {
          break;
        }
        pos++;
      }
      if (pos > start) {
        characters(s.substring(start, pos));
      }
    }

    private void parseComment() {
      pos += 4; // "<!--"
      if (pos + 2 > n) {
        pos = n; // not terminated: everything to the end is the comment, and no event
        return;
      }
      int q = s.charAt(pos);
      int r = s.charAt(pos + 1);
      pos += 2;
      int c = cur();
      while (c != 0 && (c != '>' || r != '-' || q != '-')) {
        pos++;
        int next = cur();
        if (q == '-' && r == '-' && c == '!' && next == '>') {
          c = '>';
          break;
        }
        q = r;
        r = c;
        c = next;
      }
      if (c == '>') {
        pos++;
        endData(); // a comment event: BeautifulSoup ends the text run and keeps the comment apart
      }
    }

    private void parsePi() {
      pos += 2; // "<?"
      if (!piTargetFollows()) {
        return; // "PI is not started correctly": the rest is content
      }
      while (cur() != 0 && cur() != '>') {
        pos++;
      }
      if (cur() == '>') {
        pos++;
        endData();
      }
    }

    /** Whether htmlParseName finds a name here (none when an ASCII name runs to the end). */
    private boolean piTargetFollows() {
      if (pos >= n) {
        return false;
      }
      char c = s.charAt(pos);
      if (isAsciiLetter(c) || c == '_' || c == ':') {
        int j = pos + 1;
        while (j < n
            && (isAsciiLetter(s.charAt(j))
                || (s.charAt(j) >= '0' && s.charAt(j) <= '9')
                || "_-:.".indexOf(s.charAt(j)) >= 0)) {
          j++;
        }
        return j < n;
      }
      return c >= 0x80 && Character.isLetter(s.codePointAt(pos));
    }

    private void parseDoctype() {
      pos += 9;
      while (cur() != 0 && cur() != '>') {
        pos++;
      }
      if (cur() == '>') {
        pos++;
      }
      endData();
    }

    // ------------------------------------------------------------------ element stack

    private String top() {
      return names.isEmpty() ? null : names.get(names.size() - 1);
    }

    private void push(String name) {
      if (htmlLevel < 3 && name.equals("head")) {
        htmlLevel = 3;
      }
      if (htmlLevel < 10 && name.equals("body")) {
        htmlLevel = 10;
      }
      endData(); // BeautifulSoup's handle_starttag
      names.add(name);
      if (name.equals("pre") || name.equals("textarea")) {
        preserving++;
      }
      if (name.equals("script") || name.equals("style") || name.equals("template")) {
        containers++;
      }
    }

    /** An end event: lxml's end() and BeautifulSoup's handle_endtag end the text run. */
    private void endElement(String name) {
      endData();
    }

    private void pop() {
      String name = names.remove(names.size() - 1);
      if (name.equals("pre") || name.equals("textarea")) {
        preserving--;
      }
      if (name.equals("script") || name.equals("style") || name.equals("template")) {
        containers--;
      }
    }

    private void autoClose(String newTag) {
      while (top() != null && START_CLOSE.getOrDefault(top(), Set.of()).contains(newTag)) {
        endElement(top());
        pop();
      }
    }

    private void autoCloseOnClose(String newTag) {
      int priority = endPriority(newTag);
      int i;
      for (i = names.size() - 1; i >= 0; i--) {
        if (names.get(i).equals(newTag)) {
          break;
        }
        if (endPriority(names.get(i)) > priority) {
          return;
        }
      }
      if (i < 0) {
        return;
      }
      while (!newTag.equals(top())) {
        endElement(top());
        pop();
      }
    }

    private void autoCloseOnEnd() {
      while (!names.isEmpty()) {
        endElement(top());
        pop();
      }
    }

    private void checkImplied(String newTag) {
      if (newTag.equals("html")) {
        return;
      }
      if (names.isEmpty()) {
        push("html");
      }
      if (newTag.equals("body") || newTag.equals("head")) {
        return;
      }
      if (names.size() <= 1
          && (newTag.equals("script")
              || newTag.equals("style")
              || newTag.equals("meta")
              || newTag.equals("link")
              || newTag.equals("title")
              || newTag.equals("base"))) {
        if (htmlLevel >= 3) {
          return;
        }
        push("head");
      } else if (!newTag.equals("noframes")
          && !newTag.equals("frame")
          && !newTag.equals("frameset")) {
        if (htmlLevel >= 10) {
          return;
        }
        for (String open : names) {
          if (open.equals("body") || open.equals("head")) {
            return;
          }
        }
        push("body");
      }
    }

    /** Text where no element, or only html or head, is open implies a p (and html, body). */
    private void checkParagraph() {
      String tag = top();
      if (tag == null || tag.equals("html") || tag.equals("head")) {
        autoClose("p");
        checkImplied("p");
        push("p");
      }
    }

    // ------------------------------------------------------------------ BeautifulSoup's side

    private void characters(String text) {
      run.append(text);
    }

    /**
     * BeautifulSoup's endData: a run that is only ASCII whitespace becomes one newline or space
     * unless a pre or textarea is open; strings inside script, style or template are not text.
     */
    private void endData() {
      if (run.length() == 0) {
        return;
      }
      if (containers == 0) {
        if (preserving == 0 && onlyAsciiSpaces(run)) {
          out.append(run.indexOf("\n") >= 0 ? '\n' : ' ');
        } else {
          out.append(run);
        }
      }
      run.setLength(0);
    }

    private static boolean onlyAsciiSpaces(CharSequence text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c != ' ' && c != '\n' && c != '\t' && c != '\f' && c != '\r') {
          return false;
        }
      }
      return true;
    }
  }
}
