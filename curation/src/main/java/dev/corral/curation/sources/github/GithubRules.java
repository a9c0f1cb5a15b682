package dev.corral.curation.sources.github;

import java.util.List;
import java.util.Map;

/**
 * RedPajama v1's rules for GitHub files, Spark-free (LLaMA: "We only kept projects that are
 * distributed under the Apache, BSD and MIT licenses. Additionally, we filtered low quality files
 * with heuristics based on the line length or proportion of alphanumeric characters", Touvron et
 * al. 2023, section 2.1). The licence keys are the BigQuery export's {@code WHERE} clause, the
 * skipped paths and the thresholds RedPajama's scripts ({@code rp_v1:data_prep/github/}: {@code
 * github_clean_dedup_local.py}, {@code github_run_filter.py}), in the order they apply; each
 * rejection has a stable reason code.
 */
public final class GithubRules {
  /** The licence is not one the query keeps. */
  public static final String LICENSE = "github_license";

  /** A certificate ({@code *.crt}) or the top-level {@code LICENSE} file, skipped unread. */
  public static final String SKIPPED_PATH = "github_skipped_path";

  /** Nothing left after the header is removed. */
  public static final String EMPTY = "github_empty";

  /** The path does not end with a whitelisted extension. */
  public static final String EXTENSION = "github_extension";

  /** A line longer than {@link Thresholds#maxLineLength}. */
  public static final String MAX_LINE = "github_max_line";

  /** Average line longer than {@link Thresholds#maxAvgLineLength}. */
  public static final String AVG_LINE = "github_avg_line";

  /** Alphanumeric share below {@link Thresholds#minAlnumProp}. */
  public static final String ALNUM = "github_alnum";

  /** Alphabetic characters per token below {@link Thresholds#minAlphaPerToken}. */
  public static final String ALPHA_TOKEN = "github_alpha_token";

  /** The BigQuery query's licence keys: {@code license LIKE 'mit%' OR 'bsd%' OR 'apache%'}. */
  public static final List<String> LICENSE_PREFIXES = List.of("mit", "bsd", "apache");

  /**
   * {@code github_run_filter.py}'s whitelist, 66 entries, matched as case-sensitive suffixes of the
   * path (so {@code Makefile} and {@code Dockerfile} match any path ending so).
   */
  public static final List<String> EXTENSIONS =
      List.of(
          ".asm",
          ".bat",
          ".cmd",
          ".c",
          ".h",
          ".cs",
          ".cpp",
          ".hpp",
          ".c++",
          ".h++",
          ".cc",
          ".hh",
          ".C",
          ".H",
          ".cmake",
          ".css",
          ".dockerfile",
          ".f90",
          ".f",
          ".f03",
          ".f08",
          ".f77",
          ".f95",
          ".for",
          ".fpp",
          ".go",
          ".hs",
          ".html",
          ".java",
          ".js",
          ".jl",
          ".lua",
          ".md",
          ".markdown",
          ".php",
          ".php3",
          ".php4",
          ".php5",
          ".phps",
          ".phpt",
          ".pl",
          ".pm",
          ".pod",
          ".perl",
          ".ps1",
          ".psd1",
          ".psm1",
          ".py",
          ".rb",
          ".rs",
          ".sql",
          ".scala",
          ".sh",
          ".bash",
          ".command",
          ".zsh",
          ".ts",
          ".tsx",
          ".tex",
          ".vb",
          "Dockerfile",
          "Makefile",
          ".xml",
          ".rst",
          ".m",
          ".smali");

  /**
   * RedPajama's thresholds ({@code github_run_filter.py}).
   *
   * @param maxLineLength longest line allowed, in code points (1000)
   * @param maxAvgLineLength highest average line length allowed (100)
   * @param minAlnumProp lowest share of alphanumeric code points allowed (0.25)
   * @param minAlphaPerToken lowest number of alphabetic code points per token allowed (1.5)
   */
  public record Thresholds(
      int maxLineLength, double maxAvgLineLength, double minAlnumProp, double minAlphaPerToken)
      implements java.io.Serializable {}

  /** RedPajama's values. */
  public static final Thresholds DEFAULTS = new Thresholds(1000, 100, 0.25, 1.5);

  /** Programming language by the whitelist's suffixes; the longest matching suffix wins. */
  private static final Map<String, String> LANGUAGES =
      Map.ofEntries(
          Map.entry(".asm", "Assembly"),
          Map.entry(".bat", "Batchfile"),
          Map.entry(".cmd", "Batchfile"),
          Map.entry(".c", "C"),
          Map.entry(".h", "C"),
          Map.entry(".cs", "C#"),
          Map.entry(".cpp", "C++"),
          Map.entry(".hpp", "C++"),
          Map.entry(".c++", "C++"),
          Map.entry(".h++", "C++"),
          Map.entry(".cc", "C++"),
          Map.entry(".hh", "C++"),
          Map.entry(".C", "C++"),
          Map.entry(".H", "C++"),
          Map.entry(".cmake", "CMake"),
          Map.entry(".css", "CSS"),
          Map.entry(".dockerfile", "Dockerfile"),
          Map.entry("Dockerfile", "Dockerfile"),
          Map.entry(".f90", "Fortran"),
          Map.entry(".f", "Fortran"),
          Map.entry(".f03", "Fortran"),
          Map.entry(".f08", "Fortran"),
          Map.entry(".f77", "Fortran"),
          Map.entry(".f95", "Fortran"),
          Map.entry(".for", "Fortran"),
          Map.entry(".fpp", "Fortran"),
          Map.entry(".go", "Go"),
          Map.entry(".hs", "Haskell"),
          Map.entry(".html", "HTML"),
          Map.entry(".java", "Java"),
          Map.entry(".js", "JavaScript"),
          Map.entry(".jl", "Julia"),
          Map.entry(".lua", "Lua"),
          Map.entry(".md", "Markdown"),
          Map.entry(".markdown", "Markdown"),
          Map.entry(".php", "PHP"),
          Map.entry(".php3", "PHP"),
          Map.entry(".php4", "PHP"),
          Map.entry(".php5", "PHP"),
          Map.entry(".phps", "PHP"),
          Map.entry(".phpt", "PHP"),
          Map.entry(".pl", "Perl"),
          Map.entry(".pm", "Perl"),
          Map.entry(".pod", "Perl"),
          Map.entry(".perl", "Perl"),
          Map.entry(".ps1", "PowerShell"),
          Map.entry(".psd1", "PowerShell"),
          Map.entry(".psm1", "PowerShell"),
          Map.entry(".py", "Python"),
          Map.entry(".rb", "Ruby"),
          Map.entry(".rs", "Rust"),
          Map.entry(".sql", "SQL"),
          Map.entry(".scala", "Scala"),
          Map.entry(".sh", "Shell"),
          Map.entry(".bash", "Shell"),
          Map.entry(".command", "Shell"),
          Map.entry(".zsh", "Shell"),
          Map.entry(".ts", "TypeScript"),
          Map.entry(".tsx", "TypeScript"),
          Map.entry(".tex", "TeX"),
          Map.entry(".vb", "Visual Basic"),
          Map.entry("Makefile", "Makefile"),
          Map.entry(".xml", "XML"),
          Map.entry(".rst", "reStructuredText"),
          // GitHub's linguist also knows MATLAB .m files; in this corpus Objective-C is the common
          // one.
          Map.entry(".m", "Objective-C"),
          Map.entry(".smali", "Smali"));

  /** The {@link #LANGUAGES} keys that are whole names, not extensions. */
  private static final List<String> LANGUAGE_NAMES =
      LANGUAGES.keySet().stream().filter(k -> !k.startsWith(".")).sorted().toList();

  static {
    for (String suffix : LANGUAGES.keySet()) {
      if (suffix.lastIndexOf('.') > 0) {
        throw new ExceptionInInitializerError("a dot inside the language suffix " + suffix);
      }
    }
  }

  private GithubRules() {}

  /**
   * The programming language of {@code path} by its whitelisted suffix (case-sensitive, the longest
   * suffix first, so {@code .php3} is PHP and {@code .h++} C++); null for any other path.
   */
  public static String language(String path) {
    if (path == null) {
      return null;
    }
    // A suffix is either ".ext" with no other dot, so the only one that can match is the path's
    // own extension from its last dot, or a whole name (Makefile, Dockerfile) that no ".ext" entry
    // ends with: one map lookup and the names, not an endsWith per suffix for every file.
    int dot = path.lastIndexOf('.');
    String byExtension = dot < 0 ? null : LANGUAGES.get(path.substring(dot));
    if (byExtension != null) {
      return byExtension;
    }
    for (String name : LANGUAGE_NAMES) {
      if (path.endsWith(name)) {
        return LANGUAGES.get(name);
      }
    }
    return null;
  }

  /**
   * Why a file is not read at all, or null: its licence key starts with none of {@code
   * licensePrefixes} (case-sensitive, as BigQuery's {@code LIKE}), or it is a certificate or the
   * top-level {@code LICENSE}.
   */
  public static String skipReason(String license, String path, List<String> licensePrefixes) {
    boolean permitted = false;
    for (String prefix : licensePrefixes) {
      permitted |= license != null && license.startsWith(prefix);
    }
    if (!permitted) {
      return LICENSE;
    }
    if (path != null && (path.endsWith(".crt") || path.equals("LICENSE"))) {
      return SKIPPED_PATH;
    }
    return null;
  }

  /**
   * Why a cleaned file is dropped, or null, in {@code github_run_filter.py}'s order: empty, path
   * not whitelisted, longest line, average line, alphanumeric share, alphabetic characters per
   * token ({@code alphaPerToken} null when the file has no tokens, which never rejects).
   */
  public static String qualityReason(
      String path, FileStats stats, Double alphaPerToken, Thresholds t, List<String> extensions) {
    if (stats.length() == 0) {
      return EMPTY;
    }
    boolean whitelisted = false;
    for (String suffix : extensions) {
      whitelisted |= path != null && path.endsWith(suffix);
    }
    if (!whitelisted) {
      return EXTENSION;
    }
    if (stats.maxLineLength() > t.maxLineLength()) {
      return MAX_LINE;
    }
    if (stats.avgLineLength() > t.maxAvgLineLength()) {
      return AVG_LINE;
    }
    if (stats.alnumProp() < t.minAlnumProp()) {
      return ALNUM;
    }
    if (alphaPerToken != null && alphaPerToken < t.minAlphaPerToken()) {
      return ALPHA_TOKEN;
    }
    return null;
  }
}
