package dev.corral.curation.quality.heuristics;

import dev.corral.core.Errors;
import dev.corral.core.io.HadoopFs;
import dev.corral.core.stage.FilterColumns;
import dev.corral.core.stage.FilterTransformer;
import dev.corral.core.stage.Stages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * C4's cleaning and page filter as a Spark ML stage (Raffel et al. 2020, section 2.2; the rules,
 * their order and reason codes are in {@link C4Cleaner}). The input column stays untouched: the
 * cleaned page (kept lines joined by {@code \n}) goes to {@code outputCol} (default {@code
 * c4_text}), and under {@code outputPrefix} (default {@code c4_}) it adds {@code lines_kept},
 * {@code lines_total} and {@code sentences}. It sets {@code drop_reason} where it is still null and
 * the page is rejected: {@code c4_lorem_ipsum}, {@code c4_curly_brace}, {@code c4_bad_words},
 * {@code c4_too_few_sentences} or {@code c4_too_few_lines}. Null text gives null outputs and leaves
 * {@code drop_reason} as it was.
 *
 * <p>Bad words come from the bundled English LDNOOBW list ({@link BadWords#english()}), read once
 * per executor JVM, or from {@code badWords}: a list of the page's language (LDNOOBW has one per
 * language), one entry per line, read once on the driver and carried by the row function.
 */
public final class C4Filter extends FilterTransformer<C4Filter> {
  private static final long serialVersionUID = 1L;

  /** The {@code badWords} value that names the bundled English list. */
  public static final String BUNDLED_ENGLISH = "builtin:en";

  /**
   * Annotation columns, after {@code outputPrefix}, in output order (the cleaned text column comes
   * first).
   */
  public static final List<String> ANNOTATIONS = List.of("lines_kept", "lines_total", "sentences");

  static final StructType RESULT =
      FilterColumns.resultType(
          List.of(
              DataTypes.createStructField("text", DataTypes.StringType, true),
              DataTypes.createStructField("lines_kept", DataTypes.IntegerType, true),
              DataTypes.createStructField("lines_total", DataTypes.IntegerType, true),
              DataTypes.createStructField("sentences", DataTypes.IntegerType, true)));

  private final Param<String> outputCol;
  private final Param<String> outputPrefix;
  private final IntParam minWordsPerLine;
  private final IntParam maxWordLength;
  private final IntParam minSentences;
  private final IntParam minLines;
  private final IntParam minLineChars;
  private final BooleanParam filterBadWords;
  private final Param<String> badWords;
  private final StringArrayParam badWordsByLanguage;
  private final Param<String> languageCol;
  private final BooleanParam filterUnterminatedLines;
  private final BooleanParam filterJavascriptLines;
  private final BooleanParam filterPolicyLines;

  /** A stage with a random uid and C4's settings. */
  public C4Filter() {
    this(Identifiable.randomUID("c4Filter"));
  }

  /** A stage with the given uid; Spark ML's reader and {@code copy} call this. */
  public C4Filter(String uid) {
    super(uid);
    C4Cleaner.Settings d = C4Cleaner.DEFAULTS;
    outputCol =
        new Param<>(
            this,
            "outputCol",
            "output column for the cleaned text: the kept lines joined by '\\n'",
            Stages.nonBlank());
    outputPrefix =
        new Param<>(
            this, "outputPrefix", "prefix of the annotation column names", Stages.nonBlank());
    minWordsPerLine =
        new IntParam(
            this,
            "minWordsPerLine",
            "fewest words a line needs to be kept (C4, Raffel et al. 2020 section 2.2, and tensorflow_datasets c4_utils"
                + " _MIN_WORDS_PER_LINE: 5)",
            ParamValidators.gtEq(0));
    maxWordLength =
        new IntParam(
            this,
            "maxWordLength",
            "lines with a longer word are dropped (C4 reference code, tensorflow_datasets c4_utils: 1000)",
            ParamValidators.gtEq(1));
    minSentences =
        new IntParam(
            this,
            "minSentences",
            "fewest sentences the kept lines must hold (C4 section 2.2 and c4_utils _MIN_NUM_SENTENCES: 3); fewer"
                + " gives c4_too_few_sentences",
            ParamValidators.gtEq(0));
    minLines =
        new IntParam(
            this,
            "minLines",
            "fewest kept lines of at least minLineChars characters; fewer gives c4_too_few_lines. mC4's rule (Xue et"
                + " al. 2021 section 2: 3 lines of 200 characters), not C4's: 0, off, by default",
            ParamValidators.gtEq(0));
    minLineChars =
        new IntParam(
            this,
            "minLineChars",
            "characters a kept line needs to count for minLines (0 counts every kept line; mC4 uses 200)",
            ParamValidators.gtEq(0));
    filterBadWords =
        new BooleanParam(
            this,
            "filterBadWords",
            "reject pages whose kept lines hold a word of the bundled English bad-words list (C4 section 2.2), "
                + "giving c4_bad_words");
    filterUnterminatedLines =
        new BooleanParam(
            this,
            "filterUnterminatedLines",
            "drop lines that do not end in terminal punctuation (. ! ? \") or end in an ellipsis (C4 section 2.2)");
    filterJavascriptLines =
        new BooleanParam(
            this,
            "filterJavascriptLines",
            "drop lines that mention \"javascript\" (C4 section 2.2)");
    filterPolicyLines =
        new BooleanParam(
            this,
            "filterPolicyLines",
            "drop lines holding a policy phrase such as \"terms of use\" or \"cookie policy\" (C4 reference code)");
    badWords =
        new Param<>(
            this,
            "badWords",
            "the bad-words list: "
                + BUNDLED_ENGLISH
                + " (LDNOOBW's English list, C4's) or the path of a UTF-8 file with one word or phrase a line",
            Stages.nonBlank());
    badWordsByLanguage =
        new StringArrayParam(
            this,
            "badWordsByLanguage",
            "bad-words lists per language, each LANG=LIST (LIST: "
                + BUNDLED_ENGLISH
                + " or a path): a page is checked against the list of its languageCol value (en-US"
                + " falls back to en), a page of another language by none; empty: badWords for all");
    languageCol =
        new Param<>(
            this,
            "languageCol",
            "column holding each page's language code, for badWordsByLanguage (string)",
            Stages.nonBlank());
    setDefault(badWordsByLanguage, new String[0]);
    setDefault(languageCol, "language");
    setDefault(outputCol, "c4_text");
    setDefault(badWords, BUNDLED_ENGLISH);
    setDefault(outputPrefix, "c4_");
    setDefault(minWordsPerLine, d.minWordsPerLine());
    setDefault(maxWordLength, d.maxWordLength());
    setDefault(minSentences, d.minSentences());
    setDefault(minLines, d.minLines());
    setDefault(minLineChars, d.minLineChars());
    setDefault(filterBadWords, d.badWords());
    setDefault(filterUnterminatedLines, d.terminalPunctuation());
    setDefault(filterJavascriptLines, d.javascriptLines());
    setDefault(filterPolicyLines, d.policyLines());
  }

  /** Column for the cleaned text (default {@code c4_text}). */
  public Param<String> outputCol() {
    return outputCol;
  }

  /** Prefix of the annotation columns (default {@code c4_}). */
  public Param<String> outputPrefix() {
    return outputPrefix;
  }

  /** Fewest words per kept line (default 5). */
  public IntParam minWordsPerLine() {
    return minWordsPerLine;
  }

  /** Longest word a kept line may hold (default 1000). */
  public IntParam maxWordLength() {
    return maxWordLength;
  }

  /** Fewest sentences per kept page (default 3). */
  public IntParam minSentences() {
    return minSentences;
  }

  /** Fewest long-enough kept lines per kept page (default 0: off; mC4 uses 3). */
  public IntParam minLines() {
    return minLines;
  }

  /** Characters a kept line needs to count for {@code minLines} (default 0). */
  public IntParam minLineChars() {
    return minLineChars;
  }

  /** Whether the bad-words rule applies (default true). */
  public BooleanParam filterBadWords() {
    return filterBadWords;
  }

  public String getOutputCol() {
    return getOrDefault(outputCol);
  }

  public C4Filter setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  public String getOutputPrefix() {
    return getOrDefault(outputPrefix);
  }

  public C4Filter setOutputPrefix(String value) {
    set(outputPrefix, value);
    return this;
  }

  public int getMinWordsPerLine() {
    return (Integer) getOrDefault(minWordsPerLine);
  }

  public C4Filter setMinWordsPerLine(int value) {
    set(minWordsPerLine, value);
    return this;
  }

  public int getMaxWordLength() {
    return (Integer) getOrDefault(maxWordLength);
  }

  public C4Filter setMaxWordLength(int value) {
    set(maxWordLength, value);
    return this;
  }

  public int getMinSentences() {
    return (Integer) getOrDefault(minSentences);
  }

  public C4Filter setMinSentences(int value) {
    set(minSentences, value);
    return this;
  }

  public int getMinLines() {
    return (Integer) getOrDefault(minLines);
  }

  public C4Filter setMinLines(int value) {
    set(minLines, value);
    return this;
  }

  public int getMinLineChars() {
    return (Integer) getOrDefault(minLineChars);
  }

  public C4Filter setMinLineChars(int value) {
    set(minLineChars, value);
    return this;
  }

  /** The bad-words list: {@value #BUNDLED_ENGLISH} or a file of one entry a line. */
  public Param<String> badWords() {
    return badWords;
  }

  public String getBadWords() {
    return getOrDefault(badWords);
  }

  public C4Filter setBadWords(String value) {
    set(badWords, value);
    return this;
  }

  /** Bad-words lists per language ({@code LANG=LIST}); empty for {@link #badWords()} on all. */
  public StringArrayParam badWordsByLanguage() {
    return badWordsByLanguage;
  }

  public String[] getBadWordsByLanguage() {
    return getOrDefault(badWordsByLanguage);
  }

  public C4Filter setBadWordsByLanguage(String... value) {
    set(badWordsByLanguage, value);
    return this;
  }

  /** Column of each page's language code, read when {@link #badWordsByLanguage()} is set. */
  public Param<String> languageCol() {
    return languageCol;
  }

  public String getLanguageCol() {
    return getOrDefault(languageCol);
  }

  public C4Filter setLanguageCol(String value) {
    set(languageCol, value);
    return this;
  }

  public boolean getFilterBadWords() {
    return (Boolean) getOrDefault(filterBadWords);
  }

  public C4Filter setFilterBadWords(boolean value) {
    set(filterBadWords, value);
    return this;
  }

  /** Whether lines without terminal punctuation are dropped (default true). */
  public BooleanParam filterUnterminatedLines() {
    return filterUnterminatedLines;
  }

  public boolean getFilterUnterminatedLines() {
    return (Boolean) getOrDefault(filterUnterminatedLines);
  }

  public C4Filter setFilterUnterminatedLines(boolean value) {
    set(filterUnterminatedLines, value);
    return this;
  }

  /** Whether lines mentioning javascript are dropped (default true). */
  public BooleanParam filterJavascriptLines() {
    return filterJavascriptLines;
  }

  public boolean getFilterJavascriptLines() {
    return (Boolean) getOrDefault(filterJavascriptLines);
  }

  public C4Filter setFilterJavascriptLines(boolean value) {
    set(filterJavascriptLines, value);
    return this;
  }

  /** Whether lines holding a policy phrase are dropped (default true). */
  public BooleanParam filterPolicyLines() {
    return filterPolicyLines;
  }

  public boolean getFilterPolicyLines() {
    return (Boolean) getOrDefault(filterPolicyLines);
  }

  public C4Filter setFilterPolicyLines(boolean value) {
    set(filterPolicyLines, value);
    return this;
  }

  /** The settings these params name. */
  public C4Cleaner.Settings settings() {
    return new C4Cleaner.Settings(
        getMinWordsPerLine(),
        getMaxWordLength(),
        getMinSentences(),
        getMinLines(),
        getMinLineChars(),
        getFilterBadWords(),
        getFilterUnterminatedLines(),
        getFilterJavascriptLines(),
        getFilterPolicyLines());
  }

  @Override
  public List<String> dropReasons() {
    return C4Cleaner.REASONS;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String stage = "C4Filter " + uid;
    if (getOutputCol().equals(getInputCol())) {
      throw Errors.badColumn(stage, getOutputCol(), "is named by two output params");
    }
    if (byLanguage()) {
      Stages.requireColumn(stage, schema, getLanguageCol(), DataTypes.StringType);
      listsByLanguage(); // each entry LANG=LIST, before any list is read
    }
    return FilterColumns.transformSchema(
        stage, schema, getInputCol(), getDropReasonCol(), outputs(), RESULT);
  }

  private boolean byLanguage() {
    return getFilterBadWords() && getBadWordsByLanguage().length > 0;
  }

  /** {@code badWordsByLanguage} as language to list; a malformed entry is refused. */
  private Map<String, String> listsByLanguage() {
    Map<String, String> lists = new LinkedHashMap<>();
    for (String entry : getBadWordsByLanguage()) {
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        throw Errors.badArgument(
            "C4Filter badWordsByLanguage", entry, "LANG=LIST, e.g. en=" + BUNDLED_ENGLISH);
      }
      String language = entry.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      if (lists.put(language, entry.substring(eq + 1).strip()) != null) {
        throw Errors.badArgument(
            "C4Filter badWordsByLanguage", entry, "one list per language; " + language + " twice");
      }
    }
    return lists;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    if (byLanguage()) {
      HashMap<String, ArrayList<String>> lists = new HashMap<>();
      listsByLanguage().forEach((language, list) -> lists.put(language, entries(list)));
      UserDefinedFunction byLanguage =
          functions
              .udf(new C4ByLanguage(settings(), lists), RESULT)
              .withName("corral_c4_by_language");
      return FilterColumns.transform(
          dataset,
          uid,
          byLanguage.apply(Stages.column(getInputCol()), Stages.column(getLanguageCol())),
          getDropReasonCol(),
          outputs(),
          RESULT);
    }
    return FilterColumns.transform(
        dataset,
        uid,
        udf(settings(), getFilterBadWords() ? entries(getBadWords()) : null),
        getInputCol(),
        getDropReasonCol(),
        outputs(),
        RESULT);
  }

  /** The entries of a list, read here on the driver; null for the bundled English one. */
  private static ArrayList<String> entries(String list) {
    if (list.equals(BUNDLED_ENGLISH)) {
      return null;
    }
    Path path = new Path(list);
    try (InputStream in = HadoopFs.fileSystem(path).open(path)) {
      List<String> entries = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      if (entries.stream().allMatch(String::isBlank)) {
        throw Errors.badInput(list, "the bad-words list (C4Filter) has no entry");
      }
      return new ArrayList<>(entries);
    } catch (IOException e) {
      throw Errors.unreadable(list, e);
    }
  }

  /** Spark ML's reader for a saved stage; {@code Pipeline} loading finds it by reflection. */
  public static MLReader<C4Filter> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads a stage saved with {@code write().save(path)}. */
  public static C4Filter load(String path) {
    return read().load(path);
  }

  /**
   * The row function as a UDF: page to struct&lt;text, lines_kept, lines_total, sentences,
   * reason&gt;.
   */
  public static UserDefinedFunction udf(C4Cleaner.Settings settings) {
    return udf(settings, null);
  }

  /** The same with a custom bad-words list ({@code entries}; null for the bundled English one). */
  public static UserDefinedFunction udf(C4Cleaner.Settings settings, List<String> entries) {
    return functions.udf(new C4Function(settings, entries), RESULT).withName("corral_c4");
  }

  private List<String> outputs() {
    List<String> names = new ArrayList<>();
    names.add(getOutputCol());
    for (String a : ANNOTATIONS) {
      names.add(getOutputPrefix() + a);
    }
    return names;
  }

  /**
   * The UDF body. Serializable state: the settings and a custom list's entries (a few KB); the
   * bundled list is the JVM-wide one.
   */
  /** The UDF body with a list per language: (page, language) to the same struct. */
  static final class C4ByLanguage implements UDF2<String, String, Row> {
    private static final long serialVersionUID = 1L;
    private static final BadWords NONE = new BadWords(List.of());
    private final C4Cleaner.Settings settings;
    private final HashMap<String, ArrayList<String>> lists;
    private transient Map<String, BadWords> loaded;

    C4ByLanguage(C4Cleaner.Settings settings, HashMap<String, ArrayList<String>> lists) {
      this.settings = settings;
      this.lists = lists;
    }

    private BadWords words(String language) {
      if (language == null) {
        return NONE;
      }
      if (loaded == null) {
        loaded = new HashMap<>();
        lists.forEach((k, v) -> loaded.put(k, v == null ? BadWords.english() : new BadWords(v)));
      }
      String code = language.strip().toLowerCase(Locale.ROOT);
      BadWords words = loaded.get(code);
      int region = code.indexOf('-') >= 0 ? code.indexOf('-') : code.indexOf('_');
      if (words == null && region > 0) {
        words = loaded.get(code.substring(0, region)); // en-US, pt_BR: the language's list
      }
      return words == null ? NONE : words;
    }

    @Override
    public Row call(String text, String language) {
      if (text == null) {
        return null;
      }
      C4Cleaner.Result r = C4Cleaner.clean(text, settings, words(language));
      return RowFactory.create(r.text(), r.linesKept(), r.linesTotal(), r.sentences(), r.reason());
    }
  }

  static final class C4Function implements UDF1<String, Row> {
    private static final long serialVersionUID = 1L;
    private final C4Cleaner.Settings settings;
    private final ArrayList<String> entries;
    private transient BadWords custom;

    C4Function(C4Cleaner.Settings settings, List<String> entries) {
      this.settings = settings;
      this.entries = entries == null ? null : new ArrayList<>(entries);
    }

    private BadWords words() {
      if (entries == null) {
        return BadWords.english();
      }
      if (custom == null) {
        custom = new BadWords(entries);
      }
      return custom;
    }

    @Override
    public Row call(String text) {
      if (text == null) {
        return null;
      }
      C4Cleaner.Result r = C4Cleaner.clean(text, settings, words());
      return RowFactory.create(r.text(), r.linesKept(), r.linesTotal(), r.sentences(), r.reason());
    }
  }
}
