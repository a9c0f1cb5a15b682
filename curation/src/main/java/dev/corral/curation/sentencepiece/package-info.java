/**
 * SentencePiece in pure Java: reads the {@code .model} files that {@code spm_train} writes (CCNet's
 * released {@code {lang}.sp.model}, the LLaMA tokenizer's {@code tokenizer.model}) and encodes text
 * into the same pieces and ids as SentencePiece 0.1.97 does, for unigram and BPE models. No Spark,
 * no Hadoop, no native code.
 *
 * <p>Entry points: {@link
 * dev.corral.curation.sentencepiece.SentencePieceModel#load(java.nio.file.Path)}, {@link
 * dev.corral.curation.sentencepiece.SentencePieceModel#encode(String)} and {@link
 * dev.corral.curation.sentencepiece.SentencePieceModel#encodeAsPieces(String)}; {@link
 * dev.corral.curation.sentencepiece.HuggingFaceBpe} for a Hugging Face {@code tokenizer.json} of
 * SentencePiece's BPE shape (the LLaMA-1/2 tokenizer), encoded as the {@code tokenizers} library
 * does.
 */
package dev.corral.curation.sentencepiece;
