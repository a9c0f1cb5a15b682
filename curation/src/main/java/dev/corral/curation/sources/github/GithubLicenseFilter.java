package dev.corral.curation.sources.github;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.corral.core.stage.CorralTransformer;
import dev.corral.core.stage.DropReasons;
import dev.corral.core.stage.FilterColumns;
import dev.corral.core.stage.Stages;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The files RedPajama v1 never reads: repositories whose licence key starts with none of {@code
 * licensePrefixes} (the BigQuery query's {@code license LIKE 'mit%' OR 'bsd%' OR 'apache%'}; LLaMA:
 * "projects that are distributed under the Apache, BSD and MIT licenses", Touvron et al. 2023,
 * section 2.1) get {@code drop_reason = github_license}; certificates ({@code *.crt}) and the
 * top-level {@code LICENSE} get {@code github_skipped_path} ({@code github_clean_dedup_local.py}).
 * It reads only metadata, so it runs before the exact dedup, as in RedPajama. Sets {@code
 * drop_reason} only where still null; adds no other column.
 */
public final class GithubLicenseFilter extends CorralTransformer<GithubLicenseFilter>
    implements DropReasons {
  private static final long serialVersionUID = 1L;

  private final Param<String> licenseCol;
  private final Param<String> pathCol;
  private final StringArrayParam licensePrefixes;
  private final Param<String> dropReasonCol;

  public GithubLicenseFilter() {
    this(Identifiable.randomUID("githubLicense"));
  }

  public GithubLicenseFilter(String uid) {
    super(uid);
    licenseCol =
        new Param<>(
            this, "licenseCol", "column holding the licence key (string)", Stages.nonBlank());
    pathCol =
        new Param<>(
            this,
            "pathCol",
            "column holding the path in the repository (string)",
            Stages.nonBlank());
    licensePrefixes =
        new StringArrayParam(
            this,
            "licensePrefixes",
            "licence keys kept, as case-sensitive prefixes (RedPajama's BigQuery query: mit, bsd, apache)");
    dropReasonCol =
        new Param<>(
            this,
            "dropReasonCol",
            "column naming why a document is dropped (string); set only where still null",
            Stages.nonBlank());
    setDefault(licenseCol, "license");
    setDefault(pathCol, "path");
    setDefault(licensePrefixes, GithubRules.LICENSE_PREFIXES.toArray(new String[0]));
    setDefault(dropReasonCol, "drop_reason");
  }

  public Param<String> licenseCol() {
    return licenseCol;
  }

  public Param<String> pathCol() {
    return pathCol;
  }

  public StringArrayParam licensePrefixes() {
    return licensePrefixes;
  }

  public Param<String> dropReasonCol() {
    return dropReasonCol;
  }

  public String getLicenseCol() {
    return getOrDefault(licenseCol);
  }

  public GithubLicenseFilter setLicenseCol(String value) {
    set(licenseCol, value);
    return this;
  }

  public String getPathCol() {
    return getOrDefault(pathCol);
  }

  public GithubLicenseFilter setPathCol(String value) {
    set(pathCol, value);
    return this;
  }

  public String[] getLicensePrefixes() {
    return getOrDefault(licensePrefixes);
  }

  public GithubLicenseFilter setLicensePrefixes(String... value) {
    set(licensePrefixes, value);
    return this;
  }

  public String getDropReasonCol() {
    return getOrDefault(dropReasonCol);
  }

  public GithubLicenseFilter setDropReasonCol(String value) {
    set(dropReasonCol, value);
    return this;
  }

  @Override
  public List<String> dropReasons() {
    return List.of(GithubRules.LICENSE, GithubRules.SKIPPED_PATH);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String stage = "GithubLicenseFilter " + uid;
    Stages.requireColumn(stage, schema, getLicenseCol(), DataTypes.StringType);
    Stages.requireColumn(stage, schema, getPathCol(), DataTypes.StringType);
    return FilterColumns.withReasonColumn(stage, schema, getDropReasonCol());
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Column license = Stages.column(getLicenseCol());
    Column path = Stages.column(getPathCol());
    Column permitted = lit(false);
    for (String prefix : getLicensePrefixes()) {
      permitted = permitted.or(license.startsWith(prefix));
    }
    Column reason =
        when(license.isNull().or(functions.not(permitted)), lit(GithubRules.LICENSE))
            .when(path.endsWith(".crt").or(path.equalTo("LICENSE")), lit(GithubRules.SKIPPED_PATH));
    return FilterColumns.setReason(dataset.toDF(), getDropReasonCol(), reason);
  }

  public static MLReader<GithubLicenseFilter> read() {
    return new DefaultParamsReader<>();
  }

  public static GithubLicenseFilter load(String path) {
    return read().load(path);
  }
}
