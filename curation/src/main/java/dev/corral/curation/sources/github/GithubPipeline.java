package dev.corral.curation.sources.github;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.types.StructType;

/**
 * The GitHub stages in the order each mode runs them, over {@link GithubReader}'s rows.
 *
 * <ul>
 *   <li>paper (LLaMA: licences, then the quality heuristics, then "Finally, we deduplicate the
 *       resulting dataset at the file level"): {@link GithubLicenseFilter}, {@link
 *       GithubQualityFilter}, {@link GithubDeduplicator} keeping the smallest {@code (repo_name,
 *       path)} among the files the filters kept;
 *   <li>RedPajama v1: {@link GithubLicenseFilter}, {@link GithubDeduplicator} keeping the first
 *       seen ({@value GithubReader#INPUT_ORDER}) before any quality rule, as {@code
 *       github_clean_dedup_local.py} and {@code github_global_dedup.py} do, then {@link
 *       GithubQualityFilter}.
 * </ul>
 */
public final class GithubPipeline {
  private GithubPipeline() {}

  /** The stages of a mode, each with its defaults. */
  public static List<PipelineStage> stages(boolean redPajama) {
    List<PipelineStage> stages = new ArrayList<>();
    stages.add(new GithubLicenseFilter());
    if (redPajama) {
      stages.add(new GithubDeduplicator().setOrderCols(GithubReader.INPUT_ORDER));
      stages.add(new GithubQualityFilter());
    } else {
      stages.add(new GithubQualityFilter());
      stages.add(new GithubDeduplicator());
    }
    return stages;
  }

  /**
   * The last stage of both modes: a projection that puts the columns in one order, the reader's
   * (without {@value GithubReader#INPUT_ORDER}), the statistics, {@code duplicate_of}, then {@code
   * drop_reason} and any other column; call it after setting the stages' params.
   */
  public static SQLTransformer outputColumns(List<PipelineStage> stages, boolean redPajama) {
    StructType schema = GithubReader.schema(redPajama);
    for (PipelineStage stage : stages) {
      schema = stage.transformSchema(schema);
    }
    List<String> names = new ArrayList<>(Arrays.asList(schema.fieldNames()));
    names.remove(GithubReader.INPUT_ORDER);
    List<String> ordered = new ArrayList<>(Arrays.asList(GithubReader.schema(false).fieldNames()));
    for (PipelineStage stage : stages) {
      if (stage instanceof GithubQualityFilter q) {
        GithubQualityFilter.ANNOTATIONS.forEach(a -> ordered.add(q.getOutputPrefix() + a));
      }
    }
    for (PipelineStage stage : stages) {
      if (stage instanceof GithubDeduplicator d) {
        ordered.add(d.getDuplicateOfCol());
      }
    }
    ordered.retainAll(names);
    for (String name : names) {
      if (!ordered.contains(name)) {
        ordered.add(name);
      }
    }
    String columns =
        ordered.stream()
            .map(c -> "`" + c.replace("`", "``") + "`")
            .collect(Collectors.joining(", "));
    return new SQLTransformer().setStatement("SELECT " + columns + " FROM __THIS__");
  }
}
