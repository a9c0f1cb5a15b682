/**
 * Wikipedia as a LLaMA source: MediaWiki XML dumps (plain, bzip2, multistream with its index) and
 * CirrusSearch content dumps read by many tasks per file ({@link
 * dev.corral.curation.sources.wikipedia.DumpInputFormat}), pages cleaned exactly as the Hugging
 * Face {@code wikipedia} builder cleans them ({@link
 * dev.corral.curation.sources.wikipedia.WikitextCleaner} on Corral's own {@code WikitextParser},
 * which tokenizes as mwparserfromhell 0.6.4 does), unreadable records skipped and counted per file
 * with their offsets ({@link dev.corral.curation.sources.wikipedia.DumpCounts}). The entry point is
 * {@link dev.corral.curation.sources.wikipedia.Wikipedia#read}.
 */
package dev.corral.curation.sources.wikipedia;
