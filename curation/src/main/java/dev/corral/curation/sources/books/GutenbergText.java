package dev.corral.curation.sources.books;

import dev.corral.core.text.PythonStr;
import dev.corral.core.text.Utf8;
import java.nio.CharBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Project Gutenberg plain-text file made into a book: its bytes decoded, the Gutenberg header,
 * "Small Print" and licence removed, and what the header says about the book (title, author,
 * language, release date, ebook number). Spark-free.
 *
 * <p>Removal follows {@code strip_headers} of the {@code gutenberg} Python package ({@code
 * c-w/gutenberg@123d134:gutenberg/cleanup/strip_headers.py}, Apache-2.0, a port of Johannes
 * Krugel's {@code strip_headers.cpp}, which the standardized Project Gutenberg corpus also uses;
 * PG-19's own cleaning was never published). Lines are Python's {@code splitlines()}; within the
 * first 600 kept lines a line that starts with a header-end marker ({@code *** START OF THE PROJECT
 * GUTENBERG}, {@code *END*THE SMALL PRINT}, {@code Produced by}, ...) discards everything kept so
 * far; from the 100th kept line on, a line that starts with a footer marker ({@code *** END OF THE
 * PROJECT GUTENBERG}, {@code End of the Project Gutenberg}, ...) ends the book; lines between
 * {@code <<THIS ELECTRONIC VERSION OF} and {@code SERVICE THAT CHARGES FOR DOWNLOAD} are left out;
 * kept lines are joined with {@code \n}. {@link Mode#REDPAJAMA} does exactly that. {@link
 * Mode#PAPER} fixes one bug: a book of fewer than 100 lines never reaches the footer check, so its
 * whole licence (some 350 lines) stays in the text; in paper mode the explicit end markers ({@link
 * #EXPLICIT_END_MARKERS}) end a book at any length.
 */
public final class GutenbergText {
  /** How the header and licence are removed. */
  public enum Mode {
    /** {@code strip_headers} as it is, quirks included (the reference for RedPajama mode). */
    REDPAJAMA,
    /** {@code strip_headers} with the footer of short books found. */
    PAPER
  }

  /** Lines that end the header: whatever was kept before them is discarded. */
  static final List<String> TEXT_START_MARKERS =
      List.of(
          "*END*THE SMALL PRINT",
          "*** START OF THE PROJECT GUTENBERG",
          "*** START OF THIS PROJECT GUTENBERG",
          "This etext was prepared by",
          "E-text prepared by",
          "Produced by",
          "Distributed Proofreading Team",
          "Proofreading Team at http://www.pgdp.net",
          "http://gallica.bnf.fr)",
          "      http://archive.org/details/",
          "http://www.pgdp.net",
          "by The Internet Archive)",
          "by The Internet Archive/Canadian Libraries",
          "by The Internet Archive/American Libraries",
          "public domain material from the Internet Archive",
          "Internet Archive)",
          "Internet Archive/Canadian Libraries",
          "Internet Archive/American Libraries",
          "material from the Google Print project",
          "*END THE SMALL PRINT",
          "***START OF THE PROJECT GUTENBERG",
          "This etext was produced by",
          "*** START OF THE COPYRIGHTED",
          "The Project Gutenberg",
          "http://gutenberg.spiegel.de/ erreichbar.",
          "Project Runeberg publishes",
          "Beginning of this Project Gutenberg",
          "Project Gutenberg Online Distributed",
          "Gutenberg Online Distributed",
          "the Project Gutenberg Online Distributed",
          "Project Gutenberg TEI",
          "This eBook was prepared by",
          "http://gutenberg2000.de erreichbar.",
          "This Etext was prepared by",
          "This Project Gutenberg Etext was prepared by",
          "Gutenberg Distributed Proofreaders",
          "Project Gutenberg Distributed Proofreaders",
          "the Project Gutenberg Online Distributed Proofreading Team",
          "**The Project Gutenberg",
          "*SMALL PRINT!",
          "More information about this book is at the top of this file.",
          "tells you about restrictions in how the file may be used.",
          "l'authorization à les utilizer pour preparer ce texte.",
          "of the etext through OCR.",
          "*****These eBooks Were Prepared By Thousands of Volunteers!*****",
          "We need your donations more than ever!",
          " *** START OF THIS PROJECT GUTENBERG",
          "****     SMALL PRINT!",
          "[\"Small Print\" V.",
          "      (http://www.ibiblio.org/gutenberg/",
          "and the Project Gutenberg Online Distributed Proofreading Team",
          "Mary Meehan, and the Project Gutenberg Online Distributed Proofreading",
          "                this Project Gutenberg edition.");

  /** Lines that start the footer: the book ends before them. */
  static final List<String> TEXT_END_MARKERS =
      List.of(
          "*** END OF THE PROJECT GUTENBERG",
          "*** END OF THIS PROJECT GUTENBERG",
          "***END OF THE PROJECT GUTENBERG",
          "End of the Project Gutenberg",
          "End of The Project Gutenberg",
          "Ende dieses Project Gutenberg",
          "by Project Gutenberg",
          "End of Project Gutenberg",
          "End of this Project Gutenberg",
          "Ende dieses Projekt Gutenberg",
          "        ***END OF THE PROJECT GUTENBERG",
          "*** END OF THE COPYRIGHTED",
          "End of this is COPYRIGHTED",
          "Ende dieses Etextes ",
          "Ende dieses Project Gutenber",
          "Ende diese Project Gutenberg",
          "**This is a COPYRIGHTED Project Gutenberg Etext, Details Above**",
          "Fin de Project Gutenberg",
          "The Project Gutenberg Etext of ",
          "Ce document fut presente en lecture",
          "Ce document fut présenté en lecture",
          "More information about this book is at the top of this file.",
          "We need your donations more than ever!",
          "END OF PROJECT GUTENBERG",
          " End of the Project Gutenberg",
          " *** END OF THIS PROJECT GUTENBERG");

  /**
   * The footer markers that say "end of" the Project Gutenberg text outright; paper mode heeds them
   * before the 100th line too. The others ({@code by Project Gutenberg}, {@code The Project
   * Gutenberg Etext of}, ...) also occur in a book's opening lines, which is why the reference
   * waits for 100 lines.
   */
  static final List<String> EXPLICIT_END_MARKERS =
      List.of(
          "*** END OF THE PROJECT GUTENBERG",
          "*** END OF THIS PROJECT GUTENBERG",
          "***END OF THE PROJECT GUTENBERG",
          "End of the Project Gutenberg",
          "End of The Project Gutenberg",
          "End of Project Gutenberg",
          "End of this Project Gutenberg",
          "        ***END OF THE PROJECT GUTENBERG",
          "*** END OF THE COPYRIGHTED",
          "END OF PROJECT GUTENBERG",
          " End of the Project Gutenberg",
          " *** END OF THIS PROJECT GUTENBERG");

  private static final String LEGALESE_START = "<<THIS ELECTRONIC VERSION OF";
  private static final String LEGALESE_END = "SERVICE THAT CHARGES FOR DOWNLOAD";

  /** The reference looks for the header's end within this many kept lines. */
  private static final int HEADER_LINES = 600;

  /** The reference looks for the footer only after this many kept lines. */
  private static final int FOOTER_AFTER = 100;

  private static final Pattern EBOOK_NUMBER =
      Pattern.compile("(?:E-?Book|eBook|EBOOK|Etext|E-?text|ETEXT|EText)\\s*(?:No\\.|#)\\s*(\\d+)");
  private static final Pattern FIRST_LINE =
      Pattern.compile(
          "^\\W*(?:The )?Project Gutenberg(?:'s)?(?: (?:EBook|eBook|Etext|E-text|EText|ebook))?"
              + "(?: of|,)? (.+?)(?:, by (.+))?$");

  private static final Map<String, String> LANGUAGE_CODES = languageCodes();

  private GutenbergText() {}

  /** What the header says about a book; null where it says nothing. */
  public record Header(
      String title, String author, String language, String releaseDate, Long ebook) {}

  /**
   * The text of a file's bytes: UTF-8 when they are valid UTF-8 (a byte-order mark removed), else
   * Windows-1252 as browsers decode it (the five bytes it leaves undefined become the C1 controls
   * of the same value), which reads the ASCII, Latin-1 and Windows-1252 files of Gutenberg's early
   * years alike.
   */
  public static String decode(byte[] bytes) {
    String text = Utf8.decode(bytes, 0, bytes.length);
    if (text != null) {
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
    CharBuffer out = CharBuffer.allocate(bytes.length);
    for (byte b : bytes) {
      int v = b & 0xFF;
      out.put(v >= 0x80 && v < 0xA0 ? WINDOWS_1252_C1[v - 0x80] : (char) v);
    }
    return out.flip().toString();
  }

  // Windows-1252's 0x80-0x9F per the WHATWG Encoding Standard (0x81, 0x8D, 0x8F, 0x90, 0x9D: C1).
  private static final char[] WINDOWS_1252_C1 = {
    '\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021', '\u02C6',
    '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F', '\u0090', '\u2018',
    '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014', '\u02DC', '\u2122', '\u0161',
    '\u203A', '\u0153', '\u009D', '\u017E', '\u0178'
  };

  /** The book without Gutenberg's header, small print and licence (see the class comment). */
  public static String strip(String text, Mode mode) {
    StringBuilder out = new StringBuilder(text.length());
    int kept = 0; // lines kept since the start, as the reference counts them
    int lines = 0; // lines in out
    boolean ignoring = false;
    for (String line : PythonStr.splitlines(text)) {
      if (kept <= HEADER_LINES && startsWithAny(line, TEXT_START_MARKERS)) {
        out.setLength(0); // the header ends here: drop what was kept (its count stays, as upstream)
        lines = 0;
        continue;
      }
      boolean footerCheck =
          kept >= FOOTER_AFTER || (mode == Mode.PAPER && startsWithAny(line, EXPLICIT_END_MARKERS));
      if (footerCheck && startsWithAny(line, TEXT_END_MARKERS)) {
        break;
      }
      if (line.startsWith(LEGALESE_START)) {
        ignoring = true;
        continue;
      } else if (line.startsWith(LEGALESE_END)) {
        ignoring = false;
        continue;
      }
      if (!ignoring) {
        if (lines++ > 0) {
          out.append('\n');
        }
        out.append(line);
        kept++;
      }
    }
    return out.toString();
  }

  private static boolean startsWithAny(String line, List<String> markers) {
    for (String m : markers) {
      if (line.startsWith(m)) {
        return true;
      }
    }
    return false;
  }

  /**
   * What the header says: {@code Title:}, {@code Author:}, {@code Language:} (as an ISO 639-1 code
   * when it names a language Java knows, the first of several), {@code Release Date:} (as written,
   * without the ebook number) and the ebook number ({@code [EBook #1342]}, {@code EBook No. 1342});
   * the first line ({@code The Project Gutenberg EBook of TITLE, by AUTHOR}) when there are no such
   * fields. Only the header is read: the lines before its end marker, at most 600.
   */
  public static Header header(String text) {
    String title = null;
    String author = null;
    String language = null;
    String release = null;
    Long ebook = null;
    String firstLine = null;
    String field = null;
    int n = 0;
    for (String line : PythonStr.splitlines(text)) {
      if (n++ > HEADER_LINES
          || line.startsWith("*** START OF")
          || line.startsWith("***START OF")
          || line.startsWith("*END*THE SMALL PRINT")
          || line.startsWith("*END THE SMALL PRINT")) {
        break;
      }
      String trimmed = PythonStr.strip(line);
      if (firstLine == null && !trimmed.isEmpty()) {
        firstLine = trimmed;
      }
      if (ebook == null) {
        Matcher m = EBOOK_NUMBER.matcher(line);
        if (m.find()) {
          ebook = Long.parseLong(m.group(1));
        }
      }
      if (!trimmed.isEmpty() && line.startsWith(" ") && field != null) {
        // An indented line continues the field above it (long titles).
        if (field.equals("title")) {
          title = title + " " + trimmed;
        } else if (field.equals("author")) {
          author = author + " " + trimmed;
        }
        continue;
      }
      field = null;
      String value = valueOf(line, "Title:");
      if (value != null && title == null) {
        title = value;
        field = "title";
        continue;
      }
      value = valueOf(line, "Author:");
      if (value != null && author == null) {
        author = value;
        field = "author";
        continue;
      }
      value = valueOf(line, "Language:");
      if (value != null && language == null) {
        language = languageCode(value);
        continue;
      }
      value = valueOf(line, "Release Date:");
      if (value == null) {
        value = valueOf(line, "Release date:");
      }
      if (value != null && release == null) {
        int bracket = value.indexOf('[');
        release = PythonStr.strip(bracket >= 0 ? value.substring(0, bracket) : value);
        if (release.isEmpty()) {
          release = null;
        }
      }
    }
    if (title == null && firstLine != null) {
      Matcher m = FIRST_LINE.matcher(firstLine);
      if (m.matches()) {
        title = m.group(1);
        if (author == null && m.group(2) != null) {
          author = m.group(2);
        }
      }
    }
    return new Header(title, author, language, release, ebook);
  }

  /** The book's page on gutenberg.org, or null without an ebook number. */
  public static String url(Header header) {
    return header.ebook() == null ? null : "https://www.gutenberg.org/ebooks/" + header.ebook();
  }

  private static String valueOf(String line, String label) {
    if (!line.startsWith(label)) {
      return null;
    }
    String value = PythonStr.strip(line.substring(label.length()));
    return value.isEmpty() ? null : value;
  }

  /** The ISO 639-1 code of an English language name ("English", "French and English"), or null. */
  static String languageCode(String name) {
    String first = name.split(",| and |;|/")[0].trim().toLowerCase(Locale.ROOT);
    return LANGUAGE_CODES.get(first);
  }

  private static Map<String, String> languageCodes() {
    Map<String, String> codes = new HashMap<>();
    for (String code : Locale.getISOLanguages()) {
      String name = new Locale(code).getDisplayLanguage(Locale.ENGLISH).toLowerCase(Locale.ROOT);
      codes.putIfAbsent(name, code);
    }
    return codes;
  }
}
