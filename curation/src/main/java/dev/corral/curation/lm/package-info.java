/**
 * N-gram language models for CCNet's perplexity filter (Wenzek et al. 2020), the LLaMA CommonCrawl
 * recipe's KenLM step (Touvron et al. 2023, section 2.1), in pure Java and checked against KenLM
 * (Heafield 2011; Heafield et al. 2013) with golden files.
 *
 * <ul>
 *   <li>{@link dev.corral.curation.lm.NgramModel}: scoring as KenLM's {@code model.score(sentence,
 *       bos=True, eos=True)}, over any ARPA file in primitive arrays ({@link
 *       dev.corral.curation.lm.ArpaReader}) or a KenLM binary queried in place ({@link
 *       dev.corral.curation.lm.KenlmBinary});
 *   <li>{@link dev.corral.curation.lm.NgramTrainer}: interpolated modified Kneser-Ney as {@code
 *       lmplz} estimates it, counted with Spark ({@link dev.corral.curation.lm.SparkNgramCounter})
 *       or in memory ({@link dev.corral.curation.lm.NgramCounts}), written as ARPA;
 *   <li>{@link dev.corral.curation.lm.CcnetPerplexity}: a document's perplexity as CCNet computes
 *       it, after {@link dev.corral.curation.lm.CcnetNormalizer} and a {@link
 *       dev.corral.curation.lm.Tokenizer}.
 * </ul>
 *
 * Touches the JDK, plus Spark in {@code SparkNgramCounter} and {@code NgramTrainer} only.
 */
package dev.corral.curation.lm;
