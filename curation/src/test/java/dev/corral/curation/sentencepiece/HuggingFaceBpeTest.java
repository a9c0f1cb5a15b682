package dev.corral.curation.sentencepiece;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.core.CorralException;
import dev.corral.curation.models.ExecutorTokenizers;
import dev.corral.curation.models.PieceTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundled LLaMA tokenizer.json read into the pure-Java SentencePiece encoder gives the ids and
 * tokens of DJL's Hugging Face tokenizer (the Rust {@code tokenizers} library, no special tokens
 * added) on every UDHR paragraph of the 266 languages and on the hard cases; other shapes of
 * tokenizer.json are refused.
 */
class HuggingFaceBpeTest {
  private static byte[] json;
  private static HuggingFaceBpe java;
  private static HuggingFaceTokenizer djl;

  @BeforeAll
  static void load() {
    json = ExecutorTokenizers.json(ExecutorTokenizers.LLAMA);
    java = HuggingFaceBpe.read(json, ExecutorTokenizers.LLAMA);
    djl = ExecutorTokenizers.get(ExecutorTokenizers.LLAMA);
  }

  /** DJL's ids and tokens of each text, in one native call. */
  private static List<String> reference(List<String> texts) {
    long[] encodings =
        TokenizersLibrary.LIB.batchEncode(djl.getHandle(), texts.toArray(new String[0]), false);
    List<String> out = new ArrayList<>(texts.size());
    try {
      for (long e : encodings) {
        out.add(
            Arrays.toString(TokenizersLibrary.LIB.getTokenIds(e))
                + " "
                + Arrays.toString(TokenizersLibrary.LIB.getTokens(e)));
      }
    } finally {
      for (long e : encodings) {
        TokenizersLibrary.LIB.deleteEncoding(e);
      }
    }
    return out;
  }

  private static String ours(String text) {
    long[] ids = Arrays.stream(java.encode(text)).asLongStream().toArray();
    return Arrays.toString(ids) + " " + Arrays.toString(java.encodeAsPieces(text).toArray());
  }

  private static void assertSame(List<String> texts) {
    List<String> expected = reference(texts);
    List<String> differ = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String actual = ours(texts.get(i));
      if (!actual.equals(expected.get(i))) {
        differ.add(
            i
                + ": "
                + abbreviate(texts.get(i))
                + "\n  djl:  "
                + abbreviate(expected.get(i))
                + "\n  java: "
                + abbreviate(actual));
      }
    }
    assertTrue(
        differ.isEmpty(),
        differ.size()
            + " of "
            + texts.size()
            + " texts differ from DJL, first: "
            + String.join("\n", differ.subList(0, Math.min(3, differ.size()))));
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  @Test
  void everyUdhrParagraph() throws IOException {
    List<String> paragraphs = new ArrayList<>();
    for (byte[] p : SentencePieceGoldenTest.udhr()) {
      paragraphs.add(new String(p, StandardCharsets.UTF_8));
    }
    assertTrue(paragraphs.size() > 9000, "udhr-dev.tsv has its 10k paragraphs");
    assertSame(paragraphs);
  }

  @Test
  void itsModelProtoAloneGivesTheSameIdsOnEveryUdhrParagraph() throws IOException {
    byte[] proto = java.modelProto();
    SentencePieceModel alone = SentencePieceModel.read(proto, "llama.model");
    assertEquals(32_000, alone.size());
    List<String> differ = new ArrayList<>();
    for (byte[] p : SentencePieceGoldenTest.udhr()) {
      String text = new String(p, StandardCharsets.UTF_8);
      if (!Arrays.equals(java.encode(text), alone.encode(text))) {
        differ.add(abbreviate(text));
      }
    }
    assertTrue(
        differ.isEmpty(), () -> differ.size() + " paragraphs differ, first: " + differ.get(0));
  }

  @Test
  void hardCases() {
    StringBuilder longLine = new StringBuilder();
    for (int i = 0; longLine.length() < 100_000; i++) {
      longLine.append("word").append(i % 97).append(i % 7 == 0 ? "  " : " ").append("ünï ");
    }
    List<String> texts =
        new ArrayList<>(
            List.of(
                "",
                " ",
                "  ",
                "   ",
                "hello",
                " hello",
                "  hello",
                "hello ",
                "hello  ",
                "hello   world",
                "a b  c   d    e     f      g       h        i",
                "\n",
                "line one\nline two\n\nline four\n",
                "\ttab\tseparated\t\tvalues\t",
                "\r\n windows \r\n",
                "emoji 😀👍🏽 and 🇫🇷 flags 👨‍👩‍👧",
                "unknown to the vocabulary: ꙮ 𓀀 ᚠᛇᚻ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u0000 \u0001 \u00ad",
                "ＦＵＬＬＷＩＤＴＨ ﬁ ligature ① no NFKC",
                "<s>",
                "<s> starts",
                "a<s>b</s>c<unk>d",
                "<s><s></s>",
                " <s> spaced </s> ",
                "<s",
                "<ss>",
                "----------------------------------------------",
                "...............   .....  ...",
                "================ ________________ ******",
                "xxxxxxxxxxxxx hahahahaha IIIIIII wwwwwww",
                "    def f(x):\n        return x  # four and eight spaces\n",
                "                                                            sixty spaces",
                "\u2581 already metaspace \u2581\u2581 two",
                "日本語のテキストと中文文本和한국어 텍스트",
                "العربية وעברית mixed with English",
                longLine.toString()));
    for (int n = 1; n <= 40; n++) {
      texts.add(" ".repeat(n) + "x" + " ".repeat(n));
      texts.add("-".repeat(n));
    }
    assertSame(texts);
    assertEquals(0, java.encode("").length);
  }

  @Test
  void countsAreTheIds() {
    String text = "All human beings are born free and equal in dignity and rights.";
    assertEquals(java.encode(text).length, java.count(text));
    assertArrayEquals(java.model().encode(text), java.encode(text));
  }

  @Test
  void theBundledTokenizerCountsInJavaAsDjlDoes() {
    PieceTokenizer pieces = ExecutorTokenizers.pieces(ExecutorTokenizers.LLAMA);
    assertTrue(pieces.pureJava(), "LLaMA's tokenizer.json goes to the pure-Java encoder");
    List<String> texts = List.of("", "Hello  world", "a<s>b", "日本語 😀");
    assertArrayEquals(PieceTokenizer.of(djl).counts(texts), pieces.counts(texts));
    for (String t : texts) {
      assertEquals(PieceTokenizer.of(djl).joinedPieces(t), pieces.joinedPieces(t));
    }
  }

  private static CorralException refused(Consumer<ObjectNode> change) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = (ObjectNode) mapper.readTree(json);
    change.accept(root);
    byte[] bytes = mapper.writeValueAsBytes(root);
    return assertThrows(CorralException.class, () -> HuggingFaceBpe.read(bytes, "tok.json"));
  }

  @Test
  void otherShapesAreRefused() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    String[][] cases = {
      {"normalizer", "{\"type\": \"NFKC\"}", "normalizer is NFKC"},
      {"pre_tokenizer", "{\"type\": \"ByteLevel\"}", "pre_tokenizer is ByteLevel"},
      {"model.type", "\"Unigram\"", "model.type is Unigram"},
      {"model.dropout", "0.1", "model.dropout is 0.1"},
      {"model.unk_token", "null", "model.unk_token is null"},
    };
    for (String[] c : cases) {
      CorralException e =
          refused(
              root -> {
                ObjectNode at = root;
                String key = c[0];
                if (key.startsWith("model.")) {
                  at = (ObjectNode) root.get("model");
                  key = key.substring("model.".length());
                }
                try {
                  at.set(key, mapper.readTree(c[1]));
                } catch (IOException ex) {
                  throw new IllegalStateException(ex);
                }
              });
      assertTrue(e.getMessage().startsWith("tok.json: "), e.getMessage());
      assertTrue(e.getMessage().contains(c[2]), e.getMessage());
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
    CorralException strip =
        refused(root -> ((ObjectNode) root.get("added_tokens").get(1)).put("lstrip", true));
    assertTrue(strip.getMessage().contains("'<s>' has lstrip true"), strip.getMessage());
    CorralException merge =
        refused(root -> ((ArrayNode) root.get("model").get("merges")).add("▁t zzzq"));
    assertTrue(merge.getMessage().contains("'zzzq' is not in the vocabulary"), merge.getMessage());
    CorralException twice =
        refused(root -> ((ArrayNode) root.get("model").get("merges")).add("▁ t"));
    assertTrue(twice.getMessage().contains("second merge of one pair"), twice.getMessage());
    CorralException notJson =
        assertThrows(
            CorralException.class,
            () -> HuggingFaceBpe.read("{\"model\":".getBytes(StandardCharsets.UTF_8), "tok.json"));
    assertTrue(notJson.getMessage().startsWith("tok.json: "), notJson.getMessage());
  }
}
