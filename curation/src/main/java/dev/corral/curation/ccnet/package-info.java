/**
 * CCNet's steps on Spark (Wenzek et al. 2020, "CCNet: Extracting High Quality Monolingual Datasets
 * from Web Crawl Data"), as LLaMA's CommonCrawl processing uses them: {@link
 * dev.corral.curation.ccnet.LineDeduplicator} (line hashes from {@link
 * dev.corral.curation.ccnet.LineHashes}), {@link dev.corral.curation.ccnet.LanguageFilter} after
 * {@link dev.corral.curation.langid.LanguageIdentifier}, and {@link
 * dev.corral.curation.ccnet.PerplexityBuckets}. Documents come from {@link
 * dev.corral.curation.io.WarcReader}. Stages add columns and record {@code drop_reason}; they never
 * drop rows.
 */
package dev.corral.curation.ccnet;
