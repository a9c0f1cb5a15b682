package dev.corral.curation.mixture;

import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code report.md} and its PNG charts beside a mixture: what was asked, what was written, what was
 * dropped.
 */
final class Report {
  private Report() {}

  static void write(MixtureBuilder.Result result, MixtureConfig config) {
    List<MixtureBuilder.SourceResult> sources = result.sources();
    int n = sources.size();
    String[] names = new String[n];
    double[][] shares = new double[n][2];
    double[][] tokens = new double[n][1];
    double[][] epochs = new double[n][1];
    TreeSet<String> reasons = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      MixtureBuilder.SourceResult s = sources.get(i);
      names[i] = s.name();
      shares[i][0] = 100 * targetShare(s, result, config);
      shares[i][1] = 100 * result.achievedShare(s);
      tokens[i][0] = s.sampledTokens();
      epochs[i][0] = effectiveEpochs(s);
      s.dropReasons().keySet().stream().filter(r -> !r.equals("(kept)")).forEach(reasons::add);
    }
    double[][] lengths = new double[n][];
    for (int i = 0; i < n; i++) {
      lengths[i] = sources.get(i).lengthQuantiles();
    }
    put(
        result.output(),
        "lengths.png",
        BarChart.png(
            "Document length in tokens (10th, 50th, 90th, 99th percentile)",
            names,
            new String[] {"p10", "p50", "p90", "p99"},
            lengths,
            ""));
    String[] reasonNames = reasons.toArray(new String[0]);
    double[][] dropped = new double[reasonNames.length][1];
    for (int r = 0; r < reasonNames.length; r++) {
      for (MixtureBuilder.SourceResult s : sources) {
        dropped[r][0] += s.dropReasons().getOrDefault(reasonNames[r], 0L);
      }
    }
    put(
        result.output(),
        "share.png",
        BarChart.png(
            "Share of tokens per source: target vs achieved",
            names,
            new String[] {"target", "achieved"},
            shares,
            "%"));
    put(
        result.output(),
        "tokens.png",
        BarChart.png(
            "Tokens per source in the mixture", names, new String[] {"tokens"}, tokens, ""));
    put(
        result.output(),
        "epochs.png",
        BarChart.png("Effective epochs per source", names, new String[] {"epochs"}, epochs, ""));
    if (reasonNames.length > 0) {
      put(
          result.output(),
          "dropped.png",
          BarChart.png(
              "Documents dropped by each curation stage (drop_reason)",
              reasonNames,
              new String[] {"documents"},
              dropped,
              ""));
    }

    StringBuilder md = new StringBuilder();
    md.append("# Mixture `").append(config.name).append("`\n\n");
    md.append(
        String.format(
            "%s tokens in %d shards (%s), seed %d, tokenizer `%s`, %s.%n%n",
            BarChart.format(result.totalTokens()),
            result.shards().size() / config.formats.size(),
            String.join(", ", config.formats),
            config.seed,
            config.tokenizer,
            config.useEpochs
                ? "sampled by epochs"
                : "budget " + BarChart.format(config.budgetTokens) + " tokens"));
    md.append(
        "| source | target share | achieved share | tokens | documents | available tokens | effective epochs |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (MixtureBuilder.SourceResult s : sources) {
      md.append(
          String.format(
              "| %s | %.2f%% | %.2f%% | %d | %d | %d | %.3f |%n",
              s.name(),
              100 * targetShare(s, result, config),
              100 * result.achievedShare(s),
              s.sampledTokens(),
              s.sampledDocs(),
              s.availableTokens(),
              effectiveEpochs(s)));
    }
    md.append("\n![share](share.png)\n\n![tokens](tokens.png)\n\n![epochs](epochs.png)\n\n");
    md.append(
        "## Document lengths (tokens, before sampling)\n\n| source | p10 | p50 | p90 | p99 |\n");
    md.append("| --- | ---: | ---: | ---: | ---: |\n");
    for (int i = 0; i < n; i++) {
      md.append(
          String.format(
              "| %s | %.0f | %.0f | %.0f | %.0f |%n",
              names[i], lengths[i][0], lengths[i][1], lengths[i][2], lengths[i][3]));
    }
    md.append("\n![lengths](lengths.png)\n\n");
    md.append("## Documents dropped by curation\n\n");
    if (reasonNames.length == 0) {
      md.append("The sources carry no `drop_reason` column.\n");
    } else {
      md.append("| source | ").append(String.join(" | ", reasonNames)).append(" | kept |\n|---|");
      md.append("---:|".repeat(reasonNames.length + 1)).append('\n');
      for (MixtureBuilder.SourceResult s : sources) {
        md.append("| ").append(s.name());
        for (String r : reasonNames) {
          md.append(" | ").append(s.dropReasons().getOrDefault(r, 0L));
        }
        md.append(" | ").append(s.dropReasons().getOrDefault("(kept)", 0L)).append(" |\n");
      }
      md.append("\n![dropped](dropped.png)\n");
    }
    md.append(
        "\n## Shards\n\n| file | documents | tokens | sha256 |\n| --- | ---: | ---: | --- |\n");
    for (ShardWriter.Shard shard : result.shards()) {
      md.append(
          String.format(
              "| %s | %d | %d | `%s` |%n",
              shard.file(), shard.docs(), shard.tokens(), shard.sha256().substring(0, 16)));
    }
    put(result.output(), "report.md", md.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The share a source should have: its proportion, or in epochs mode its share of the target
   * tokens.
   */
  static double targetShare(
      MixtureBuilder.SourceResult s, MixtureBuilder.Result result, MixtureConfig config) {
    if (!config.useEpochs) {
      return s.proportion();
    }
    double all =
        result.sources().stream().mapToDouble(MixtureBuilder.SourceResult::targetTokens).sum();
    return all == 0 ? 0 : s.targetTokens() / all;
  }

  static double effectiveEpochs(MixtureBuilder.SourceResult s) {
    return s.availableTokens() == 0 ? 0 : (double) s.sampledTokens() / s.availableTokens();
  }

  private static void put(String output, String name, byte[] bytes) {
    Path file = new Path(output, name);
    try {
      FileSystem fs = file.getFileSystem(HadoopFs.configuration());
      try (OutputStream out = fs.create(file, true)) {
        out.write(bytes);
      }
    } catch (IOException e) {
      throw Errors.unwritable(file.toString(), e);
    }
  }
}
