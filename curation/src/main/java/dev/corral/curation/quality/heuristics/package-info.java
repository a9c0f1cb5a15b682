/**
 * Heuristic quality filters from the papers LLaMA's data recipe builds on, as Spark ML stages:
 * {@link dev.corral.curation.quality.heuristics.C4Filter} (Raffel et al. 2020, section 2.2), {@link
 * dev.corral.curation.quality.heuristics.GopherQualityFilter} and {@link
 * dev.corral.curation.quality.heuristics.GopherRepetitionFilter} (Rae et al. 2021, appendix A.1.1
 * and Table A1).
 *
 * <p>Conventions every curation filter in Corral keeps:
 *
 * <ul>
 *   <li><b>Annotate, then filter.</b> A filter stage adds the numbers its rules compare as columns
 *       and a {@code drop_reason} string column; it never removes a row. {@code drop_reason} is
 *       null for kept rows. A stage sets it only where it is still null, so the first stage of a
 *       Pipeline that rejects a document names the reason, later stages still annotate it, and
 *       {@code df.filter("drop_reason IS NULL")} yields the kept documents. When the input already
 *       has the column it must be a string; it keeps its place.
 *   <li><b>Reason codes</b> are short, stable, snake_case strings, asserted by tests: {@code
 *       gopher_short_doc}, {@code c4_lorem_ipsum}, {@code dup_line_frac}, … (DataTrove's names
 *       where DataTrove has the rule). A stage's rules run in a fixed, documented order and the
 *       first one broken is the reason.
 *   <li><b>A rule is small and Spark-free</b>: a class with {@code annotate(text)} returning the
 *       numbers and a thresholds record whose {@code reason(numbers)} is the predicate ({@link
 *       dev.corral.curation.quality.heuristics.GopherQuality}, {@link
 *       dev.corral.curation.quality.heuristics.GopherRepetition}, {@link
 *       dev.corral.curation.quality.heuristics.C4Cleaner}); the stage wraps it in a UDF that
 *       carries only the thresholds.
 *   <li><b>Thresholds are typed params</b> whose default is the published value, with the paper,
 *       section or table in the param's doc. A number equal to its threshold passes; the papers'
 *       wording ("more than", "fewer than") decides which side is strict.
 *   <li><b>Null text</b> gives null annotations and leaves {@code drop_reason} as it was; empty
 *       text is measured (and usually rejected as too short).
 *   <li>Annotation columns are {@code outputPrefix} + a fixed name, so a stage can run twice (e.g.
 *       on {@code text} and on C4's {@code c4_text}) with different prefixes; output columns never
 *       overwrite existing ones.
 *   <li>Words, lines and paragraphs are defined once, in {@link
 *       dev.corral.curation.quality.heuristics.Words}; sentences in {@link
 *       dev.corral.curation.quality.heuristics.SentenceCounter} (see SENTENCES.md).
 * </ul>
 */
package dev.corral.curation.quality.heuristics;
