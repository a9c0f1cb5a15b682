/**
 * Books, LLaMA's Gutenberg and Books3 (Touvron et al. 2023, section 2.1), read as RedPajama v1 read
 * them: Project Gutenberg plain-text files with their header and licence removed ({@link
 * dev.corral.curation.sources.books.GutenbergText}), PG-19 and Books3 JSON Lines ({@link
 * dev.corral.curation.sources.books.Books}). Book-level dedup is the dedup package's: {@code
 * BookDeduplicator} (the paper's "more than 90% content overlap") or {@code SimHashDeduplicator}
 * (RedPajama v1's SimHash).
 */
package dev.corral.curation.sources.books;
