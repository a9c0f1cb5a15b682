package dev.corral.curation.ccnet;

import dev.corral.core.stage.DropReasons;
import dev.corral.core.stage.FilterColumns;
import dev.corral.core.stage.Stages;
import dev.corral.curation.langid.LanguageIdentifier;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * CCNet's language filter (Wenzek et al. 2020, section 3.3): a document whose language score is
 * below 0.5 is dropped. {@link LanguageIdentifier} already names such documents {@code unknown}, so
 * this stage only records the decision: {@code drop_reason = "low_language_score"} where the
 * language column is {@code unknown} and {@code drop_reason} is still null. A null language (null
 * text) is left alone. Run it after {@link LineDeduplicator}, as CCNet identifies the language of
 * the deduplicated text. With {@code languages} set, documents in other languages get {@code
 * language_not_selected}.
 */
public final class LanguageFilter extends Transformer
    implements DefaultParamsWritable, DropReasons {
  private static final long serialVersionUID = 1L;

  /**
   * The drop reason of a document whose language could not be identified with enough confidence.
   */
  public static final String LOW_LANGUAGE_SCORE = "low_language_score";

  /**
   * The drop reason of a document in a language outside {@code languages}, when that list is set.
   */
  public static final String LANGUAGE_NOT_SELECTED = "language_not_selected";

  private final String uid;
  private final Param<String> dropReasonCol;
  private final Param<String> languageCol;
  private final StringArrayParam languages;

  /** A stage with a random uid and default columns. */
  public LanguageFilter() {
    this(Identifiable.randomUID("languageFilter"));
  }

  /** A stage with the given uid; Spark ML's reader and {@code copy} call this. */
  public LanguageFilter(String uid) {
    this.uid = uid;
    dropReasonCol =
        new Param<>(
            this,
            "dropReasonCol",
            "string column naming why a row is dropped; added if absent, and only set where still null",
            Stages.nonBlank());
    languageCol =
        new Param<>(
            this,
            "languageCol",
            "string column with the language code, 'unknown' below the identifier's minimum score",
            Stages.nonBlank());
    languages =
        new StringArrayParam(
            this,
            "languages",
            "languages to keep (CCNet's --lang); others get drop_reason = language_not_selected; empty keeps all");
    setDefault(dropReasonCol, "drop_reason");
    setDefault(languageCol, "language");
    setDefault(languages, new String[0]);
  }

  /** Languages to keep; empty keeps every identified language. */
  public StringArrayParam languages() {
    return languages;
  }

  public String[] getLanguages() {
    return getOrDefault(languages);
  }

  public LanguageFilter setLanguages(String... value) {
    set(languages, value);
    return this;
  }

  @Override
  public String uid() {
    return uid;
  }

  /** Drop-reason column (default {@code drop_reason}). */
  public Param<String> dropReasonCol() {
    return dropReasonCol;
  }

  /** Language column (default {@code language}). */
  public Param<String> languageCol() {
    return languageCol;
  }

  public String getDropReasonCol() {
    return getOrDefault(dropReasonCol);
  }

  public LanguageFilter setDropReasonCol(String value) {
    set(dropReasonCol, value);
    return this;
  }

  public String getLanguageCol() {
    return getOrDefault(languageCol);
  }

  public LanguageFilter setLanguageCol(String value) {
    set(languageCol, value);
    return this;
  }

  @Override
  public List<String> dropReasons() {
    return List.of(LOW_LANGUAGE_SCORE, LANGUAGE_NOT_SELECTED);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String stage = "LanguageFilter " + uid;
    Stages.requireColumn(stage, schema, getLanguageCol(), DataTypes.StringType);
    return FilterColumns.withReasonColumn(stage, schema, getDropReasonCol());
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Column unknown = Stages.column(getLanguageCol()).equalTo(LanguageIdentifier.UNKNOWN);
    Column reason = functions.when(unknown, functions.lit(LOW_LANGUAGE_SCORE));
    if (getLanguages().length > 0) {
      reason =
          reason.when(
              functions.not(Stages.column(getLanguageCol()).isin((Object[]) getLanguages())),
              functions.lit(LANGUAGE_NOT_SELECTED));
    }
    return FilterColumns.setReason(dataset.toDF(), getDropReasonCol(), reason);
  }

  @Override
  public LanguageFilter copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Spark ML's reader for a saved stage; {@code Pipeline} loading finds it by reflection. */
  public static MLReader<LanguageFilter> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads a stage saved with {@code write().save(path)}. */
  public static LanguageFilter load(String path) {
    return read().load(path);
  }
}
