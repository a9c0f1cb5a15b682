package dev.corral.curation.ccnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.core.CorralException;
import dev.corral.core.testing.TestSpark;
import dev.corral.curation.lm.CcnetNormalizer;
import dev.corral.curation.lm.CcnetPerplexity;
import dev.corral.curation.lm.NgramModel;
import dev.corral.curation.lm.NgramTrainer;
import dev.corral.curation.lm.Tokenizer;
import dev.corral.curation.lm.VocabularyTokenizer;
import dev.corral.curation.models.ExecutorTokenizers;
import dev.corral.curation.models.PieceTokenizer;
import dev.corral.curation.sentencepiece.SentencePieceModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code --lm-dir} in CCNet's layout, {@code <lang>.arpa.bin} (KenLM binaries), is read as its
 * ARPA twin would be; its headers are checked on the driver before Spark starts.
 */
class LanguageModelsTest {
  @TempDir Path dir;

  private static byte[] gunzip(String resource) throws IOException {
    try (InputStream in =
        new GZIPInputStream(LanguageModelsTest.class.getResourceAsStream("/lm/" + resource))) {
      return in.readAllBytes();
    }
  }

  @Test
  void binaryModelsScoreAsTheirArpaFiles() throws IOException {
    Path binaries = Files.createDirectories(dir.resolve("bin"));
    Path arpas = Files.createDirectories(dir.resolve("arpa"));
    Files.write(binaries.resolve("kmb.arpa.bin"), gunzip("kenlm.o5.probing.bin.gz"));
    Files.write(arpas.resolve("kmb.arpa"), gunzip("kenlm.o5.arpa.gz"));
    LanguageModels.checkModels(binaries.toString());
    LanguageModels.checkModels(arpas.toString());

    CcnetPerplexity fromBinary =
        LanguageModels.get(binaries.toString(), "kmb", "whitespace").orElseThrow();
    CcnetPerplexity fromArpa =
        LanguageModels.get(arpas.toString(), "kmb", "whitespace").orElseThrow();
    assertEquals(Optional.empty(), LanguageModels.get(binaries.toString(), "fr", "whitespace"));
    List<String> documents =
        List.of(
            "Mutu uoso uoso uala ni ubinganu ua kukala ni kinjimbuete kia uvalelu .",
            "Omanu vosi kilu lieve\nva citiwa lonjila yimosi",
            "Zürich 2024");
    for (String document : documents) {
      double binary = fromBinary.perplexity(document);
      assertEquals(fromArpa.perplexity(document), binary, 1e-9, document);
      assertTrue(binary > 1, document);
    }
    // The same file read from a stream, as from a file system that cannot map it.
    byte[] bytes = Files.readAllBytes(binaries.resolve("kmb.arpa.bin"));
    NgramModel streamed =
        NgramModel.read(new java.io.ByteArrayInputStream(bytes), bytes.length, "kmb.arpa.bin");
    CcnetPerplexity viaStream = new CcnetPerplexity(streamed, Tokenizer.whitespace());
    assertEquals(fromArpa.perplexity(documents.get(1)), viaStream.perplexity(documents.get(1)));
  }

  @Test
  void aTruncatedBinaryFailsOnTheDriver() throws IOException {
    Path lm = Files.createDirectories(dir.resolve("lm"));
    byte[] bytes = gunzip("kenlm.o3.probing.bin.gz");
    Files.write(lm.resolve("de.arpa.bin"), Arrays.copyOf(bytes, bytes.length / 2));
    CorralException e =
        assertThrows(CorralException.class, () -> LanguageModels.checkModels(lm.toString()));
    assertTrue(e.getMessage().contains("de.arpa.bin: truncated KenLM binary"), e.getMessage());
  }

  @Test
  void theScorersModeParamPicksCcnetsDocumentScoring() throws IOException {
    Path lm = Files.createDirectories(dir.resolve("mode"));
    Files.write(lm.resolve("kmb.arpa.bin"), gunzip("kenlm.o5.probing.bin.gz"));
    String text = "Mutu uoso uoso uala\nni ubinganu ua kukala";
    PerplexityScorer.Score lines = new PerplexityScorer.Score(lm.toString(), "whitespace", "lines");
    PerplexityScorer.Score document =
        new PerplexityScorer.Score(lm.toString(), "whitespace", "document");
    NgramModel model = NgramModel.load(lm.resolve("kmb.arpa.bin"));
    CcnetPerplexity byHand =
        new CcnetPerplexity(model, Tokenizer.whitespace(), CcnetPerplexity.Mode.DOCUMENT);
    // mine.py: the newline vanishes in normalization, so "uala" and "ni" become one word "ualani".
    assertEquals(
        new CcnetPerplexity(model, Tokenizer.whitespace())
            .perplexity("mutu uoso uoso ualani ubinganu ua kukala"),
        document.call(text, "kmb"));
    assertEquals(byHand.perplexity(text), document.call(text, "kmb"));
    assertTrue(!lines.call(text, "kmb").equals(document.call(text, "kmb")));
    assertEquals(null, document.call(text, "fr"));
    assertEquals("lines", new PerplexityScorer().getMode());
    assertThrows(IllegalArgumentException.class, () -> new PerplexityScorer().setMode("sentences"));
  }

  /**
   * CCNet's layout: {@code <lang>.sp.model} beside {@code <lang>.arpa.bin} tokenizes that
   * language's text (pieces joined by spaces) in place of the default tokenizer; a corrupt one is
   * refused on the driver, naming the file.
   */
  @Test
  void aSentencePieceModelBesideTheBinaryTokenizes() throws IOException {
    Path ccnet = Files.createDirectories(dir.resolve("ccnet"));
    Files.write(ccnet.resolve("kmb.arpa.bin"), gunzip("kenlm.o5.probing.bin.gz"));
    Path plain = Files.createDirectories(dir.resolve("plain"));
    Files.write(plain.resolve("kmb.arpa.bin"), gunzip("kenlm.o5.probing.bin.gz"));
    byte[] spModel;
    try (InputStream in =
        LanguageModelsTest.class.getResourceAsStream(
            "/dev/corral/curation/sentencepiece/unigram-1k.model")) {
      spModel = in.readAllBytes();
    }
    Files.write(ccnet.resolve("kmb.sp.model"), spModel);
    LanguageModels.checkModels(ccnet.toString());

    CcnetPerplexity withPieces =
        LanguageModels.get(ccnet.toString(), "kmb", "whitespace").orElseThrow();
    CcnetPerplexity withWords =
        LanguageModels.get(plain.toString(), "kmb", "whitespace").orElseThrow();
    SentencePieceModel sp = SentencePieceModel.read(spModel, "kmb.sp.model");
    CcnetPerplexity expected =
        new CcnetPerplexity(
            NgramModel.load(ccnet.resolve("kmb.arpa.bin")),
            text -> String.join(" ", sp.encodeAsPieces(text)));
    String document = "Mutu uoso uoso uala ni ubinganu ua kukala ni kinjimbuete kia uvalelu .";
    assertEquals(expected.perplexity(document), withPieces.perplexity(document), 1e-9);
    assertTrue(
        Math.abs(withPieces.perplexity(document) - withWords.perplexity(document)) > 1,
        "the pieces, not the words, were scored");

    Files.write(ccnet.resolve("kmb.sp.model"), Arrays.copyOf(spModel, spModel.length / 3));
    CorralException e =
        assertThrows(CorralException.class, () -> LanguageModels.checkModels(ccnet.toString()));
    assertTrue(e.getMessage().contains("kmb.sp.model"), e.getMessage());
  }

  /**
   * In CCNet's layout the pieces are looked up one by one (each vocabulary piece's word found once
   * per model, an unknown run's text when it comes): every UDHR paragraph, and documents of three
   * paragraphs, score exactly as through the joined pieces, in both modes, with and without unknown
   * pieces.
   */
  @Test
  void pieceIdsScoreAsTheJoinedPieces() throws IOException {
    byte[] spModel;
    try (InputStream in =
        LanguageModelsTest.class.getResourceAsStream(
            "/dev/corral/curation/sentencepiece/unigram-1k.model")) {
      spModel = in.readAllBytes();
    }
    SentencePieceModel sp = SentencePieceModel.read(spModel, "xx.sp.model");
    List<String> paragraphs = udhrParagraphs();
    Path lm = Files.createDirectories(dir.resolve("ccnet"));
    Function<String, String> joined = text -> String.join(" ", sp.encodeAsPieces(text));
    trainOnPieces(paragraphs, joined, lm.resolve("xx.arpa"));
    Files.write(lm.resolve("xx.sp.model"), spModel);
    CcnetPerplexity byIds = LanguageModels.get(lm.toString(), "xx", "whitespace").orElseThrow();
    CcnetPerplexity byText =
        new CcnetPerplexity(NgramModel.load(lm.resolve("xx.arpa")), joined::apply);
    int[] branches = new int[2]; // documents with and without an unknown piece
    for (int i = 0; i < paragraphs.size(); i++) {
      assertSameScores(byText, byIds, paragraphs, i);
      int[] ids = sp.encode(CcnetNormalizer.normalize(paragraphs.get(i)));
      branches[Arrays.stream(ids).anyMatch(sp::isUnknown) ? 1 : 0]++;
    }
    assertTrue(branches[0] > 1000 && branches[1] > 10, Arrays.toString(branches));
  }

  /**
   * Corral's layout with the bundled LLaMA tokenizer (a tokenizer.json the pure-Java encoder reads)
   * hands the pieces over one by one too: every third UDHR paragraph (all 266 languages), and
   * documents of three paragraphs, score exactly as through the joined pieces, in both modes.
   */
  @Test
  void llamaPiecesScoreAsTheJoinedPieces() throws IOException {
    PieceTokenizer llama = ExecutorTokenizers.pieces(ExecutorTokenizers.LLAMA);
    Tokenizer tokenizer = LanguageModels.tokenizer(ExecutorTokenizers.LLAMA);
    assertTrue(tokenizer instanceof VocabularyTokenizer, tokenizer.getClass().getName());
    List<String> paragraphs = udhrParagraphs();
    Path lm = Files.createDirectories(dir.resolve("corral"));
    trainOnPieces(paragraphs, llama::joinedPieces, lm.resolve("xx.arpa"));
    CcnetPerplexity byPieces =
        LanguageModels.get(lm.toString(), "xx", ExecutorTokenizers.LLAMA).orElseThrow();
    CcnetPerplexity byText =
        new CcnetPerplexity(NgramModel.load(lm.resolve("xx.arpa")), llama::joinedPieces);
    for (int i = 0;
        i < paragraphs.size();
        i += 3) { // a third of them: every language, in less time
      assertSameScores(byText, byPieces, paragraphs, i);
    }
  }

  private static List<String> udhrParagraphs() throws IOException {
    return Files.readAllLines(TestSpark.sharedDir().resolve("data/udhr-dev.tsv")).stream()
        .map(line -> line.split("\t", 3)[2])
        .toList();
  }

  /** A 3-gram model at {@code arpa} trained on the first 3,000 paragraphs' joined pieces. */
  private static void trainOnPieces(
      List<String> paragraphs, Function<String, String> joinedPieces, Path arpa) {
    new NgramTrainer(3)
        .train(
            paragraphs.subList(0, 3000).stream()
                .map(t -> joinedPieces.apply(CcnetNormalizer.normalize(t)))
                .toList(),
            arpa);
  }

  /**
   * Paragraph {@code i}, and the document of it and the next two, score the same, in both modes.
   */
  private static void assertSameScores(
      CcnetPerplexity expected, CcnetPerplexity actual, List<String> paragraphs, int i) {
    String document = String.join("\n", paragraphs.subList(i, Math.min(paragraphs.size(), i + 3)));
    for (String text : List.of(paragraphs.get(i), document)) {
      for (CcnetPerplexity.Mode mode : CcnetPerplexity.Mode.values()) {
        assertEquals(
            expected.withMode(mode).score(text), actual.withMode(mode).score(text), "" + i);
      }
    }
  }
}
