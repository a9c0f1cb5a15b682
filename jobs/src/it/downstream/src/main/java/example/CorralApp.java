package example;

import dev.corral.curation.dedup.DedupModel;
import dev.corral.curation.dedup.MinHashDeduplicator;
import dev.corral.curation.langid.LanguageIdentifier;
import dev.corral.inference.spark.LlamaScorer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A user's Spark application: Corral's stages on its own tables. */
public final class CorralApp {
  private CorralApp() {}

  public static SparkSession localSpark() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("corral-downstream")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  /** Rows (id, text) as a table. */
  public static Dataset<Row> table(SparkSession spark, List<String> texts) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(RowFactory.create((long) i, texts.get(i)));
    }
    StructType schema =
        new StructType().add("id", DataTypes.LongType, false).add("text", DataTypes.StringType);
    return spark.createDataFrame(rows, schema);
  }

  /** id, language, language_score with the bundled lid.176 model. */
  public static List<Row> languages(SparkSession spark, List<String> texts) {
    return new LanguageIdentifier()
        .transform(table(spark, texts))
        .select("id", "language", "language_score")
        .orderBy("id")
        .collectAsList();
  }

  /** id, dedup_cluster, duplicate_of, drop_reason after MinHash near-duplicate search. */
  public static List<Row> nearDuplicates(SparkSession spark, List<String> texts) {
    Dataset<Row> docs = table(spark, texts);
    DedupModel model = new MinHashDeduplicator().setThreshold(0.8).fit(docs);
    return model
        .transform(docs)
        .select("id", "dedup_cluster", "duplicate_of", "drop_reason")
        .orderBy("id")
        .collectAsList();
  }

  /** id, logprob, tokens, error of each text under a LLaMA checkpoint folder. */
  public static List<Row> logProbs(SparkSession spark, String checkpoint, List<String> texts) {
    return new LlamaScorer()
        .setModelPath(checkpoint)
        .transform(table(spark, texts))
        .select("id", "logprob", "tokens", "error")
        .orderBy("id")
        .collectAsList();
  }

  public static void main(String[] args) {
    SparkSession spark = localSpark();
    try {
      for (Row row : languages(spark, List.of(args))) {
        System.out.println(row);
      }
    } finally {
      spark.stop();
    }
  }
}
