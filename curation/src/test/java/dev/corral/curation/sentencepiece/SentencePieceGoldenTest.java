package dev.corral.curation.sentencepiece;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pieces and ids equal to Debian's {@code spm_encode} 0.1.97 (goldens made by {@code
 * make-golden.sh} beside the models) on every UDHR paragraph of the 266 languages and on the hard
 * cases, for unigram and BPE models of several sizes and options.
 */
class SentencePieceGoldenTest {

  static Path resource(String name) {
    try {
      return Path.of(SentencePieceGoldenTest.class.getResource(name).toURI());
    } catch (Exception e) {
      throw new IllegalStateException("missing test resource " + name, e);
    }
  }

  static SentencePieceModel model(String name) {
    return SentencePieceModel.load(resource(name + ".model"));
  }

  /** A file's lines as spm_encode reads them: split at '\n' only, the last one unterminated. */
  static List<byte[]> lines(byte[] bytes) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        out.add(Arrays.copyOfRange(bytes, start, i));
        start = i + 1;
      }
    }
    if (start < bytes.length) {
      out.add(Arrays.copyOfRange(bytes, start, bytes.length));
    }
    return out;
  }

  static byte[] gunzip(Path file) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The UDHR paragraphs: the third column of udhr-dev.tsv, as {@code cut -f3}. */
  static List<byte[]> udhr() throws IOException {
    Path shared = Path.of(System.getProperty("corral.shared.dir", "../../shared"));
    List<byte[]> out = new ArrayList<>();
    for (byte[] row : lines(Files.readAllBytes(shared.resolve("data/udhr-dev.tsv")))) {
      String[] fields = new String(row, StandardCharsets.UTF_8).split("\t", -1);
      out.add(fields[2].getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  static String piecesLine(SentencePieceModel model, byte[] line) {
    return String.join(" ", model.encodeAsPieces(line));
  }

  static String idsLine(SentencePieceModel model, byte[] line) {
    return Arrays.stream(model.encode(line))
        .mapToObj(Integer::toString)
        .collect(Collectors.joining(" "));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "unigram-1k",
        "unigram-8k",
        "unigram-cf-bytes",
        "unigram-identity",
        "bpe-2k-bytes",
        "bpe-8k",
        "bpe-identity"
      })
  void everyUdhrParagraph(String name) throws IOException, NoSuchAlgorithmException {
    SentencePieceModel model = model(name);
    List<byte[]> paragraphs = udhr();
    byte[] golden = Files.readAllBytes(resource(name + "-udhr.sha"));
    assertEquals(paragraphs.size() * 8, golden.length, "one 8-byte hash per paragraph");
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    List<String> differ = new ArrayList<>();
    for (int i = 0; i < paragraphs.size(); i++) {
      byte[] line = paragraphs.get(i);
      String output = piecesLine(model, line) + "\n" + idsLine(model, line);
      byte[] hash = Arrays.copyOf(sha.digest(output.getBytes(StandardCharsets.UTF_8)), 8);
      if (!Arrays.equals(hash, Arrays.copyOfRange(golden, 8 * i, 8 * i + 8))) {
        differ.add((i + 1) + ": " + piecesLine(model, line));
      }
    }
    assertTrue(
        differ.isEmpty(),
        differ.size()
            + " of "
            + paragraphs.size()
            + " paragraphs differ from spm_encode, first: "
            + differ.subList(0, Math.min(3, differ.size())));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "unigram-1k",
        "unigram-8k",
        "unigram-cf-bytes",
        "unigram-identity",
        "bpe-2k-bytes",
        "bpe-8k",
        "bpe-identity"
      })
  void hardCases(String name) throws IOException {
    SentencePieceModel model = model(name);
    List<byte[]> cases = lines(Files.readAllBytes(resource("hard-cases.txt")));
    List<byte[]> pieces = lines(gunzip(resource(name + "-hard.pieces.gz")));
    List<byte[]> ids = lines(gunzip(resource(name + "-hard.ids.gz")));
    assertEquals(cases.size(), pieces.size());
    assertEquals(cases.size(), ids.size());
    for (int i = 0; i < cases.size(); i++) {
      byte[] line = cases.get(i);
      String where = name + ", hard case " + (i + 1);
      assertEquals(
          new String(pieces.get(i), StandardCharsets.UTF_8), piecesLine(model, line), where);
      assertEquals(new String(ids.get(i), StandardCharsets.UTF_8), idsLine(model, line), where);
      if (Utf8Check.valid(line)) { // the String API agrees with the byte API on valid UTF-8
        String text = new String(line, StandardCharsets.UTF_8);
        assertArrayEquals(model.encode(line), model.encode(text), where);
        assertEquals(model.encodeAsPieces(line), model.encodeAsPieces(text), where);
      }
    }
  }

  /** Strict UTF-8 validity, by the JDK's decoder. */
  static final class Utf8Check {
    static boolean valid(byte[] b) {
      try {
        StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
        return true;
      } catch (java.nio.charset.CharacterCodingException e) {
        return false;
      }
    }
  }
}
