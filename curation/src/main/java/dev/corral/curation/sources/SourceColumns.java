package dev.corral.curation.sources;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns every source's document table starts with, in this order, so that the seven LLaMA
 * sources can be curated and mixed alike; each source adds its own columns after them.
 *
 * <ul>
 *   <li>{@code id}: stable and unique, derived from the source ({@code wikipedia/en/12}, {@code
 *       stackexchange/math/34}, ...);
 *   <li>{@code text}: the document as the recipe trains on it;
 *   <li>{@code source}: {@code wikipedia}, {@code stackexchange}, {@code github}, {@code arxiv},
 *       {@code books};
 *   <li>{@code url}, {@code title}, {@code language} (an ISO 639 code, or a programming language
 *       for code), {@code timestamp} (as the dump gives it): null where the source has none.
 * </ul>
 */
public final class SourceColumns {
  public static final String ID = "id";
  public static final String TEXT = "text";
  public static final String SOURCE = "source";
  public static final String URL = "url";
  public static final String TITLE = "title";
  public static final String LANGUAGE = "language";
  public static final String TIMESTAMP = "timestamp";

  /** The common columns, in order. */
  public static final List<StructField> COMMON =
      List.of(
          DataTypes.createStructField(ID, DataTypes.StringType, false),
          DataTypes.createStructField(TEXT, DataTypes.StringType, false),
          DataTypes.createStructField(SOURCE, DataTypes.StringType, false),
          DataTypes.createStructField(URL, DataTypes.StringType, true),
          DataTypes.createStructField(TITLE, DataTypes.StringType, true),
          DataTypes.createStructField(LANGUAGE, DataTypes.StringType, true),
          DataTypes.createStructField(TIMESTAMP, DataTypes.StringType, true));

  private SourceColumns() {}

  /** The common columns followed by {@code extra}: a source's whole schema. */
  public static StructType schema(StructField... extra) {
    StructType schema = new StructType(COMMON.toArray(new StructField[0]));
    for (StructField f : extra) {
      schema = schema.add(f);
    }
    return schema;
  }
}
