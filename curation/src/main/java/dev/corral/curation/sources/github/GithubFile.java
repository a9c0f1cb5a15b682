package dev.corral.curation.sources.github;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One file of the BigQuery export ({@code contents JOIN files JOIN licenses JOIN languages}, one
 * row per blob, repository and path), with only the fields Corral uses, and its document row:
 * {@code text} is the content without its licence header ({@link HeaderCleaner}) and {@code
 * content_hash} the MD5 of the raw content's UTF-8, as RedPajama v1 hashes it for the exact dedup.
 *
 * @param content the file's text as exported, before cleaning
 * @param repoName {@code owner/name}
 * @param path the path inside the repository
 * @param license the repository's licence key ({@code mit}, {@code apache-2.0}, ...); may be null
 * @param ref the git ref the file was read at ({@code refs/heads/master}); may be null
 */
public record GithubFile(String content, String repoName, String path, String license, String ref) {
  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JVM has MD5", e);
            }
          });

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** Why a record cannot be read as a file: thrown by {@link #parse}, one line. */
  public static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String why) {
      super(why, null, false, false);
    }
  }

  /**
   * Parses one JSON line of the export (UTF-8 bytes {@code [from, to)}): a JSON object whose {@code
   * content}, {@code repo_name} and {@code path} are strings (as Python's {@code json.loads} reads
   * it: {@code NaN} is allowed, a repeated key takes its last value); other fields are skipped
   * unread.
   */
  public static GithubFile parse(byte[] line, int from, int to) throws Malformed {
    String content = null;
    String repoName = null;
    String path = null;
    String license = null;
    String ref = null;
    try (JsonParser p = JSON.createParser(line, from, to - from)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new Malformed("not a JSON object");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        String text = value == JsonToken.VALUE_STRING ? p.getText() : null;
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          p.skipChildren();
        }
        switch (name) {
          case "content" -> content = text;
          case "repo_name" -> repoName = text;
          case "path" -> path = text;
          case "license" -> license = text;
          case "ref" -> ref = text;
          default -> {}
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new Malformed("not one JSON object");
      }
    } catch (IOException e) {
      throw new Malformed("invalid JSON: " + firstLine(e.getMessage()));
    }
    GithubFile file = new GithubFile(content, repoName, path, license, ref);
    file.check();
    return file;
  }

  /**
   * Fails unless the fields every row needs are there and the content can be hashed: a lone
   * surrogate ({@code "\ud800"}) has no UTF-8, and RedPajama's hashing stops on it.
   */
  public void check() throws Malformed {
    if (content == null || repoName == null || path == null) {
      throw new Malformed(
          "no string " + (content == null ? "content" : repoName == null ? "repo_name" : "path"));
    }
    if (hasLoneSurrogate(content)) {
      throw new Malformed("content holds a lone surrogate, which has no UTF-8");
    }
  }

  /** {@code github/<repo_name>/<path>}: stable, and unique per file of a repository. */
  public String id() {
    return "github/" + repoName + "/" + path;
  }

  /**
   * The file on GitHub: {@code https://github.com/<repo>/blob/<branch>/<path>}, the branch taken
   * from {@code ref} ({@code HEAD}, the default branch, when there is none), escaped as a URI.
   */
  public String url() {
    String branch = ref == null ? "HEAD" : ref.startsWith("refs/heads/") ? ref.substring(11) : ref;
    try {
      return new URI("https", "github.com", "/" + repoName + "/blob/" + branch + "/" + path, null)
          .toASCIIString();
    } catch (URISyntaxException e) {
      return null; // a path no URI can hold: the document simply has no url
    }
  }

  /** MD5 of the raw content's UTF-8, in lower-case hex ({@code hashlib.md5(...).hexdigest()}). */
  public String contentHash() {
    byte[] digest = MD5.get().digest(content.getBytes(StandardCharsets.UTF_8));
    char[] hex = new char[32];
    for (int i = 0; i < 16; i++) {
      hex[2 * i] = Character.forDigit((digest[i] >> 4) & 0xF, 16);
      hex[2 * i + 1] = Character.forDigit(digest[i] & 0xF, 16);
    }
    return new String(hex);
  }

  /** The content without its header: RedPajama's rule with its quirks, or the paper's. */
  public String cleaned(boolean redPajama) {
    return redPajama ? HeaderCleaner.redPajama(content) : HeaderCleaner.paper(content);
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
