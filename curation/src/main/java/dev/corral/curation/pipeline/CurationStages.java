package dev.corral.curation.pipeline;

import dev.corral.core.stage.StageProvider;
import dev.corral.curation.ccnet.LanguageFilter;
import dev.corral.curation.ccnet.LineDeduplicator;
import dev.corral.curation.ccnet.PerplexityBuckets;
import dev.corral.curation.ccnet.PerplexityScorer;
import dev.corral.curation.classify.FastTextClassifier;
import dev.corral.curation.decontam.Contamination;
import dev.corral.curation.dedup.BookDeduplicator;
import dev.corral.curation.dedup.ExactDeduplicator;
import dev.corral.curation.dedup.MinHashDeduplicator;
import dev.corral.curation.dedup.SimHashDeduplicator;
import dev.corral.curation.langid.LanguageIdentifier;
import dev.corral.curation.mixture.TokenCounter;
import dev.corral.curation.quality.QualityClassifier;
import dev.corral.curation.quality.heuristics.C4Filter;
import dev.corral.curation.quality.heuristics.GopherQualityFilter;
import dev.corral.curation.quality.heuristics.GopherRepetitionFilter;
import dev.corral.curation.sources.arxiv.LatexCleaner;
import dev.corral.curation.sources.github.GithubDeduplicator;
import dev.corral.curation.sources.github.GithubLicenseFilter;
import dev.corral.curation.sources.github.GithubQualityFilter;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.ml.PipelineStage;

/** The curation stages a pipeline YAML may name (registered in {@code META-INF/services}). */
public final class CurationStages implements StageProvider {
  @Override
  public List<Supplier<PipelineStage>> stages() {
    return List.of(
        // CCNet (Wenzek et al. 2020): line dedup, language, perplexity, buckets.
        LineDeduplicator::new,
        LanguageIdentifier::new,
        LanguageFilter::new,
        PerplexityScorer::new,
        PerplexityBuckets::new,
        // Quality: the Wikipedia-reference classifier and the C4 / Gopher rules.
        QualityClassifier::new,
        FastTextClassifier::new,
        C4Filter::new,
        GopherQualityFilter::new,
        GopherRepetitionFilter::new,
        // Document dedup: exact, near-duplicate (MinHash-LSH), books (containment; SimHash as
        // RedPajama v1).
        ExactDeduplicator::new,
        MinHashDeduplicator::new,
        BookDeduplicator::new,
        SimHashDeduplicator::new,
        // Benchmark decontamination: 13-gram overlap with evaluation prompts and answers (GPT-3).
        Contamination::new,
        // Sources: GitHub's licence, quality and file-level dedup rules (RedPajama v1).
        GithubLicenseFilter::new,
        GithubQualityFilter::new,
        GithubDeduplicator::new,
        // Sources: arXiv's LaTeX cleaning (LLaMA section 2.1, RedPajama v1's rules).
        LatexCleaner::new,
        // Mixture preparation.
        TokenCounter::new);
  }
}
