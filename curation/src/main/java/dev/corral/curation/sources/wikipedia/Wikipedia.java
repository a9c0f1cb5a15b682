package dev.corral.curation.sources.wikipedia;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import dev.corral.curation.sources.SourceColumns;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Wikipedia, as LLaMA used it (Touvron et al. 2023, section 2.1: "Wikipedia dumps from the
 * June-August 2022 period, covering 20 languages ... remove hyperlinks, comments and other
 * formatting boilerplate") and as RedPajama v1 reproduced it: MediaWiki XML dumps ({@code
 * {lang}wiki-{date}-pages-articles[-multistream][N].xml[.bz2]}, plain XML too) cleaned exactly as
 * the Hugging Face {@code wikipedia} builder cleans them ({@link WikitextCleaner}), or CirrusSearch
 * content dumps ({@code *-cirrussearch-content.json.gz}), whose text is already plain (CCNet reads
 * these).
 *
 * <p>Kept, as the builder keeps: pages of namespace 0 that are not redirects, whose text is not
 * empty before or after cleaning. Columns ({@link #SCHEMA}): the common ones of {@link
 * SourceColumns} ({@code id = wikipedia/{lang}/{page id}}, {@code url =
 * https://{lang}.wikipedia.org/wiki/{quoted title}} quoted as Python's {@code urllib.parse.quote},
 * {@code timestamp} = the dump's date as in the file name, {@code 20220701}, as RedPajama gives its
 * dump date) and {@code page_id}, {@code revision_id}, {@code dump} ({@code enwiki-20220701}).
 *
 * <p>The language of a dump is {@link Options#language()} if given, else its siteinfo's {@code
 * dbname}, else its file name; dumps of languages outside {@link Options#languages()} are not read.
 * A large file is read by many tasks ({@link DumpInputFormat}); what cannot be read is skipped and
 * counted per file with its offset ({@link DumpCounts}), never failing the job. Input bytes and
 * records are Spark input metrics, so the job's progress line shows MB and pages read.
 */
public final class Wikipedia {
  /** The {@code source} column's value. */
  public static final String SOURCE = "wikipedia";

  /** LLaMA's 20 languages (Latin or Cyrillic script), the default selection. */
  public static final List<String> LLAMA_LANGUAGES =
      List.of(
          "bg", "ca", "cs", "da", "de", "en", "es", "fr", "hr", "hu", "it", "nl", "pl", "pt", "ro",
          "ru", "sl", "sr", "sv", "uk");

  /** The source's own columns, after the common ones. */
  public static final String PAGE_ID = "page_id";

  public static final String REVISION_ID = "revision_id";
  public static final String DUMP = "dump";

  /** The row schema. */
  public static final StructType SCHEMA =
      SourceColumns.schema(
          DataTypes.createStructField(PAGE_ID, DataTypes.LongType, false),
          DataTypes.createStructField(REVISION_ID, DataTypes.LongType, true),
          DataTypes.createStructField(DUMP, DataTypes.StringType, true));

  /** Name of the {@link DumpCounts} accumulator a read registers. */
  public static final String COUNTS_ACCUMULATOR = "corral.wikipedia_records";

  private static final Pattern LANGUAGE_CODE = Pattern.compile("[a-z][a-z0-9-]*");

  private Wikipedia() {}

  /**
   * Reading options, validated when built.
   *
   * @param languages the languages to keep (wiki codes: {@code en}, {@code zh-yue})
   * @param language the language of every input, overriding what the dumps say; null to take it
   *     from each dump
   * @param splitBytes target bytes of file per task ({@link DumpInputFormat#SPLIT_BYTES}; 32 MiB by
   *     default)
   */
  public record Options(Set<String> languages, String language, long splitBytes)
      implements Serializable {
    public Options {
      if (languages == null || languages.isEmpty()) {
        throw Errors.badArgument("languages", languages, "at least one language code");
      }
      for (String l : languages) {
        if (l == null || !LANGUAGE_CODE.matcher(l).matches()) {
          throw Errors.badArgument("languages", l, "a wiki language code such as en or zh-yue");
        }
      }
      if (language != null && !LANGUAGE_CODE.matcher(language).matches()) {
        throw Errors.badArgument("language", language, "a wiki language code such as en or zh-yue");
      }
      if (splitBytes < 1) {
        throw Errors.badArgument("splitBytes", splitBytes, "a number of bytes >= 1");
      }
      languages = Collections.unmodifiableSet(new LinkedHashSet<>(languages));
    }

    /** LLaMA's 20 languages, each dump's own language, 32 MiB per task. */
    public static Options defaults() {
      return new Options(
          new LinkedHashSet<>(LLAMA_LANGUAGES), null, DumpInputFormat.DEFAULT_SPLIT_BYTES);
    }

    public Options withLanguages(Set<String> value) {
      return new Options(value, language, splitBytes);
    }

    public Options withLanguage(String value) {
      return new Options(languages, value, splitBytes);
    }

    public Options withSplitBytes(long value) {
      return new Options(languages, language, value);
    }
  }

  /**
   * What {@link #read} returns: the documents, lazily read, and the counts the reading fills once
   * an action has read the files (kept per split, so reading again does not count twice).
   */
  public static final class Result {
    private final Dataset<Row> documents;
    private final List<DumpFile> files;
    private final List<DumpFile> skippedFiles;
    private final DumpCounts counts;

    Result(
        Dataset<Row> documents,
        List<DumpFile> files,
        List<DumpFile> skippedFiles,
        DumpCounts counts) {
      this.documents = documents;
      this.files = files;
      this.skippedFiles = skippedFiles;
      this.counts = counts;
    }

    /** One row per document, in {@link #SCHEMA}. */
    public Dataset<Row> documents() {
      return documents;
    }

    /** The dumps read, with their language and dump name. */
    public List<DumpFile> files() {
      return files;
    }

    /** The dumps not read because their language is not selected. */
    public List<DumpFile> skippedFiles() {
      return skippedFiles;
    }

    /** Counts per split read so far. */
    public Map<String, DumpCounts.Split> splits() {
      return counts.value();
    }

    /** Counts per file (sums over its splits), by path. */
    public Map<String, DumpCounts.Split> byFile() {
      Map<String, DumpCounts.Split> out = new TreeMap<>();
      for (DumpCounts.Split s : counts.value().values()) {
        out.merge(s.file(), s, Result::sum);
      }
      return out;
    }

    /** Counts summed over every file. */
    public DumpCounts.Split total() {
      DumpCounts.Split total =
          new DumpCounts.Split("(all)", 0, 0, 0, 0, 0, new LinkedHashMap<>(), new ArrayList<>());
      for (DumpCounts.Split s : counts.value().values()) {
        total = sum(total, s);
      }
      return total;
    }

    /** Documents and characters per language. */
    public Map<String, long[]> byLanguage() {
      Map<String, String> languageOf = new HashMap<>();
      files.forEach(
          f -> languageOf.put(f.path(), f.language() == null ? "(per document)" : f.language()));
      Map<String, long[]> out = new TreeMap<>();
      for (DumpCounts.Split s : byFile().values()) {
        long[] v = out.computeIfAbsent(languageOf.getOrDefault(s.file(), "?"), k -> new long[2]);
        v[0] += s.documents();
        v[1] += s.chars();
      }
      return out;
    }

    /** The first malformed records, with file and offset. */
    public List<DumpCounts.Malformed> malformed() {
      List<DumpCounts.Malformed> out = new ArrayList<>();
      counts.value().values().stream()
          .sorted((a, b) -> a.key().compareTo(b.key()))
          .forEach(s -> out.addAll(s.malformed()));
      return out;
    }

    private static DumpCounts.Split sum(DumpCounts.Split a, DumpCounts.Split b) {
      Map<String, Long> reasons = new TreeMap<>(a.skipped());
      b.skipped().forEach((k, v) -> reasons.merge(k, v, Long::sum));
      List<DumpCounts.Malformed> malformed = new ArrayList<>(a.malformed());
      malformed.addAll(b.malformed());
      return new DumpCounts.Split(
          b.file(),
          0,
          a.records() + b.records(),
          a.documents() + b.documents(),
          a.chars() + b.chars(),
          a.wikitextBytes() + b.wikitextBytes(),
          reasons,
          malformed);
    }

    /** A one-line report for logs. */
    public String summary() {
      DumpCounts.Split t = total();
      return files.size()
          + " dumps: "
          + t.records()
          + " records, "
          + t.documents()
          + " documents, skipped "
          + t.skipped();
    }
  }

  /** {@link #read} with {@link Options#defaults()}. */
  public static Result read(SparkSession spark, List<String> paths) {
    return read(spark, paths, Options.defaults());
  }

  /**
   * Reads {@code paths} (dump files, folders of dumps, globs) with {@code options}. Fails if a path
   * matches no file or no dump; in folders, files that are not dumps (indexes, checksums) are left
   * out.
   */
  public static Result read(SparkSession spark, List<String> paths, Options options) {
    Configuration conf = spark.sessionState().newHadoopConf();
    List<String> listed = HadoopFs.listFiles(conf, paths, "MediaWiki XML or CirrusSearch dump");
    List<DumpFile> files = new ArrayList<>();
    List<DumpFile> skipped = new ArrayList<>();
    for (String f : listed) {
      if (!DumpFile.isDump(new Path(f).getName())) {
        continue;
      }
      DumpFile file;
      try {
        file = DumpFile.inspect(conf, f, options.language());
      } catch (IOException e) {
        throw Errors.unreadable(f, e);
      }
      if (file.language() == null && !file.cirrus()) {
        throw Errors.badInput(
            f,
            "cannot tell the wiki's language (no siteinfo dbname, no {lang}wiki- file name); give --language");
      }
      if (file.language() != null && !options.languages().contains(file.language())) {
        skipped.add(file);
      } else {
        files.add(file);
      }
    }
    if (files.isEmpty() && skipped.isEmpty()) {
      throw Errors.badInput(
          String.join(",", paths), "no MediaWiki XML or CirrusSearch dumps among the files");
    }
    var sc = spark.sparkContext();
    DumpCounts counts = new DumpCounts();
    sc.register(counts, COUNTS_ACCUMULATOR);
    Dataset<Row> documents;
    if (files.isEmpty()) {
      documents = spark.createDataFrame(new ArrayList<Row>(), SCHEMA);
    } else {
      Configuration job = new Configuration(conf);
      job.setLong(DumpInputFormat.SPLIT_BYTES, options.splitBytes());
      // Many small splits must not be merged back into one task.
      job.setLong(FileInputFormat.SPLIT_MAXSIZE, options.splitBytes());
      try {
        org.apache.hadoop.mapreduce.Job inputs = org.apache.hadoop.mapreduce.Job.getInstance(job);
        FileInputFormat.setInputPaths(
            inputs, files.stream().map(f -> new Path(f.path())).toArray(Path[]::new));
        job = inputs.getConfiguration();
      } catch (IOException e) {
        throw Errors.unreadable(files.get(0).path(), e);
      }
      Map<String, DumpFile> byPath = new HashMap<>();
      files.forEach(f -> byPath.put(f.path(), f));
      JavaRDD<Row> rows =
          JavaSparkContext.fromSparkContext(sc)
              .newAPIHadoopRDD(job, DumpInputFormat.class, LongWritable.class, DumpRecord.class)
              .mapPartitions(new ToDocuments(byPath, options.languages(), counts));
      documents = spark.createDataFrame(rows, SCHEMA);
    }
    return new Result(
        documents,
        Collections.unmodifiableList(files),
        Collections.unmodifiableList(skipped),
        counts);
  }

  /**
   * {@code https://{lang}.wikipedia.org/wiki/{quote(title)}}, quoted as Python's {@code
   * urllib.parse.quote} quotes: UTF-8, every byte but letters, digits, {@code _.-~/} as {@code
   * %XX}.
   */
  public static String url(String language, String title) {
    StringBuilder b = new StringBuilder("https://").append(language).append(".wikipedia.org/wiki/");
    for (byte x : title.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xFF;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '_'
          || c == '.'
          || c == '-'
          || c == '~'
          || c == '/') {
        b.append((char) c);
      } else {
        b.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return b.toString();
  }

  /**
   * The index of the first byte of {@code b} that is not valid UTF-8 (the JDK's strict decoding
   * rules), or -1.
   */
  static int invalidUtf8(byte[] b) {
    int i = 0;
    int n = b.length;
    while (i < n) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int need;
      int min;
      if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        min = 0x80;
      } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        min = 0x800;
      } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        min = 0x10000;
      } else {
        return i;
      }
      if (i + need >= n) {
        return i;
      }
      int cp = c & (0x3F >> need);
      for (int k = 1; k <= need; k++) {
        int d = b[i + k] & 0xFF;
        if ((d & 0xC0) != 0x80) {
          return i;
        }
        cp = (cp << 6) | (d & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return i;
      }
      i += need + 1;
    }
    return -1;
  }

  /** The task body: records of one split to rows, counting what is skipped and why. */
  private static final class ToDocuments
      implements FlatMapFunction<Iterator<Tuple2<LongWritable, DumpRecord>>, Row> {
    private static final long serialVersionUID = 1L;
    private final Map<String, DumpFile> files;
    private final Set<String> languages;
    private final DumpCounts counts;

    ToDocuments(Map<String, DumpFile> files, Set<String> languages, DumpCounts counts) {
      this.files = files;
      this.languages = languages;
      this.counts = counts;
    }

    @Override
    public Iterator<Row> call(Iterator<Tuple2<LongWritable, DumpRecord>> records) {
      Task task = new Task(files, languages);
      TaskContext context = TaskContext.get();
      if (context != null) {
        // Counts also arrive when a task stops early (a limit): a split's larger report wins.
        context.addTaskCompletionListener(
            (org.apache.spark.util.TaskCompletionListener) c -> task.report(counts));
      }
      return new Iterator<>() {
        private Row next;

        @Override
        public boolean hasNext() {
          while (next == null) {
            if (!records.hasNext()) {
              task.report(counts);
              return false;
            }
            next = task.row(records.next()._2());
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row r = next;
          next = null;
          return r;
        }
      };
    }
  }

  /** One task's state: a cleaner per file (its language and namespace names), its tallies. */
  private static final class Task {
    private final Map<String, DumpFile> files;
    private final Set<String> languages;
    private final Map<String, WikitextCleaner> cleaners = new HashMap<>();
    private final Map<String, DumpCounts.Tally> tallies = new LinkedHashMap<>();
    private final XMLInputFactory xml = Siteinfo.xmlFactory();
    private final ObjectMapper json = new ObjectMapper();

    Task(Map<String, DumpFile> files, Set<String> languages) {
      this.files = files;
      this.languages = languages;
    }

    void report(DumpCounts counts) {
      for (DumpCounts.Tally t : tallies.values()) {
        counts.add(t.snapshot());
      }
    }

    /** The row a record makes, or null (counted). */
    Row row(DumpRecord record) {
      DumpCounts.Tally tally =
          tallies.computeIfAbsent(
              record.file() + "@" + record.splitStart(),
              k -> new DumpCounts.Tally(record.file(), record.splitStart()));
      tally.records++;
      if (record.error() != null) {
        tally.malformed(record.offset(), record.error());
        return null;
      }
      int bad = invalidUtf8(record.data());
      if (bad >= 0) {
        tally.malformed(record.offset(), "invalid UTF-8 at byte " + bad + " of the record");
        return null;
      }
      DumpFile file = files.get(record.file());
      return file.cirrus() ? cirrusRow(file, record, tally) : pageRow(file, record, tally);
    }

    private Row pageRow(DumpFile file, DumpRecord record, DumpCounts.Tally tally) {
      Page page;
      try {
        page = Page.parse(record.data(), xml);
      } catch (XMLStreamException e) {
        tally.malformed(record.offset(), "broken page XML: " + oneLine(e.getMessage()));
        return null;
      }
      if (page.namespace() != 0) {
        tally.skip(DumpCounts.NOT_ARTICLE);
        return null;
      }
      if (page.redirect()) {
        tally.skip(DumpCounts.REDIRECT);
        return null;
      }
      if (page.text() == null) {
        tally.skip(DumpCounts.EMPTY_TEXT);
        return null;
      }
      String text;
      try {
        text = cleaner(file).clean(page.text());
      } catch (RuntimeException e) {
        tally.malformed(
            record.offset(), "cannot parse the wikitext: " + oneLine(String.valueOf(e)));
        return null;
      }
      tally.wikitextBytes += page.text().getBytes(StandardCharsets.UTF_8).length;
      if (text.isEmpty()) {
        tally.skip(DumpCounts.EMPTY_AFTER_CLEANING);
        return null;
      }
      return document(
          tally, file, file.language(), page.id(), page.revisionId(), page.title(), text);
    }

    private Row cirrusRow(DumpFile file, DumpRecord record, DumpCounts.Tally tally) {
      JsonNode doc;
      JsonNode index;
      try {
        doc = json.readTree(record.data());
        index = json.readTree(record.index());
      } catch (IOException e) {
        tally.malformed(record.offset(), "broken JSON: " + oneLine(e.getMessage()));
        return null;
      }
      if (!doc.isObject() || !doc.path("title").isTextual()) {
        tally.malformed(record.offset(), "not a CirrusSearch document (no title)");
        return null;
      }
      if (doc.path("namespace").asInt(0) != 0) {
        tally.skip(DumpCounts.NOT_ARTICLE);
        return null;
      }
      String id = index.path("index").path("_id").asText(doc.path("page_id").asText(""));
      long pageId;
      try {
        pageId = Long.parseLong(id);
      } catch (NumberFormatException e) {
        tally.malformed(record.offset(), "no page id in the index line or document");
        return null;
      }
      String language = file.language();
      if (language == null) {
        language = doc.path("language").asText(null);
        if (language == null || !languages.contains(language)) {
          tally.skip(DumpCounts.LANGUAGE_NOT_SELECTED);
          return null;
        }
      }
      String text = doc.path("text").asText("");
      tally.wikitextBytes += record.data().length;
      if (text.isEmpty()) {
        tally.skip(DumpCounts.EMPTY_TEXT);
        return null;
      }
      Long revision = doc.path("version").canConvertToLong() ? doc.path("version").asLong() : null;
      return document(tally, file, language, pageId, revision, doc.path("title").asText(), text);
    }

    private Row document(
        DumpCounts.Tally tally,
        DumpFile file,
        String language,
        long pageId,
        Long revisionId,
        String title,
        String text) {
      tally.documents++;
      tally.chars += text.codePointCount(0, text.length());
      return RowFactory.create(
          SOURCE + "/" + language + "/" + pageId,
          text,
          SOURCE,
          url(language, title),
          title,
          language,
          file.date(),
          pageId,
          revisionId,
          file.dump());
    }

    private WikitextCleaner cleaner(DumpFile file) {
      return cleaners.computeIfAbsent(
          file.path(),
          k -> {
            Siteinfo s = file.siteinfo();
            return s == null
                ? WikitextCleaner.forLanguage(file.language())
                : WikitextCleaner.forLanguage(file.language(), s.mediaNames(), s.categoryNames());
          });
    }

    private static String oneLine(String s) {
      return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
  }
}
