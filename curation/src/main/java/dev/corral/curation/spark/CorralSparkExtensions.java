package dev.corral.curation.spark;

import dev.corral.core.CorralConf;
import dev.corral.core.Errors;
import dev.corral.curation.langid.LanguageIdentifier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.types.DataTypes;
import scala.Function1;
import scala.Tuple3;
import scala.collection.Seq;
import scala.runtime.BoxedUnit;

/**
 * Corral's Spark session extension: registers Corral's SQL functions so SQL and PySpark users call
 * them without writing Java. Enable it with {@code
 * spark.sql.extensions=dev.corral.curation.spark.CorralSparkExtensions}, or after Delta's with a
 * comma: {@code
 * io.delta.sql.DeltaSparkSessionExtension,dev.corral.curation.spark.CorralSparkExtensions}.
 *
 * <p>Like Delta's {@code DeltaSparkSessionExtension}, {@link #apply} is one flat list of
 * injections. The functions read their settings from {@link CorralConf} when a query is analyzed,
 * so {@code SET spark.corral.langid.minScore=0.8} applies to the next query.
 */
public final class CorralSparkExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {

  /** Spark instantiates the extension by reflection through this constructor. */
  public CorralSparkExtensions() {}

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    // corral_language(text): the fastText language code of text ('en', ...), or 'unknown' below
    // minScore.
    extensions.injectFunction(
        function(
            "corral_language",
            "_FUNC_(text) - Returns the language code of text ('en', 'fr', ...) from fastText language ID "
                + "(spark.corral.langid.model), or 'unknown' when the best probability is below "
                + "spark.corral.langid.minScore. Null text gives null.",
            "language",
            "en"));
    // corral_language_score(text): the probability of the best language label, as a float.
    extensions.injectFunction(
        function(
            "corral_language_score",
            "_FUNC_(text) - Returns the probability (float) of the best fastText language label of text "
                + "(spark.corral.langid.model). Null text gives null.",
            "score",
            "0.9752735"));
    return BoxedUnit.UNIT;
  }

  /**
   * A one-argument langid function that returns one field of {@link LanguageIdentifier}'s row
   * struct.
   */
  private static Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, Expression>>
      function(String name, String usage, String field, String example) {
    // Spark checks these layouts: sections start "\n    Name:\n" and end "\n  ".
    ExpressionInfo info =
        new ExpressionInfo(
            CorralSparkExtensions.class.getName(),
            null,
            name,
            usage,
            "\n    Arguments:\n      * text - a string expression; other types are cast to string\n  ",
            "\n    Examples:\n      > SELECT _FUNC_('Everyone has the right to life, liberty and security of person.');\n"
                + "       "
                + example
                + "\n  ",
            "",
            "string_funcs",
            "",
            "",
            "java_udf");
    Function1<Seq<Expression>, Expression> builder =
        arguments -> {
          if (arguments.size() != 1) {
            throw Errors.wrongArgumentCount(name, "1 argument (text)", arguments.size());
          }
          // Read at analysis time, so the model and threshold follow the session's current
          // settings.
          SparkSession spark = SparkSession.active();
          String model = CorralConf.LANGID_MODEL.get(spark);
          double minScore = CorralConf.LANGID_MIN_SCORE.get(spark);
          Column text =
              LanguageIdentifier.utf8(new Column(arguments.apply(0)).cast(DataTypes.StringType));
          return LanguageIdentifier.udf(model, minScore, 0).apply(text).getField(field).expr();
        };
    return new Tuple3<>(FunctionIdentifier.apply(name), info, builder);
  }
}
