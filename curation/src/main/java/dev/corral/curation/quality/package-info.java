/**
 * Document quality: {@link dev.corral.curation.quality.QualityClassifier}, LLaMA's "looks like a
 * page cited by Wikipedia" linear classifier (Touvron et al. 2023, section 2.1) as a fastText
 * model, and in {@code heuristics} the C4 and Gopher rule-based filters. Every stage annotates
 * numbers and records a {@code drop_reason}; none removes rows.
 */
package dev.corral.curation.quality;
