package dev.corral.jobs;

import dev.corral.core.Errors;
import dev.corral.core.job.Job;
import dev.corral.curation.sources.wikipedia.DumpCounts;
import dev.corral.curation.sources.wikipedia.DumpFile;
import dev.corral.curation.sources.wikipedia.Wikipedia;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code corral source wikipedia}: MediaWiki XML or CirrusSearch dumps → a document table with the
 * text the Hugging Face {@code wikipedia} builder makes of each article, and a report of what was
 * read, kept and skipped, per language and per file.
 */
@Command(
    name = "wikipedia",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Wikipedia dumps (dumps.wikimedia.org, CC BY-SA) → documents: MediaWiki XML "
            + "({lang}wiki-{date}-pages-articles[-multistream][N].xml[.bz2], plain XML too; a multistream dump's "
            + "-multistream-index file beside it splits it at its streams) or CirrusSearch content dumps "
            + "(*-cirrussearch-content.json.gz). Articles (namespace 0, no redirects) cleaned exactly as the Hugging "
            + "Face wikipedia builder cleans them; a large file is read by many tasks; unreadable pages are "
            + "skipped and counted with their offsets. Columns: id, text, source, url, title, language, "
            + "timestamp (the dump's date), page_id, revision_id, dump.")
final class WikipediaCommand extends JobCommand {
  @Mixin JobOptions options;

  @Option(
      names = "--languages",
      split = ",",
      description =
          "Languages to keep, comma-separated wiki codes (default: LLaMA's 20: "
              + "bg,ca,cs,da,de,en,es,fr,hr,hu,it,nl,pl,pt,ro,ru,sl,sr,sv,uk); dumps of other languages are not"
              + " read.")
  List<String> languages;

  @Option(
      names = "--language",
      description =
          "The language of every input, overriding each dump's siteinfo (dbname) and file name.")
  String language;

  @Option(
      names = "--split-mb",
      defaultValue = "32",
      description =
          "MB of dump file per task (compressed MB for bzip2) (default: ${DEFAULT-VALUE}).")
  double splitMb;

  @Override
  Job declare() {
    if (!(splitMb > 0) || splitMb > 1 << 20) {
      throw Errors.badArgument("--split-mb", splitMb, "a number of MB > 0");
    }
    Wikipedia.Options reading =
        Wikipedia.Options.defaults()
            .withLanguages(
                new LinkedHashSet<>(languages == null ? Wikipedia.LLAMA_LANGUAGES : languages))
            .withLanguage(language)
            .withSplitBytes(Math.max(1, (long) (splitMb * 1_000_000)));
    AtomicReference<Wikipedia.Result> read = new AtomicReference<>();
    return options
        .apply(Job.builder().setName("source-wikipedia"))
        .optReader(
            context -> {
              read.set(Wikipedia.read(context.spark(), context.job().inputs(), reading));
              return read.get().documents();
            })
        .optSetting("languages", new ArrayList<>(reading.languages()))
        .optSetting("language", language)
        .optSetting("split_bytes", reading.splitBytes())
        .optReport((context, written) -> report(read.get(), written))
        .build();
  }

  private static Job.Summary report(Wikipedia.Result read, Dataset<Row> written) {
    DumpCounts.Split total = read.total();
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("dumps_read", read.files().size());
    stats.put("records_read", total.records());
    stats.put("documents", total.documents());
    stats.put("chars", total.chars());
    stats.put("wikitext_bytes", total.wikitextBytes());
    stats.put("skipped_by_reason", new LinkedHashMap<>(total.skipped()));
    Map<String, Object> byLanguage = new LinkedHashMap<>();
    ConsoleTable languages = new ConsoleTable("language", "documents", "chars");
    read.byLanguage()
        .forEach(
            (lang, v) -> {
              Map<String, Object> entry = new LinkedHashMap<>();
              entry.put("documents", v[0]);
              entry.put("chars", v[1]);
              byLanguage.put(lang, entry);
              languages.row(lang, v[0], v[1]);
            });
    stats.put("by_language", byLanguage);
    List<Map<String, Object>> files = new ArrayList<>();
    Map<String, DumpCounts.Split> byFile = read.byFile();
    for (DumpFile f : read.files()) {
      DumpCounts.Split s = byFile.get(f.path());
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("path", f.path());
      entry.put("language", f.language());
      entry.put("dump", f.dump());
      entry.put("records", s == null ? 0 : s.records());
      entry.put("documents", s == null ? 0 : s.documents());
      entry.put("skipped_by_reason", s == null ? Map.of() : s.skipped());
      files.add(entry);
    }
    stats.put("files", files);
    stats.put(
        "files_not_read",
        read.skippedFiles().stream()
            .map(f -> f.path() + " (language " + f.language() + ")")
            .toList());
    List<String> malformed = new ArrayList<>();
    for (DumpCounts.Malformed m : read.malformed()) {
      malformed.add(m.file() + " @" + m.offset() + ": " + m.reason());
    }
    stats.put("malformed_first", malformed);

    StringBuilder console = new StringBuilder();
    console.append(
        String.format(
            Locale.ROOT,
            "%d dumps: %,d records read, %,d documents (%,d characters), skipped %s%n",
            read.files().size(),
            total.records(),
            total.documents(),
            total.chars(),
            total.skipped()));
    console.append(languages.render());
    for (String f : read.skippedFiles().stream().map(DumpFile::path).toList()) {
      console.append("not read (language not selected): ").append(f).append('\n');
    }
    int shown = 0;
    for (String m : malformed) {
      if (shown++ == 10) {
        console.append("... (").append(malformed.size() - 10).append(" more in the run record)\n");
        break;
      }
      console.append("malformed: ").append(m).append('\n');
    }
    Map<String, Object> scalars = new LinkedHashMap<>();
    stats.forEach(
        (k, v) -> {
          if (!k.equals("by_language")) {
            scalars.put(k, v);
          }
        });
    StringBuilder md = Reports.markdown("Wikipedia source", scalars);
    md.append(
        "\n## Documents by language\n\n| language | documents | characters |\n| --- | ---: | ---: |\n");
    read.byLanguage()
        .forEach(
            (lang, v) ->
                md.append("| ")
                    .append(lang)
                    .append(" | ")
                    .append(v[0])
                    .append(" | ")
                    .append(v[1])
                    .append(" |\n"));
    if (!malformed.isEmpty()) {
      md.append("\n## Malformed records (first)\n\n");
      malformed.forEach(m -> md.append("- ").append(m).append('\n'));
    }
    return new Job.Summary(stats, console.toString(), md.toString());
  }

  @Override
  int progressSeconds() {
    return options.progressSeconds;
  }
}
