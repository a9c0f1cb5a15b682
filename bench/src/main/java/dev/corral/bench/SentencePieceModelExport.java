package dev.corral.bench;

import dev.corral.curation.models.ExecutorTokenizers;
import dev.corral.curation.sentencepiece.HuggingFaceBpe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a {@code tokenizer.json} of SentencePiece's BPE shape (default: the bundled LLaMA one) as
 * a SentencePiece {@code .model}, so that a Python reference tokenizes with the {@code
 * sentencepiece} module into the same pieces as Corral.
 *
 * <p>Usage: {@code SentencePieceModelExport OUT.model [tokenizer.json]}
 */
public final class SentencePieceModelExport {
  private SentencePieceModelExport() {}

  public static void main(String[] args) throws IOException {
    String source = args.length > 1 ? args[1] : ExecutorTokenizers.LLAMA;
    Files.write(
        Path.of(args[0]),
        HuggingFaceBpe.read(ExecutorTokenizers.json(source), source).modelProto());
  }
}
