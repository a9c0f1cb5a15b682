package dev.corral.curation.sources.wikipedia;

import dev.corral.core.text.PythonStr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses wikitext into {@link WikiNode}s the way mwparserfromhell 0.6.4's C tokenizer does, because
 * the Hugging Face {@code wikipedia} builder's text is whatever that tokenizer makes of a page,
 * broken markup included. It is a backtracking tokenizer: each construct ({@code {{...}}}, {@code
 * [[...]]}, tags, headings, bold, tables...) is tried on its own stack of tokens with context flags
 * saying what may end or break it; a construct that cannot be completed fails its route, its text
 * is written literally, and the failure is remembered (by position and context) so it is never
 * tried twice. Tokens are then built into nodes.
 *
 * <p>Not thread-safe; one parser per thread (it keeps no state between {@link #parse} calls).
 */
final class WikitextParser {
  // Context flags of a stack (what is being parsed there), as the reference numbers them.
  static final long TEMPLATE_NAME = 1L;
  static final long TEMPLATE_PARAM_KEY = 1L << 1;
  static final long TEMPLATE_PARAM_VALUE = 1L << 2;
  static final long TEMPLATE = TEMPLATE_NAME | TEMPLATE_PARAM_KEY | TEMPLATE_PARAM_VALUE;
  static final long ARGUMENT_NAME = 1L << 3;
  static final long ARGUMENT_DEFAULT = 1L << 4;
  static final long ARGUMENT = ARGUMENT_NAME | ARGUMENT_DEFAULT;
  static final long WIKILINK_TITLE = 1L << 5;
  static final long WIKILINK_TEXT = 1L << 6;
  static final long WIKILINK = WIKILINK_TITLE | WIKILINK_TEXT;
  static final long EXT_LINK_URI = 1L << 7;
  static final long EXT_LINK_TITLE = 1L << 8;
  static final long EXT_LINK = EXT_LINK_URI | EXT_LINK_TITLE;
  static final long HEADING_LEVEL_1 = 1L << 9;
  static final long HEADING = 0x7EL << 8;
  static final long TAG_OPEN = 1L << 15;
  static final long TAG_ATTR = 1L << 16;
  static final long TAG_BODY = 1L << 17;
  static final long TAG_CLOSE = 1L << 18;
  static final long TAG = TAG_OPEN | TAG_ATTR | TAG_BODY | TAG_CLOSE;
  static final long STYLE_ITALICS = 1L << 19;
  static final long STYLE_BOLD = 1L << 20;
  static final long STYLE_PASS_AGAIN = 1L << 21;
  static final long STYLE_SECOND_PASS = 1L << 22;
  static final long STYLE = STYLE_ITALICS | STYLE_BOLD | STYLE_PASS_AGAIN | STYLE_SECOND_PASS;
  static final long DL_TERM = 1L << 23;
  static final long HAS_TEXT = 1L << 24;
  static final long FAIL_ON_TEXT = 1L << 25;
  static final long FAIL_NEXT = 1L << 26;
  static final long FAIL_ON_LBRACE = 1L << 27;
  static final long FAIL_ON_RBRACE = 1L << 28;
  static final long FAIL_ON_EQUALS = 1L << 29;
  static final long HAS_TEMPLATE = 1L << 30;
  static final long TABLE_OPEN = 1L << 31;
  static final long TABLE_CELL_OPEN = 1L << 32;
  static final long TABLE_CELL_STYLE = 1L << 33;
  static final long TABLE_ROW_OPEN = 1L << 34;
  static final long TABLE_TD_LINE = 1L << 35;
  static final long TABLE_TH_LINE = 1L << 36;
  static final long TABLE_CELL_LINE_CONTEXTS = TABLE_TD_LINE | TABLE_TH_LINE | TABLE_CELL_STYLE;
  static final long HTML_ENTITY = 1L << 37;

  static final long FAIL =
      TEMPLATE | ARGUMENT | WIKILINK | EXT_LINK_TITLE | HEADING | TAG | STYLE | TABLE_OPEN;
  static final long UNSAFE =
      TEMPLATE_NAME | WIKILINK_TITLE | EXT_LINK_TITLE | TEMPLATE_PARAM_KEY | ARGUMENT_NAME;
  static final long DOUBLE = TEMPLATE_PARAM_KEY | TAG_CLOSE | TABLE_ROW_OPEN;
  static final long NO_WIKILINKS = TEMPLATE_NAME | ARGUMENT_NAME | WIKILINK_TITLE | EXT_LINK_URI;
  static final long NO_EXT_LINKS = TEMPLATE_NAME | ARGUMENT_NAME | WIKILINK_TITLE | EXT_LINK;

  /** Nesting of stacks beyond which constructs are written as text (the reference's MAX_DEPTH). */
  static final int MAX_DEPTH = 40;

  private static final int MAX_BRACES = 255;
  private static final int MAX_ENTITY_SIZE = 8;
  private static final char END = '\0';
  private static final String MARKERS = "{}[]<>|=&'#*;:/-!\n\0";
  private static final String URI_SCHEME_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-";
  private static final Set<String> URI_SCHEMES =
      Set.of(
          "bitcoin",
          "ftp",
          "ftps",
          "geo",
          "git",
          "gopher",
          "http",
          "https",
          "irc",
          "ircs",
          "magnet",
          "mailto",
          "mms",
          "news",
          "nntp",
          "redis",
          "sftp",
          "sip",
          "sips",
          "sms",
          "ssh",
          "svn",
          "tel",
          "telnet",
          "urn",
          "worldwind",
          "xmpp");
  private static final Set<String> URI_SCHEMES_WITHOUT_SLASHES =
      Set.of(
          "bitcoin", "geo", "magnet", "mailto", "news", "sip", "sips", "sms", "tel", "urn", "xmpp");
  private static final Set<String> NOT_PARSED =
      Set.of(
          "categorytree",
          "ce",
          "chem",
          "gallery",
          "graph",
          "hiero",
          "imagemap",
          "inputbox",
          "math",
          "nowiki",
          "pre",
          "score",
          "section",
          "source",
          "syntaxhighlight",
          "templatedata",
          "timeline");
  private static final Set<String> SINGLE_ONLY = Set.of("br", "wbr", "hr", "meta", "link", "img");
  private static final Set<String> SINGLE =
      Set.of("br", "wbr", "hr", "meta", "link", "img", "li", "dt", "dd", "th", "td", "tr");

  // ------------------------------------------------------------------ tokens

  static final int T_TEXT = 0;
  static final int T_TEMPLATE_OPEN = 1;
  static final int T_TEMPLATE_PARAM_SEPARATOR = 2;
  static final int T_TEMPLATE_PARAM_EQUALS = 3;
  static final int T_TEMPLATE_CLOSE = 4;
  static final int T_ARGUMENT_OPEN = 5;
  static final int T_ARGUMENT_SEPARATOR = 6;
  static final int T_ARGUMENT_CLOSE = 7;
  static final int T_WIKILINK_OPEN = 8;
  static final int T_WIKILINK_SEPARATOR = 9;
  static final int T_WIKILINK_CLOSE = 10;
  static final int T_EXT_LINK_OPEN = 11;
  static final int T_EXT_LINK_SEPARATOR = 12;
  static final int T_EXT_LINK_CLOSE = 13;
  static final int T_COMMENT_START = 14;
  static final int T_COMMENT_END = 15;
  static final int T_HEADING_START = 16;
  static final int T_HEADING_END = 17;
  static final int T_ENTITY_START = 18;
  static final int T_ENTITY_NUMERIC = 19;
  static final int T_ENTITY_HEX = 20;
  static final int T_ENTITY_END = 21;
  static final int T_TAG_OPEN_OPEN = 22;
  static final int T_TAG_ATTR_START = 23;
  static final int T_TAG_ATTR_EQUALS = 24;
  static final int T_TAG_ATTR_QUOTE = 25;
  static final int T_TAG_CLOSE_OPEN = 26;
  static final int T_TAG_CLOSE_SELFCLOSE = 27;
  static final int T_TAG_OPEN_CLOSE = 28;
  static final int T_TAG_CLOSE_CLOSE = 29;

  /** A token: its kind, text (TEXT), a number (heading level, positions) and a flag. */
  static final class Tok {
    final int kind;
    String text;
    int number;
    boolean flag;

    Tok(int kind) {
      this.kind = kind;
    }

    static Tok text(String text) {
      Tok t = new Tok(T_TEXT);
      t.text = text;
      return t;
    }
  }

  /** A stack: the tokens of one construct being parsed, its context, its pending text. */
  private static final class Frame {
    final ArrayList<Tok> tokens = new ArrayList<>();
    long context;
    final StringBuilder text = new StringBuilder();
    final int identHead;
    final long identContext;
    final Frame below;

    Frame(long context, int head, Frame below) {
      this.context = context;
      this.identHead = head;
      this.identContext = context;
      this.below = below;
    }
  }

  /**
   * A failed route; thrown without a trace, the failed stack's context in {@link #routeContext}.
   */
  private static final class BadRoute extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRoute() {
      super(null, null, false, false);
    }
  }

  private static final BadRoute BAD_ROUTE = new BadRoute();

  private String text;
  private int length;
  private int head;
  private boolean inHeading;
  private int depth;
  private Frame top;
  private long routeContext;
  private int headingLevel;
  private final RouteSet badRoutes = new RouteSet();

  /** Parses {@code wikitext} into its top-level nodes. */
  List<WikiNode> parse(String wikitext) {
    text = wikitext;
    length = wikitext.length();
    head = 0;
    inHeading = false;
    depth = 0;
    top = null;
    badRoutes.clear();
    try {
      return new Builder(parse(0, true), wikitext).build();
    } catch (BadRoute e) {
      // The reference raises a ParserError here; no input reaches it (the top stack cannot fail).
      throw new IllegalStateException("wikitext tokenizer exited with a failed route", e);
    } finally {
      text = null;
      top = null;
    }
  }

  // ------------------------------------------------------------------ reading and stacks

  private char at(int index) {
    return index < 0 || index >= length ? END : text.charAt(index);
  }

  private char read(int delta) {
    return at(head + delta);
  }

  private char readBack(int delta) {
    return delta > head ? END : text.charAt(head - delta);
  }

  private static boolean isMarker(char c) {
    return MARKERS.indexOf(c) >= 0;
  }

  private boolean canRecurse() {
    return depth < MAX_DEPTH;
  }

  private void push(long context) {
    top = new Frame(context, head, top);
    depth++;
  }

  private void checkRoute(long context) {
    if (badRoutes.contains(head, context)) {
      routeContext = context;
      throw BAD_ROUTE;
    }
  }

  private void pushTextBuffer() {
    if (top.text.length() > 0) {
      top.tokens.add(Tok.text(top.text.toString()));
      top.text.setLength(0);
    }
  }

  private ArrayList<Tok> pop() {
    pushTextBuffer();
    ArrayList<Tok> tokens = top.tokens;
    top = top.below;
    depth--;
    return tokens;
  }

  private ArrayList<Tok> popKeepingContext() {
    pushTextBuffer();
    ArrayList<Tok> tokens = top.tokens;
    long context = top.context;
    top = top.below;
    depth--;
    top.context = context;
    return tokens;
  }

  private void memoizeBadRoute() {
    badRoutes.add(top.identHead, top.identContext);
  }

  private RuntimeException failRoute() {
    long context = top.context;
    memoizeBadRoute();
    pop();
    routeContext = context;
    return BAD_ROUTE;
  }

  private void emit(Tok token) {
    pushTextBuffer();
    top.tokens.add(token);
  }

  private void emit(int kind) {
    emit(new Tok(kind));
  }

  private void emitFirst(Tok token) {
    pushTextBuffer();
    top.tokens.add(0, token);
  }

  private void emitChar(char c) {
    top.text.append(c);
  }

  private void emitText(String s) {
    top.text.append(s);
  }

  private void emitAll(List<Tok> tokens) {
    if (!tokens.isEmpty() && tokens.get(0).kind == T_TEXT) {
      Tok first = tokens.get(0);
      if (top.text.length() > 0) {
        first.text = top.text + first.text;
        top.text.setLength(0);
      }
    } else {
      pushTextBuffer();
    }
    top.tokens.addAll(tokens);
  }

  private void emitTextThenStack(String s) {
    ArrayList<Tok> stack = pop();
    emitText(s);
    if (!stack.isEmpty()) {
      emitAll(stack);
    }
    head--;
  }

  // ------------------------------------------------------------------ templates and arguments

  private boolean parseTemplate(boolean hasContent) {
    int reset = head;
    long context = TEMPLATE_NAME | (hasContent ? HAS_TEMPLATE : 0);
    ArrayList<Tok> template;
    try {
      template = parse(context, true);
    } catch (BadRoute e) {
      head = reset;
      return false;
    }
    emitFirst(new Tok(T_TEMPLATE_OPEN));
    emitAll(template);
    emit(T_TEMPLATE_CLOSE);
    return true;
  }

  private boolean parseArgument() {
    int reset = head;
    ArrayList<Tok> argument;
    try {
      argument = parse(ARGUMENT_NAME, true);
    } catch (BadRoute e) {
      head = reset;
      return false;
    }
    emitFirst(new Tok(T_ARGUMENT_OPEN));
    emitAll(argument);
    emit(T_ARGUMENT_CLOSE);
    return true;
  }

  private void parseTemplateOrArgument() {
    int braces = 2;
    boolean hasContent = false;
    head += 2;
    while (read(0) == '{' && braces < MAX_BRACES) {
      head++;
      braces++;
    }
    push(0);
    while (braces > 0) {
      if (braces == 1) {
        emitTextThenStack("{");
        return;
      }
      if (braces == 2) {
        if (!parseTemplate(hasContent)) {
          emitTextThenStack("{{");
          return;
        }
        break;
      }
      if (parseArgument()) {
        braces -= 3;
      } else if (parseTemplate(hasContent)) {
        braces -= 2;
      } else {
        emitTextThenStack("{".repeat(braces));
        return;
      }
      if (braces > 0) {
        hasContent = true;
        head++;
      }
    }
    emitAll(pop());
    if ((top.context & FAIL_NEXT) != 0) {
      top.context ^= FAIL_NEXT;
    }
  }

  private void handleTemplateParam() {
    if ((top.context & TEMPLATE_NAME) != 0) {
      if ((top.context & (HAS_TEXT | HAS_TEMPLATE)) == 0) {
        throw failRoute();
      }
      top.context ^= TEMPLATE_NAME;
    } else if ((top.context & TEMPLATE_PARAM_VALUE) != 0) {
      top.context ^= TEMPLATE_PARAM_VALUE;
    }
    if ((top.context & TEMPLATE_PARAM_KEY) != 0) {
      emitAll(pop());
    } else {
      top.context |= TEMPLATE_PARAM_KEY;
    }
    emit(T_TEMPLATE_PARAM_SEPARATOR);
    push(top.context);
  }

  private void handleTemplateParamValue() {
    emitAll(pop());
    top.context ^= TEMPLATE_PARAM_KEY;
    top.context |= TEMPLATE_PARAM_VALUE;
    emit(T_TEMPLATE_PARAM_EQUALS);
  }

  private ArrayList<Tok> handleTemplateEnd() {
    if ((top.context & TEMPLATE_NAME) != 0) {
      if ((top.context & (HAS_TEXT | HAS_TEMPLATE)) == 0) {
        throw failRoute();
      }
    } else if ((top.context & TEMPLATE_PARAM_KEY) != 0) {
      emitAll(pop());
    }
    head++;
    return pop();
  }

  private void handleArgumentSeparator() {
    top.context ^= ARGUMENT_NAME;
    top.context |= ARGUMENT_DEFAULT;
    emit(T_ARGUMENT_SEPARATOR);
  }

  private ArrayList<Tok> handleArgumentEnd() {
    ArrayList<Tok> stack = pop();
    head += 2;
    return stack;
  }

  // ------------------------------------------------------------------ wikilinks

  private void parseWikilink() {
    int reset = head + 1;
    head += 2;
    ArrayList<Tok> extlink = null;
    try {
      // What looks like an external link in double brackets is parsed as one.
      if (!bracketedSchemeAhead()) {
        throw BAD_ROUTE;
      }
      extlink = reallyParseExternalLink(true, null);
    } catch (BadRoute e) {
      head = reset + 1;
      ArrayList<Tok> wikilink;
      try {
        wikilink = parse(WIKILINK_TITLE, true);
      } catch (BadRoute e2) {
        head = reset;
        emitText("[[");
        return;
      }
      Tok open = new Tok(T_WIKILINK_OPEN);
      open.number = reset + 1;
      emit(open);
      emitAll(wikilink);
      Tok close = new Tok(T_WIKILINK_CLOSE);
      close.number = head - 1;
      emit(close);
      return;
    }
    if ((top.context & EXT_LINK_TITLE) != 0) {
      // An external link that looks like a wikilink inside an external link is text.
      head = reset;
      emitText("[[");
      return;
    }
    emitText("[");
    Tok open = new Tok(T_EXT_LINK_OPEN);
    open.flag = true;
    emit(open);
    emitAll(extlink);
    emit(T_EXT_LINK_CLOSE);
  }

  private void handleWikilinkSeparator() {
    top.context ^= WIKILINK_TITLE;
    top.context |= WIKILINK_TEXT;
    Tok separator = new Tok(T_WIKILINK_SEPARATOR);
    separator.number = head;
    emit(separator);
  }

  private ArrayList<Tok> handleWikilinkEnd() {
    ArrayList<Tok> stack = pop();
    head += 1;
    return stack;
  }

  // ------------------------------------------------------------------ external links

  private static boolean isScheme(String scheme, boolean slashes) {
    String lower = scheme.toLowerCase(Locale.ROOT);
    return slashes ? URI_SCHEMES.contains(lower) : URI_SCHEMES_WITHOUT_SLASHES.contains(lower);
  }

  /**
   * Whether a bracketed link's URI scheme can be read at the head ({@code //} or a known scheme and
   * its colon). When not, the attempt would fail at once: checking first saves throwing for every
   * wikilink, which is tried as an external link first; the outcome is the same.
   */
  private boolean bracketedSchemeAhead() {
    if (read(0) == '/' && read(1) == '/') {
      return true;
    }
    int i = head;
    char c;
    while ((c = at(i)) != END && URI_SCHEME_CHARS.indexOf(c) >= 0) {
      i++;
    }
    return at(i) == ':' && isScheme(text.substring(head, i), at(i + 1) == '/' && at(i + 2) == '/');
  }

  private void parseBracketedUriScheme() {
    checkRoute(EXT_LINK_URI);
    push(EXT_LINK_URI);
    if (read(0) == '/' && read(1) == '/') {
      emitText("//");
      head += 2;
      return;
    }
    StringBuilder scheme = new StringBuilder();
    char c;
    while ((c = read(0)) != END && URI_SCHEME_CHARS.indexOf(c) >= 0) {
      scheme.append(c);
      emitChar(c);
      head++;
    }
    if (c != ':') {
      throw failRoute();
    }
    emitChar(':');
    head++;
    boolean slashes = read(0) == '/' && read(1) == '/';
    if (slashes) {
      emitText("//");
      head += 2;
    }
    if (!isScheme(scheme.toString(), slashes)) {
      throw failRoute();
    }
  }

  private void parseFreeUriScheme() {
    // The scheme was written as text already: take it back from the pending text.
    StringBuilder pending = top.text;
    int i = pending.length() - 1;
    while (i >= 0) {
      char c = pending.charAt(i);
      if (!Character.isLetterOrDigit(c) && c != '_') {
        break;
      }
      if (URI_SCHEME_CHARS.indexOf(c) < 0) {
        routeContext = 0;
        throw BAD_ROUTE;
      }
      i--;
    }
    String scheme = pending.substring(i + 1);
    boolean slashes = read(0) == '/' && read(1) == '/';
    if (!isScheme(scheme, slashes)) {
      routeContext = 0;
      throw BAD_ROUTE;
    }
    long context = top.context | EXT_LINK_URI;
    checkRoute(context);
    push(context);
    emitText(scheme);
    emitChar(':');
    if (slashes) {
      emitText("//");
      head += 2;
    }
  }

  /** Free links leave trailing punctuation out of the URL; {@code parens[0]}: a '(' was seen. */
  private void handleFreeLinkText(boolean[] parens, StringBuilder tail, char c) {
    if (c == '(' && !parens[0]) {
      parens[0] = true;
      flushTail(tail);
    } else if (c == ','
        || c == ';'
        || c == '\\'
        || c == '.'
        || c == ':'
        || c == '!'
        || c == '?'
        || (!parens[0] && c == ')')) {
      tail.append(c);
      return;
    } else {
      flushTail(tail);
    }
    emitChar(c);
  }

  private void flushTail(StringBuilder tail) {
    if (tail != null && tail.length() > 0) {
      top.text.append(tail);
      tail.setLength(0);
    }
  }

  private boolean isUriEnd(char c, char next) {
    char after = read(2);
    long ctx = top.context;
    return c == END
        || c == '\n'
        || c == '['
        || c == ']'
        || c == '<'
        || c == '>'
        || c == '"'
        || c == ' '
        || (c == '\'' && next == '\'')
        || (c == '|' && (ctx & TEMPLATE) != 0)
        || (c == '=' && (ctx & (TEMPLATE_PARAM_KEY | HEADING)) != 0)
        || (c == '}'
            && next == '}'
            && ((ctx & TEMPLATE) != 0 || (after == '}' && (ctx & ARGUMENT) != 0)));
  }

  private ArrayList<Tok> reallyParseExternalLink(boolean brackets, StringBuilder extra) {
    boolean[] parens = {false};
    if (brackets) {
      parseBracketedUriScheme();
    } else {
      parseFreeUriScheme();
    }
    char c = read(0);
    if (c == END || c == '\n' || c == ' ' || c == ']') {
      throw failRoute();
    }
    if (!brackets && c == '[') {
      throw failRoute();
    }
    while (true) {
      c = read(0);
      char next = read(1);
      if (c == '&') {
        flushTail(extra);
        parseEntity();
      } else if (c == '<' && next == '!' && read(2) == '-' && read(3) == '-') {
        flushTail(extra);
        parseComment();
      } else if (c == '{' && next == '{' && canRecurse()) {
        flushTail(extra);
        parseTemplateOrArgument();
      } else if (brackets) {
        if (c == END || c == '\n') {
          throw failRoute();
        }
        if (c == ']') {
          return pop();
        }
        if (isUriEnd(c, next)) {
          emit(T_EXT_LINK_SEPARATOR);
          if (c == ' ') {
            head++;
          }
          top.context ^= EXT_LINK_URI;
          top.context |= EXT_LINK_TITLE;
          return parse(0, false);
        }
        emitChar(c);
      } else {
        if (isUriEnd(c, next)) {
          if (c == ' ') {
            extra.append(c);
          } else {
            head--;
          }
          return pop();
        }
        handleFreeLinkText(parens, extra, c);
      }
      head++;
    }
  }

  private void parseExternalLink(boolean brackets) {
    int reset = head;
    if ((top.context & NO_EXT_LINKS) != 0 || !canRecurse()) {
      notALink(brackets);
      return;
    }
    StringBuilder extra = new StringBuilder();
    head++;
    if (brackets && !bracketedSchemeAhead()) {
      head = reset;
      notALink(brackets);
      return;
    }
    ArrayList<Tok> link;
    try {
      link = reallyParseExternalLink(brackets, extra);
    } catch (BadRoute e) {
      head = reset;
      notALink(brackets);
      return;
    }
    if (!brackets) {
      // The scheme was taken back into the link: drop it from the pending text.
      String scheme = link.get(0).text;
      int colon = scheme.indexOf(':');
      int schemeLength = colon < 0 ? scheme.length() : colon;
      top.text.setLength(top.text.length() - schemeLength);
    }
    Tok open = new Tok(T_EXT_LINK_OPEN);
    open.flag = brackets;
    emit(open);
    emitAll(link);
    emit(T_EXT_LINK_CLOSE);
    if (extra.length() > 0) {
      top.text.append(extra);
    }
  }

  private void notALink(boolean brackets) {
    if (!brackets && (top.context & DL_TERM) != 0) {
      handleDlTerm();
      return;
    }
    emitChar(read(0));
  }

  // ------------------------------------------------------------------ headings

  private void parseHeading() {
    int reset = head;
    int best = 1;
    inHeading = true;
    head += 1;
    while (read(0) == '=') {
      best++;
      head++;
    }
    long context = HEADING_LEVEL_1 << Math.min(best - 1, 5);
    ArrayList<Tok> title;
    int level;
    try {
      title = parse(context, true);
      level = headingLevel;
    } catch (BadRoute e) {
      head = reset + best - 1;
      emitText("=".repeat(best));
      inHeading = false;
      return;
    }
    Tok start = new Tok(T_HEADING_START);
    start.number = level;
    emit(start);
    if (level < best) {
      emitText("=".repeat(best - level));
    }
    emitAll(title);
    emit(T_HEADING_END);
    inHeading = false;
  }

  private ArrayList<Tok> handleHeadingEnd() {
    int reset = head;
    head += 1;
    int best = 1;
    while (read(0) == '=') {
      best++;
      head++;
    }
    int current = 64 - Long.numberOfLeadingZeros(top.context / HEADING_LEVEL_1);
    int level = current > best ? Math.min(best, 6) : Math.min(current, 6);
    try {
      ArrayList<Tok> after = parse(top.context, true);
      int afterLevel = headingLevel;
      emitText("=".repeat(best));
      emitAll(after);
      level = afterLevel;
    } catch (BadRoute e) {
      if (level < best) {
        emitText("=".repeat(best - level));
      }
      head = reset + best - 1;
    }
    ArrayList<Tok> stack = pop();
    headingLevel = level;
    return stack;
  }

  // ------------------------------------------------------------------ entities and comments

  private void reallyParseEntity() {
    emit(T_ENTITY_START);
    head++;
    char c = read(0);
    if (c == END) {
      throw failRoute();
    }
    boolean numeric = false;
    boolean hexadecimal = false;
    if (c == '#') {
      numeric = true;
      emit(T_ENTITY_NUMERIC);
      head++;
      c = read(0);
      if (c == END) {
        throw failRoute();
      }
      if (c == 'x' || c == 'X') {
        hexadecimal = true;
        emit(T_ENTITY_HEX);
        head++;
      }
    }
    StringBuilder value = new StringBuilder();
    int zeroes = 0;
    while (true) {
      c = read(0);
      if (c == ';') {
        if (value.length() == 0) {
          throw failRoute();
        }
        break;
      }
      if (value.length() == 0 && c == '0') {
        zeroes++;
        head++;
        continue;
      }
      if (value.length() >= MAX_ENTITY_SIZE || isMarker(c)) {
        throw failRoute();
      }
      boolean valid =
          hexadecimal
              ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
              : numeric
                  ? c >= '0' && c <= '9'
                  : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!valid) {
        throw failRoute();
      }
      value.append(c);
      head++;
    }
    if (numeric) {
      long code = Long.parseLong(value.toString(), hexadecimal ? 16 : 10);
      if (code < 1 || code > 0x10FFFF) {
        throw failRoute();
      }
    } else if (!ENTITIES.containsKey(value.toString())) {
      throw failRoute();
    }
    emit(Tok.text("0".repeat(zeroes) + value));
    emit(T_ENTITY_END);
  }

  private void parseEntity() {
    int reset = head;
    try {
      checkRoute(HTML_ENTITY);
      push(HTML_ENTITY);
      reallyParseEntity();
    } catch (BadRoute e) {
      head = reset;
      emitChar('&');
      return;
    }
    emitAll(pop());
  }

  private void parseComment() {
    int reset = head + 3;
    head += 4;
    push(0);
    while (true) {
      char c = read(0);
      if (c == END) {
        pop();
        head = reset;
        emitText("<!--");
        return;
      }
      if (c == '-' && read(1) == '-' && read(2) == '>') {
        emitFirst(new Tok(T_COMMENT_START));
        emit(T_COMMENT_END);
        emitAll(pop());
        head += 2;
        if ((top.context & FAIL_NEXT) != 0) {
          // The safety check flagged a possible comment while parsing a name; it was one.
          top.context ^= FAIL_NEXT;
        }
        return;
      }
      emitChar(c);
      head++;
    }
  }

  // ------------------------------------------------------------------ tags

  private static final int TAG_NAME = 0x01;
  private static final int TAG_ATTR_READY = 0x02;
  private static final int TAG_ATTR_NAME = 0x04;
  private static final int TAG_ATTR_VALUE = 0x08;
  private static final int TAG_QUOTED = 0x10;
  private static final int TAG_NOTE_SPACE = 0x20;
  private static final int TAG_NOTE_EQUALS = 0x40;
  private static final int TAG_NOTE_QUOTE = 0x80;

  /** The state of an open tag's attributes while it is read ({@code <ref name="x">}). */
  private static final class TagData {
    int context = TAG_NAME;
    final StringBuilder padFirst = new StringBuilder();
    char quoter;
    int reset;
  }

  private void pushTagBuffer(TagData data) {
    if ((data.context & TAG_QUOTED) != 0) {
      emitFirst(new Tok(T_TAG_ATTR_QUOTE));
      emitAll(pop());
    }
    emitFirst(new Tok(T_TAG_ATTR_START));
    emitAll(pop());
    data.padFirst.setLength(0);
  }

  private void handleTagSpace(TagData data, char c) {
    int ctx = data.context;
    boolean endOfValue = (ctx & TAG_ATTR_VALUE) != 0 && (ctx & (TAG_QUOTED | TAG_NOTE_QUOTE)) == 0;
    if (endOfValue || ((ctx & TAG_QUOTED) != 0 && (ctx & TAG_NOTE_SPACE) != 0)) {
      pushTagBuffer(data);
      data.context = TAG_ATTR_READY;
    } else if ((ctx & TAG_NOTE_SPACE) != 0) {
      data.context = TAG_ATTR_READY;
    } else if ((ctx & TAG_ATTR_NAME) != 0) {
      data.context |= TAG_NOTE_EQUALS;
    }
    if ((ctx & TAG_QUOTED) != 0 && (ctx & TAG_NOTE_SPACE) == 0) {
      emitChar(c);
    } else if ((data.context & TAG_ATTR_READY) != 0) {
      data.padFirst.append(c);
    }
  }

  private void handleTagText(char c) {
    char next = read(1);
    if (!isMarker(c) || !canRecurse()) {
      emitChar(c);
    } else if (c == '{' && next == '{') {
      parseTemplateOrArgument();
    } else if (c == '[' && next == '[') {
      parseWikilink();
    } else if (c == '<') {
      parseTag();
    } else {
      emitChar(c);
    }
  }

  private void handleTagData(TagData data, char c) {
    if ((data.context & TAG_NAME) != 0) {
      boolean firstTime = (data.context & TAG_NOTE_SPACE) == 0;
      if (isMarker(c) || (PythonStr.isSpace(c) && firstTime)) {
        throw failRoute(); // a tag's name starts with text, not spaces or markup
      } else if (firstTime) {
        data.context |= TAG_NOTE_SPACE;
      } else if (PythonStr.isSpace(c)) {
        data.context = TAG_ATTR_READY;
        handleTagSpace(data, c);
        return;
      }
    } else if (PythonStr.isSpace(c)) {
      handleTagSpace(data, c);
      return;
    } else if ((data.context & TAG_NOTE_SPACE) != 0) {
      if ((data.context & TAG_QUOTED) != 0) {
        // Text right after a closing quote: read the value again, unquoted.
        data.context = TAG_ATTR_VALUE;
        memoizeBadRoute();
        pop();
        head = data.reset - 1;
        return;
      }
      throw failRoute();
    } else if ((data.context & TAG_ATTR_READY) != 0) {
      data.context = TAG_ATTR_NAME;
      push(TAG_ATTR);
    } else if ((data.context & TAG_ATTR_NAME) != 0) {
      if (c == '=') {
        data.context = TAG_ATTR_VALUE | TAG_NOTE_QUOTE;
        emit(T_TAG_ATTR_EQUALS);
        return;
      }
      if ((data.context & TAG_NOTE_EQUALS) != 0) {
        pushTagBuffer(data);
        data.context = TAG_ATTR_NAME;
        push(TAG_ATTR);
      }
    } else {
      boolean escaped = readBack(1) == '\\' && readBack(2) != '\\';
      if ((data.context & TAG_NOTE_QUOTE) != 0) {
        data.context ^= TAG_NOTE_QUOTE;
        if ((c == '"' || c == '\'') && !escaped) {
          data.context |= TAG_QUOTED;
          data.quoter = c;
          data.reset = head;
          if (badRoutes.contains(head, top.context)) {
            data.context = TAG_ATTR_VALUE;
            head--;
          } else {
            push(top.context);
          }
          return;
        }
      } else if ((data.context & TAG_QUOTED) != 0) {
        if (c == data.quoter && !escaped) {
          data.context |= TAG_NOTE_SPACE;
          return;
        }
      }
    }
    handleTagText(c);
  }

  private void handleTagCloseOpen(TagData data, int kind) {
    if ((data.context & (TAG_ATTR_NAME | TAG_ATTR_VALUE)) != 0) {
      pushTagBuffer(data);
    }
    emit(kind);
    head++;
  }

  private void handleTagOpenClose() {
    emit(T_TAG_OPEN_CLOSE);
    push(TAG_CLOSE);
    head++;
  }

  private static String tagKey(String name) {
    return PythonStr.rstrip(name).toLowerCase(Locale.ROOT);
  }

  private String openTagName() {
    return top.tokens.get(1).text;
  }

  private ArrayList<Tok> handleTagCloseClose() {
    ArrayList<Tok> closing = pop();
    if (closing.size() != 1
        || closing.get(0).kind != T_TEXT
        || !tagKey(closing.get(0).text).equals(tagKey(openTagName()))) {
      throw failRoute();
    }
    emitAll(closing);
    emit(T_TAG_CLOSE_CLOSE);
    return pop();
  }

  private ArrayList<Tok> handleBlacklistedTag() {
    while (true) {
      char c = read(0);
      char next = read(1);
      if (c == END) {
        throw failRoute();
      } else if (c == '<' && next == '/') {
        head += 2;
        int reset = head - 1;
        StringBuilder name = new StringBuilder();
        while (true) {
          char d = read(0);
          if (d == '>') {
            if (tagKey(name.toString()).equals(tagKey(openTagName()))) {
              emit(T_TAG_OPEN_CLOSE);
              emitText(name.toString());
              emit(T_TAG_CLOSE_CLOSE);
              return pop();
            }
            head = reset;
            emitText("</");
            break;
          }
          if (d == END || d == '\n') {
            head = reset;
            emitText("</");
            break;
          }
          name.append(d);
          head++;
        }
      } else if (c == '&') {
        parseEntity();
      } else {
        emitChar(c);
      }
      head++;
    }
  }

  private ArrayList<Tok> handleSingleOnlyTagEnd() {
    top.tokens.remove(top.tokens.size() - 1);
    Tok close = new Tok(T_TAG_CLOSE_SELFCLOSE);
    close.flag = true;
    emit(close);
    head--;
    return pop();
  }

  private ArrayList<Tok> handleSingleTagEnd() {
    ArrayList<Tok> stack = top.tokens;
    int depthHere = 1;
    int index = 2;
    for (; index < stack.size(); index++) {
      int kind = stack.get(index).kind;
      if (kind == T_TAG_OPEN_OPEN) {
        depthHere++;
      } else if (kind == T_TAG_CLOSE_OPEN) {
        if (--depthHere == 0) {
          break;
        }
      } else if (kind == T_TAG_CLOSE_SELFCLOSE) {
        if (--depthHere == 0) {
          throw new IllegalStateException("unexpected self-closing tag end");
        }
      }
    }
    if (depthHere > 0) {
      throw new IllegalStateException("no open tag end to close implicitly");
    }
    Tok close = new Tok(T_TAG_CLOSE_SELFCLOSE);
    close.flag = true;
    stack.set(index, close);
    return pop();
  }

  private ArrayList<Tok> reallyParseTag() {
    TagData data = new TagData();
    checkRoute(TAG_OPEN);
    push(TAG_OPEN);
    emit(T_TAG_OPEN_OPEN);
    while (true) {
      char c = read(0);
      char next = read(1);
      boolean canExit =
          (data.context & (TAG_QUOTED | TAG_NAME)) == 0 || (data.context & TAG_NOTE_SPACE) != 0;
      if (c == END) {
        if ((top.context & TAG_ATTR) != 0) {
          if ((data.context & TAG_QUOTED) != 0) {
            // An attribute's quote never closes: read it again unquoted.
            data.context = TAG_ATTR_VALUE;
            memoizeBadRoute();
            pop();
            head = data.reset;
            continue;
          }
          pop();
        }
        throw failRoute();
      } else if (c == '>' && canExit) {
        handleTagCloseOpen(data, T_TAG_CLOSE_OPEN);
        top.context = TAG_BODY;
        String name = openTagName().toLowerCase(Locale.ROOT);
        if (SINGLE_ONLY.contains(name)) {
          return handleSingleOnlyTagEnd();
        }
        if (!NOT_PARSED.contains(name)) {
          return parse(0, false);
        }
        return handleBlacklistedTag();
      } else if (c == '/' && next == '>' && canExit) {
        handleTagCloseOpen(data, T_TAG_CLOSE_SELFCLOSE);
        return pop();
      } else {
        handleTagData(data, c);
      }
      head++;
    }
  }

  private void handleInvalidTagStart() {
    int reset = head + 1;
    head += 2;
    StringBuilder name = new StringBuilder();
    int pos = 0;
    while (true) {
      char c = read(pos);
      if (PythonStr.isSpace(c) || isMarker(c)) {
        break;
      }
      name.append(c);
      pos++;
    }
    ArrayList<Tok> tag = null;
    if (SINGLE_ONLY.contains(name.toString().toLowerCase(Locale.ROOT))) {
      try {
        tag = reallyParseTag();
      } catch (BadRoute e) {
        tag = null;
      }
    }
    if (tag == null) {
      head = reset;
      emitText("</");
      return;
    }
    tag.get(0).flag = true; // an invalid (closing-looking) tag
    emitAll(tag);
  }

  private void parseTag() {
    int reset = head;
    head++;
    ArrayList<Tok> tag;
    try {
      tag = reallyParseTag();
    } catch (BadRoute e) {
      head = reset;
      emitChar('<');
      return;
    }
    emitAll(tag);
  }

  // ------------------------------------------------------------------ bold and italics

  private void emitStyleTag(String tag, List<Tok> body) {
    emit(T_TAG_OPEN_OPEN);
    emitText(tag);
    emit(T_TAG_CLOSE_OPEN);
    emitAll(body);
    emit(T_TAG_OPEN_CLOSE);
    emitText(tag);
    emit(T_TAG_CLOSE_CLOSE);
  }

  private void parseItalics() {
    int reset = head;
    ArrayList<Tok> stack;
    try {
      stack = parse(STYLE_ITALICS, true);
    } catch (BadRoute e) {
      head = reset;
      if ((routeContext & STYLE_PASS_AGAIN) != 0) {
        try {
          stack = parse(STYLE_ITALICS | STYLE_SECOND_PASS, true);
        } catch (BadRoute e2) {
          head = reset;
          emitText("''");
          return;
        }
      } else {
        emitText("''");
        return;
      }
    }
    emitStyleTag("i", stack);
  }

  /** Returns true when the caller must return its stack (a bold that ends a second pass). */
  private boolean parseBold() {
    int reset = head;
    ArrayList<Tok> stack;
    try {
      stack = parse(STYLE_BOLD, true);
    } catch (BadRoute e) {
      head = reset;
      if ((top.context & STYLE_SECOND_PASS) != 0) {
        emitChar('\'');
        return true;
      }
      if ((top.context & STYLE_ITALICS) != 0) {
        top.context |= STYLE_PASS_AGAIN;
        emitText("'''");
        return false;
      }
      emitChar('\'');
      parseItalics();
      return false;
    }
    emitStyleTag("b", stack);
    return false;
  }

  private void parseItalicsAndBold() {
    int reset = head;
    ArrayList<Tok> stack;
    try {
      stack = parse(STYLE_BOLD, true);
    } catch (BadRoute e) {
      head = reset;
      try {
        stack = parse(STYLE_ITALICS, true);
      } catch (BadRoute e2) {
        head = reset;
        emitText("'''''");
        return;
      }
      reset = head;
      ArrayList<Tok> stack2;
      try {
        stack2 = parse(STYLE_BOLD, true);
      } catch (BadRoute e3) {
        head = reset;
        emitText("'''");
        emitStyleTag("i", stack);
        return;
      }
      push(0);
      emitStyleTag("i", stack);
      emitAll(stack2);
      emitStyleTag("b", pop());
      return;
    }
    reset = head;
    ArrayList<Tok> stack2;
    try {
      stack2 = parse(STYLE_ITALICS, true);
    } catch (BadRoute e) {
      head = reset;
      emitText("''");
      emitStyleTag("b", stack);
      return;
    }
    push(0);
    emitStyleTag("b", stack);
    emitAll(stack2);
    emitStyleTag("i", pop());
  }

  /** Returns the stack when this ends the current style, else null (parsing goes on). */
  private ArrayList<Tok> parseStyle() {
    long context = top.context;
    int ticks = 2;
    head += 2;
    while (read(0) == '\'') {
      head++;
      ticks++;
    }
    if (ticks > 5) {
      emitText("'".repeat(ticks - 5));
      ticks = 5;
    } else if (ticks == 4) {
      emitChar('\'');
      ticks = 3;
    }
    if (((context & STYLE_ITALICS) != 0 && (ticks == 2 || ticks == 5))
        || ((context & STYLE_BOLD) != 0 && (ticks == 3 || ticks == 5))) {
      if (ticks == 5) {
        head -= (context & STYLE_ITALICS) != 0 ? 3 : 2;
      }
      return pop();
    }
    if (!canRecurse()) {
      if (ticks == 3) {
        if ((context & STYLE_SECOND_PASS) != 0) {
          emitChar('\'');
          return pop();
        }
        if ((context & STYLE_ITALICS) != 0) {
          top.context |= STYLE_PASS_AGAIN;
        }
      }
      emitText("'".repeat(ticks));
    } else if (ticks == 2) {
      parseItalics();
    } else if (ticks == 3) {
      if (parseBold()) {
        return pop();
      }
    } else {
      parseItalicsAndBold();
    }
    head--;
    return null;
  }

  // ------------------------------------------------------------------ lists, rules, tables

  private void handleListMarker() {
    char code = read(0);
    if (code == ';') {
      top.context |= DL_TERM;
    }
    Tok open = new Tok(T_TAG_OPEN_OPEN);
    open.number = 1;
    emit(open);
    emitText(code == ';' ? "dt" : code == ':' ? "dd" : "li");
    emit(T_TAG_CLOSE_SELFCLOSE);
  }

  private void handleList() {
    char marker = read(1);
    handleListMarker();
    while (marker == '#' || marker == '*' || marker == ';' || marker == ':') {
      head++;
      handleListMarker();
      marker = read(1);
    }
  }

  private void handleHr() {
    head += 3;
    while (read(1) == '-') {
      head++;
    }
    Tok open = new Tok(T_TAG_OPEN_OPEN);
    open.number = 1;
    emit(open);
    emitText("hr");
    emit(T_TAG_CLOSE_SELFCLOSE);
  }

  private void handleDlTerm() {
    top.context ^= DL_TERM;
    if (read(0) == ':') {
      handleListMarker();
    } else {
      emitChar('\n');
    }
  }

  private void emitTableTag(String tag, List<Tok> style, List<Tok> contents) {
    Tok open = new Tok(T_TAG_OPEN_OPEN);
    open.number = 1;
    emit(open);
    emitText(tag);
    if (style != null) {
      emitAll(style);
    }
    emit(T_TAG_CLOSE_OPEN);
    if (contents != null) {
      emitAll(contents);
    }
    emit(T_TAG_OPEN_CLOSE);
    emitText(tag);
    emit(T_TAG_CLOSE_CLOSE);
  }

  private void handleTableStyle(char endToken) {
    TagData data = new TagData();
    data.context = TAG_ATTR_READY;
    while (true) {
      char c = read(0);
      boolean canExit = (data.context & TAG_QUOTED) == 0 || (data.context & TAG_NOTE_SPACE) != 0;
      if (c == endToken && canExit) {
        if ((data.context & (TAG_ATTR_NAME | TAG_ATTR_VALUE)) != 0) {
          pushTagBuffer(data);
        }
        return;
      } else if (c == END || c == endToken) {
        if ((top.context & TAG_ATTR) != 0) {
          if ((data.context & TAG_QUOTED) != 0) {
            data.context = TAG_ATTR_VALUE;
            memoizeBadRoute();
            pop();
            head = data.reset;
            continue;
          }
          pop();
        }
        throw failRoute();
      } else {
        handleTagData(data, c);
      }
      head++;
    }
  }

  private void parseTable() {
    int reset = head;
    head += 2;
    ArrayList<Tok> style;
    try {
      checkRoute(TABLE_OPEN);
      push(TABLE_OPEN);
      handleTableStyle('\n');
      style = pop();
    } catch (BadRoute e) {
      head = reset;
      emitChar('{');
      return;
    }
    head++;
    Frame restorePoint = top;
    ArrayList<Tok> table;
    try {
      table = parse(TABLE_OPEN, true);
    } catch (BadRoute e) {
      while (top != restorePoint) {
        memoizeBadRoute();
        pop();
      }
      head = reset;
      emitChar('{');
      return;
    }
    emitTableTag("table", style, table);
    head--;
  }

  private void handleTableRow() {
    head += 2;
    if (!canRecurse()) {
      emitText("|-");
      head -= 1;
      return;
    }
    checkRoute(TABLE_OPEN | TABLE_ROW_OPEN);
    push(TABLE_OPEN | TABLE_ROW_OPEN);
    handleTableStyle('\n');
    ArrayList<Tok> style = pop();
    head++;
    ArrayList<Tok> row = parse(TABLE_OPEN | TABLE_ROW_OPEN, true);
    emitTableTag("tr", style, row);
    head--;
  }

  private void handleTableCell(String markup, String tag, long lineContext) {
    long oldContext = top.context;
    head += markup.length();
    int reset = head;
    if (!canRecurse()) {
      emitText(markup);
      head--;
      return;
    }
    ArrayList<Tok> cell =
        parse(TABLE_OPEN | TABLE_CELL_OPEN | TABLE_CELL_STYLE | lineContext, true);
    long cellContext = top.context;
    top.context = oldContext;
    ArrayList<Tok> style = null;
    if ((cellContext & TABLE_CELL_STYLE) != 0) {
      head = reset;
      push(TABLE_OPEN | TABLE_CELL_OPEN | lineContext);
      handleTableStyle('|');
      style = pop();
      head++;
      cell = parse(TABLE_OPEN | TABLE_CELL_OPEN | lineContext, true);
      cellContext = top.context;
      top.context = oldContext;
    }
    emitTableTag(tag, style, cell);
    top.context |= cellContext & (TABLE_TH_LINE | TABLE_TD_LINE);
    head--;
  }

  private ArrayList<Tok> handleTableCellEnd(boolean resetForStyle) {
    if (resetForStyle) {
      top.context |= TABLE_CELL_STYLE;
    } else {
      top.context &= ~TABLE_CELL_STYLE;
    }
    return popKeepingContext();
  }

  // ------------------------------------------------------------------ the loop

  private ArrayList<Tok> handleEnd(long context) {
    if ((context & FAIL) != 0) {
      if ((context & TAG_BODY) != 0) {
        if (SINGLE.contains(openTagName().toLowerCase(Locale.ROOT))) {
          return handleSingleTagEnd();
        }
      } else {
        if ((context & TABLE_CELL_OPEN) != 0) {
          pop();
          context = top.context;
        }
        if ((context & DOUBLE) != 0) {
          pop();
        }
      }
      throw failRoute();
    }
    return pop();
  }

  /** False when {@code c} may not appear here (the route then fails). */
  private boolean verifySafe(long context, char c) {
    if ((context & FAIL_NEXT) != 0) {
      return false;
    }
    if ((context & WIKILINK_TITLE) != 0) {
      if (c == ']' || c == '{') {
        top.context |= FAIL_NEXT;
      } else if (c == '\n' || c == '[' || c == '}' || c == '>') {
        return false;
      } else if (c == '<') {
        if (read(1) == '!') {
          top.context |= FAIL_NEXT;
        } else {
          return false;
        }
      }
      return true;
    }
    if ((context & EXT_LINK_TITLE) != 0) {
      return c != '\n';
    }
    if ((context & TAG_CLOSE) != 0) {
      return c != '<';
    }
    if ((context & TEMPLATE_NAME) != 0) {
      if (c == '{') {
        top.context |= HAS_TEMPLATE | FAIL_NEXT;
        return true;
      }
      if (c == '}' || (c == '<' && read(1) == '!')) {
        top.context |= FAIL_NEXT;
        return true;
      }
      if (c == '[' || c == ']' || c == '<' || c == '>') {
        return false;
      }
      if (c == '|') {
        return true;
      }
      if ((context & HAS_TEXT) != 0) {
        if ((context & FAIL_ON_TEXT) != 0) {
          if (!PythonStr.isSpace(c)) {
            return false;
          }
        } else if (c == '\n') {
          top.context |= FAIL_ON_TEXT;
        }
      } else if (!PythonStr.isSpace(c)) {
        top.context |= HAS_TEXT;
      }
    } else {
      if ((context & FAIL_ON_EQUALS) != 0) {
        if (c == '=') {
          return false;
        }
      } else if ((context & FAIL_ON_LBRACE) != 0) {
        if (c == '{' || (readBack(1) == '{' && readBack(2) == '{')) {
          if ((context & TEMPLATE) != 0) {
            top.context |= FAIL_ON_EQUALS;
          } else {
            top.context |= FAIL_NEXT;
          }
          return true;
        }
        top.context ^= FAIL_ON_LBRACE;
      } else if ((context & FAIL_ON_RBRACE) != 0) {
        if (c == '}') {
          top.context |= FAIL_NEXT;
          return true;
        }
        top.context ^= FAIL_ON_RBRACE;
      } else if (c == '{') {
        top.context |= FAIL_ON_LBRACE;
      } else if (c == '}') {
        top.context |= FAIL_ON_RBRACE;
      }
    }
    return true;
  }

  /** Only whitespace between the start of the line and the head. */
  private boolean atLineStartAfterSpaces() {
    for (int offset = 1; ; offset++) {
      char c = readBack(offset);
      if (c == END || c == '\n') {
        return true;
      }
      if (!PythonStr.isSpace(c)) {
        return false;
      }
    }
  }

  private ArrayList<Tok> parse(long context, boolean push) {
    if (push) {
      checkRoute(context);
      push(context);
    }
    while (true) {
      char c = read(0);
      long ctx = top.context;
      if ((ctx & UNSAFE) != 0 && !verifySafe(ctx, c)) {
        if ((ctx & DOUBLE) != 0) {
          pop();
        }
        throw failRoute();
      }
      if (!isMarker(c)) {
        // Runs of plain text are the bulk of a page: append them in one go.
        int end = head + 1;
        while (end < length && !isMarker(text.charAt(end)) && (ctx & UNSAFE) == 0) {
          end++;
        }
        top.text.append(text, head, end);
        head = end;
        continue;
      }
      if (c == END) {
        return handleEnd(ctx);
      }
      char next = read(1);
      char last = readBack(1);
      if (c == '{' && next == '{') {
        if (canRecurse()) {
          parseTemplateOrArgument();
        } else {
          emitChar(c);
        }
      } else if (c == '|' && (ctx & TEMPLATE) != 0) {
        handleTemplateParam();
      } else if (c == '=' && (ctx & TEMPLATE_PARAM_KEY) != 0) {
        if (!inHeading && (last == END || last == '\n') && next == '=') {
          parseHeading();
        } else {
          handleTemplateParamValue();
        }
      } else if (c == '}' && next == '}' && (ctx & TEMPLATE) != 0) {
        return handleTemplateEnd();
      } else if (c == '|' && (ctx & ARGUMENT_NAME) != 0) {
        handleArgumentSeparator();
      } else if (c == '}' && next == '}' && (ctx & ARGUMENT) != 0) {
        if (read(2) == '}') {
          return handleArgumentEnd();
        }
        emitChar(c);
      } else if (c == '[' && next == '[' && canRecurse()) {
        if ((ctx & NO_WIKILINKS) == 0) {
          parseWikilink();
        } else {
          emitChar(c);
        }
      } else if (c == '|' && (ctx & WIKILINK_TITLE) != 0) {
        handleWikilinkSeparator();
      } else if (c == ']' && next == ']' && (ctx & WIKILINK) != 0) {
        return handleWikilinkEnd();
      } else if (c == '[') {
        parseExternalLink(true);
      } else if (c == ':' && !isMarker(last)) {
        parseExternalLink(false);
      } else if (c == ']' && (ctx & EXT_LINK_TITLE) != 0) {
        return pop();
      } else if (c == '=' && !inHeading && (ctx & TEMPLATE) == 0) {
        if (last == END || last == '\n') {
          parseHeading();
        } else {
          emitChar(c);
        }
      } else if (c == '=' && (ctx & HEADING) != 0) {
        return handleHeadingEnd();
      } else if (c == '\n' && (ctx & HEADING) != 0) {
        throw failRoute();
      } else if (c == '&') {
        parseEntity();
      } else if (c == '<' && next == '!') {
        if (read(2) == '-' && read(3) == '-') {
          parseComment();
        } else {
          emitChar(c);
        }
      } else if (c == '<' && next == '/' && read(2) != END) {
        if ((ctx & TAG_BODY) != 0) {
          handleTagOpenClose();
        } else {
          handleInvalidTagStart();
        }
      } else if (c == '<' && (ctx & TAG_CLOSE) == 0) {
        if (canRecurse()) {
          parseTag();
        } else {
          emitChar(c);
        }
      } else if (c == '>' && (ctx & TAG_CLOSE) != 0) {
        return handleTagCloseClose();
      } else if (c == '\'' && next == '\'') {
        ArrayList<Tok> result = parseStyle();
        if (result != null) {
          return result;
        }
      } else if ((last == END || last == '\n') && (c == '#' || c == '*' || c == ';' || c == ':')) {
        handleList();
      } else if ((last == END || last == '\n')
          && c == '-'
          && next == '-'
          && read(2) == '-'
          && read(3) == '-') {
        handleHr();
      } else if ((c == '\n' || c == ':') && (ctx & DL_TERM) != 0) {
        handleDlTerm();
        if (c == '\n') {
          top.context &= ~TABLE_CELL_LINE_CONTEXTS; // a new line ends the cell's line
        }
      } else if (c == '{' && next == '|' && atLineStartAfterSpaces()) {
        if (canRecurse()) {
          parseTable();
        } else {
          emitChar(c);
        }
      } else if ((ctx & TABLE_OPEN) != 0) {
        ArrayList<Tok> result = tableMarkup(ctx, c, next);
        if (result != null) {
          return result;
        }
      } else {
        emitChar(c);
      }
      head++;
    }
  }

  /** Table markup inside a table; returns a stack when it ends the current cell, row or table. */
  private ArrayList<Tok> tableMarkup(long ctx, char c, char next) {
    if (c == '|' && next == '|' && (ctx & TABLE_TD_LINE) != 0) {
      if ((ctx & TABLE_CELL_OPEN) != 0) {
        return handleTableCellEnd(false);
      }
      handleTableCell("||", "td", TABLE_TD_LINE);
    } else if (c == '|' && next == '|' && (ctx & TABLE_TH_LINE) != 0) {
      if ((ctx & TABLE_CELL_OPEN) != 0) {
        return handleTableCellEnd(false);
      }
      handleTableCell("||", "th", TABLE_TH_LINE);
    } else if (c == '!' && next == '!' && (ctx & TABLE_TH_LINE) != 0) {
      if ((ctx & TABLE_CELL_OPEN) != 0) {
        return handleTableCellEnd(false);
      }
      handleTableCell("!!", "th", TABLE_TH_LINE);
    } else if (c == '|' && (ctx & TABLE_CELL_STYLE) != 0) {
      return handleTableCellEnd(true);
    } else if (c == '\n' && (ctx & TABLE_CELL_LINE_CONTEXTS) != 0) {
      top.context &= ~TABLE_CELL_LINE_CONTEXTS;
      emitChar(c);
    } else if (atLineStartAfterSpaces()) {
      if (c == '|' && next == '}') {
        if ((ctx & TABLE_CELL_OPEN) != 0) {
          return handleTableCellEnd(false);
        }
        if ((ctx & TABLE_ROW_OPEN) != 0) {
          return pop();
        }
        head += 2;
        return pop();
      } else if (c == '|' && next == '-') {
        if ((ctx & TABLE_CELL_OPEN) != 0) {
          return handleTableCellEnd(false);
        }
        if ((ctx & TABLE_ROW_OPEN) != 0) {
          return pop();
        }
        handleTableRow();
      } else if (c == '|') {
        if ((ctx & TABLE_CELL_OPEN) != 0) {
          return handleTableCellEnd(false);
        }
        handleTableCell("|", "td", TABLE_TD_LINE);
      } else if (c == '!') {
        if ((ctx & TABLE_CELL_OPEN) != 0) {
          return handleTableCellEnd(false);
        }
        handleTableCell("!", "th", TABLE_TH_LINE);
      } else {
        emitChar(c);
      }
    } else {
      emitChar(c);
    }
    return null;
  }

  // ------------------------------------------------------------------ tokens to nodes

  /** Builds nodes from a token list, as mwparserfromhell's builder does. */
  private static final class Builder {
    private final List<Tok> tokens;
    private final String source;
    private int i;

    Builder(List<Tok> tokens, String source) {
      this.tokens = tokens;
      this.source = source;
    }

    List<WikiNode> build() {
      List<WikiNode> nodes = new ArrayList<>();
      while (i < tokens.size()) {
        nodes.add(node());
      }
      return nodes;
    }

    /** Nodes until a token of one of {@code stops} (left unconsumed). */
    private List<WikiNode> until(int... stops) {
      List<WikiNode> nodes = new ArrayList<>();
      while (i < tokens.size()) {
        int kind = tokens.get(i).kind;
        for (int stop : stops) {
          if (kind == stop) {
            return nodes;
          }
        }
        nodes.add(node());
      }
      throw new IllegalStateException("unterminated token run");
    }

    private WikiNode node() {
      Tok t = tokens.get(i++);
      switch (t.kind) {
        case T_TEXT:
          return WikiNode.text(t.text);
        case T_TEMPLATE_OPEN:
          // A template strips to nothing: its name and parameters are read past, not kept.
          while (tokens.get(i).kind != T_TEMPLATE_CLOSE) {
            int kind = tokens.get(i).kind;
            if (kind == T_TEMPLATE_PARAM_SEPARATOR || kind == T_TEMPLATE_PARAM_EQUALS) {
              i++;
            } else {
              node();
            }
          }
          i++;
          return WikiNode.of(WikiNode.Kind.TEMPLATE);
        case T_ARGUMENT_OPEN:
          {
            WikiNode n = WikiNode.of(WikiNode.Kind.ARGUMENT);
            until(T_ARGUMENT_SEPARATOR, T_ARGUMENT_CLOSE);
            if (tokens.get(i++).kind == T_ARGUMENT_SEPARATOR) {
              n.first = until(T_ARGUMENT_CLOSE);
              i++;
            }
            return n;
          }
        case T_WIKILINK_OPEN:
          {
            WikiNode n = WikiNode.of(WikiNode.Kind.WIKILINK);
            n.first = until(T_WIKILINK_SEPARATOR, T_WIKILINK_CLOSE);
            Tok end = tokens.get(i++);
            if (end.kind == T_WIKILINK_SEPARATOR) {
              n.second = until(T_WIKILINK_CLOSE);
              i++;
            }
            n.value = source.substring(t.number, end.number);
            return n;
          }
        case T_EXT_LINK_OPEN:
          {
            WikiNode n = WikiNode.of(WikiNode.Kind.EXTERNAL_LINK);
            n.brackets = t.flag;
            n.first = until(T_EXT_LINK_SEPARATOR, T_EXT_LINK_CLOSE);
            if (tokens.get(i++).kind == T_EXT_LINK_SEPARATOR) {
              n.second = until(T_EXT_LINK_CLOSE);
              i++;
            }
            return n;
          }
        case T_COMMENT_START:
          until(T_COMMENT_END);
          i++;
          return WikiNode.of(WikiNode.Kind.COMMENT);
        case T_HEADING_START:
          {
            WikiNode n = WikiNode.of(WikiNode.Kind.HEADING);
            n.first = until(T_HEADING_END);
            i++;
            return n;
          }
        case T_ENTITY_START:
          return entity();
        case T_TAG_OPEN_OPEN:
          return tag();
        default:
          throw new IllegalStateException("unexpected token " + t.kind);
      }
    }

    private WikiNode entity() {
      boolean numeric = false;
      boolean hex = false;
      Tok t = tokens.get(i++);
      if (t.kind == T_ENTITY_NUMERIC) {
        numeric = true;
        t = tokens.get(i++);
        if (t.kind == T_ENTITY_HEX) {
          hex = true;
          t = tokens.get(i++);
        }
      }
      i++; // the entity's end
      WikiNode n = WikiNode.of(WikiNode.Kind.ENTITY);
      int code = numeric ? Integer.parseInt(t.text, hex ? 16 : 10) : ENTITIES.get(t.text);
      n.value = new String(Character.toChars(code));
      return n;
    }

    private WikiNode tag() {
      WikiNode n = WikiNode.of(WikiNode.Kind.TAG);
      StringBuilder name = new StringBuilder();
      // The name: the text before the attributes or the end of the open tag.
      while (true) {
        Tok t = tokens.get(i);
        if (t.kind == T_TAG_ATTR_START
            || t.kind == T_TAG_CLOSE_OPEN
            || t.kind == T_TAG_CLOSE_SELFCLOSE) {
          break;
        }
        name.append(nodeText(node()));
      }
      n.value = name.toString();
      while (tokens.get(i).kind == T_TAG_ATTR_START) {
        i++;
        until(T_TAG_ATTR_START, T_TAG_CLOSE_OPEN, T_TAG_CLOSE_SELFCLOSE, T_TAG_ATTR_EQUALS);
        if (tokens.get(i).kind == T_TAG_ATTR_EQUALS) {
          i++;
          if (tokens.get(i).kind == T_TAG_ATTR_QUOTE) {
            i++;
          }
          until(T_TAG_ATTR_START, T_TAG_CLOSE_OPEN, T_TAG_CLOSE_SELFCLOSE);
        }
      }
      if (tokens.get(i++).kind == T_TAG_CLOSE_SELFCLOSE) {
        return n;
      }
      n.first = until(T_TAG_OPEN_CLOSE);
      i++;
      until(T_TAG_CLOSE_CLOSE);
      i++;
      return n;
    }

    private static String nodeText(WikiNode n) {
      return n.kind == WikiNode.Kind.TEXT || n.kind == WikiNode.Kind.ENTITY ? n.value : "";
    }
  }

  // ------------------------------------------------------------------ bad routes

  /** Failed routes by (head, context): an open-addressing set of long pairs. */
  private static final class RouteSet {
    private long[] heads = new long[64];
    private long[] contexts = new long[64];
    private boolean[] used = new boolean[64];
    private int size;

    void clear() {
      if (size > 0) {
        Arrays.fill(used, false);
        size = 0;
      }
    }

    private int slot(long h, long c) {
      long x = h * 0x9E3779B97F4A7C15L ^ c * 0xC2B2AE3D27D4EB4FL;
      x ^= x >>> 29;
      return (int) x & (used.length - 1);
    }

    boolean contains(long h, long c) {
      for (int s = slot(h, c); used[s]; s = (s + 1) & (used.length - 1)) {
        if (heads[s] == h && contexts[s] == c) {
          return true;
        }
      }
      return false;
    }

    void add(long h, long c) {
      if (contains(h, c)) {
        return;
      }
      if ((size + 1) * 2 > used.length) {
        long[] oh = heads;
        long[] oc = contexts;
        boolean[] ou = used;
        heads = new long[ou.length * 2];
        contexts = new long[ou.length * 2];
        used = new boolean[ou.length * 2];
        size = 0;
        for (int k = 0; k < ou.length; k++) {
          if (ou[k]) {
            add(oh[k], oc[k]);
          }
        }
      }
      int s = slot(h, c);
      while (used[s]) {
        s = (s + 1) & (used.length - 1);
      }
      used[s] = true;
      heads[s] = h;
      contexts[s] = c;
      size++;
    }
  }

  // ------------------------------------------------------------------ HTML 4 entities

  /** HTML 4's named entities (Python's html.entities.name2codepoint), name to code point. */
  static final Map<String, Integer> ENTITIES = new HashMap<>();

  static {
    String table =
        "AElig=c6 Aacute=c1 Acirc=c2 Agrave=c0 Alpha=391 Aring=c5 Atilde=c3 Auml=c4 Beta=392 "
            + "Ccedil=c7 Chi=3a7 Dagger=2021 Delta=394 ETH=d0 Eacute=c9 Ecirc=ca Egrave=c8 Epsilon=395 "
            + "Eta=397 Euml=cb Gamma=393 Iacute=cd Icirc=ce Igrave=cc Iota=399 Iuml=cf Kappa=39a "
            + "Lambda=39b Mu=39c Ntilde=d1 Nu=39d OElig=152 Oacute=d3 Ocirc=d4 Ograve=d2 Omega=3a9 "
            + "Omicron=39f Oslash=d8 Otilde=d5 Ouml=d6 Phi=3a6 Pi=3a0 Prime=2033 Psi=3a8 Rho=3a1 "
            + "Scaron=160 Sigma=3a3 THORN=de Tau=3a4 Theta=398 Uacute=da Ucirc=db Ugrave=d9 Upsilon=3a5 "
            + "Uuml=dc Xi=39e Yacute=dd Yuml=178 Zeta=396 aacute=e1 acirc=e2 acute=b4 aelig=e6 agrave=e0 "
            + "alefsym=2135 alpha=3b1 amp=26 and=2227 ang=2220 aring=e5 asymp=2248 atilde=e3 auml=e4 "
            + "bdquo=201e beta=3b2 brvbar=a6 bull=2022 cap=2229 ccedil=e7 cedil=b8 cent=a2 chi=3c7 "
            + "circ=2c6 clubs=2663 cong=2245 copy=a9 crarr=21b5 cup=222a curren=a4 dArr=21d3 dagger=2020 "
            + "darr=2193 deg=b0 delta=3b4 diams=2666 divide=f7 eacute=e9 ecirc=ea egrave=e8 empty=2205 "
            + "emsp=2003 ensp=2002 epsilon=3b5 equiv=2261 eta=3b7 eth=f0 euml=eb euro=20ac exist=2203 "
            + "fnof=192 forall=2200 frac12=bd frac14=bc frac34=be frasl=2044 gamma=3b3 ge=2265 gt=3e "
            + "hArr=21d4 harr=2194 hearts=2665 hellip=2026 iacute=ed icirc=ee iexcl=a1 igrave=ec "
            + "image=2111 infin=221e int=222b iota=3b9 iquest=bf isin=2208 iuml=ef kappa=3ba lArr=21d0 "
            + "lambda=3bb lang=2329 laquo=ab larr=2190 lceil=2308 ldquo=201c le=2264 lfloor=230a "
            + "lowast=2217 loz=25ca lrm=200e lsaquo=2039 lsquo=2018 lt=3c macr=af mdash=2014 micro=b5 "
            + "middot=b7 minus=2212 mu=3bc nabla=2207 nbsp=a0 ndash=2013 ne=2260 ni=220b not=ac "
            + "notin=2209 nsub=2284 ntilde=f1 nu=3bd oacute=f3 ocirc=f4 oelig=153 ograve=f2 oline=203e "
            + "omega=3c9 omicron=3bf oplus=2295 or=2228 ordf=aa ordm=ba oslash=f8 otilde=f5 otimes=2297 "
            + "ouml=f6 para=b6 part=2202 permil=2030 perp=22a5 phi=3c6 pi=3c0 piv=3d6 plusmn=b1 pound=a3 "
            + "prime=2032 prod=220f prop=221d psi=3c8 quot=22 rArr=21d2 radic=221a rang=232a raquo=bb "
            + "rarr=2192 rceil=2309 rdquo=201d real=211c reg=ae rfloor=230b rho=3c1 rlm=200f rsaquo=203a "
            + "rsquo=2019 sbquo=201a scaron=161 sdot=22c5 sect=a7 shy=ad sigma=3c3 sigmaf=3c2 sim=223c "
            + "spades=2660 sub=2282 sube=2286 sum=2211 sup=2283 sup1=b9 sup2=b2 sup3=b3 supe=2287 "
            + "szlig=df tau=3c4 there4=2234 theta=3b8 thetasym=3d1 thinsp=2009 thorn=fe tilde=2dc "
            + "times=d7 trade=2122 uArr=21d1 uacute=fa uarr=2191 ucirc=fb ugrave=f9 uml=a8 upsih=3d2 "
            + "upsilon=3c5 uuml=fc weierp=2118 xi=3be yacute=fd yen=a5 yuml=ff zeta=3b6 zwj=200d "
            + "zwnj=200c ";
    for (String entry : table.trim().split(" ")) {
      int eq = entry.indexOf('=');
      ENTITIES.put(entry.substring(0, eq), Integer.parseInt(entry.substring(eq + 1), 16));
    }
  }
}
