package dev.corral.curation.sentencepiece;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The model's vocabulary and specs as read, and one model shared by many threads. */
class SentencePieceModelTest {
  @Test
  void vocabularyAndSpecs() {
    SentencePieceModel unigram = SentencePieceGoldenTest.model("unigram-8k");
    assertEquals(8000, unigram.size());
    assertEquals(SentencePieceModel.ModelType.UNIGRAM, unigram.modelType());
    assertEquals("nmt_nfkc", unigram.normalizerName());
    assertEquals(0, unigram.unkId());
    assertTrue(unigram.isUnknown(0));
    assertEquals("<s>", unigram.idToPiece(unigram.bosId()));
    assertEquals("</s>", unigram.idToPiece(unigram.eosId()));
    assertEquals(-1, unigram.padId());
    assertTrue(unigram.isControl(unigram.pieceToId("<cls>")));
    assertTrue(unigram.isUserDefined(unigram.pieceToId("UDHR")));
    assertEquals(unigram.unkId(), unigram.pieceToId("no such piece"));
    assertFalse(unigram.byteFallback());

    SentencePieceModel bpe = SentencePieceGoldenTest.model("bpe-2k-bytes");
    assertEquals(SentencePieceModel.ModelType.BPE, bpe.modelType());
    assertTrue(bpe.byteFallback());
    assertTrue(bpe.isByte(bpe.pieceToId("<0xE3>")));
    assertEquals("identity", SentencePieceGoldenTest.model("bpe-identity").normalizerName());
  }

  @Test
  void emptyAndBlankTextHaveNoPieces() {
    SentencePieceModel sp = SentencePieceGoldenTest.model("unigram-1k");
    assertEquals(0, sp.encode("").length);
    assertEquals(0, sp.encode(" \t\u3000 ").length);
    assertEquals(List.of(), sp.encodeAsPieces("   "));
  }

  @Test
  void oneModelManyThreads() throws Exception {
    SentencePieceModel sp = SentencePieceGoldenTest.model("bpe-8k");
    List<byte[]> paragraphs = SentencePieceGoldenTest.udhr().subList(0, 600);
    List<int[]> expected = new ArrayList<>();
    for (byte[] p : paragraphs) {
      expected.add(sp.encode(p));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<int[]>>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(
            pool.submit(
                () -> {
                  List<int[]> out = new ArrayList<>();
                  for (byte[] p : paragraphs) {
                    out.add(sp.encode(p));
                  }
                  return out;
                }));
      }
      for (Future<List<int[]>> run : runs) {
        List<int[]> got = run.get();
        for (int i = 0; i < expected.size(); i++) {
          assertArrayEquals(expected.get(i), got.get(i), "paragraph " + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
