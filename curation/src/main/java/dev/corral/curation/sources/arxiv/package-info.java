/**
 * arXiv, LLaMA's 2.5% of scientific text (Touvron et al. 2023, section 2.1): "We process arXiv
 * Latex files ... removed everything before the first section, as well as the bibliography. We also
 * removed the comments from the .tex files, and inline-expanded definitions and macros written by
 * users". {@link dev.corral.curation.sources.arxiv.ArxivReader} reads arXiv's bulk source tars (and
 * {@code .gz} files or project folders) into one row per paper with its {@code .tex} files, as
 * RedPajama v1's {@code data_prep/arxiv} loads them; {@link
 * dev.corral.curation.sources.arxiv.LatexCleaner} cleans them with RedPajama's rules, either fixed
 * ({@code paper}, the default) or byte for byte ({@code redpajama}). Golden files in the tests come
 * from running RedPajama's code ({@code arxiv/make-golden.py}).
 */
package dev.corral.curation.sources.arxiv;
