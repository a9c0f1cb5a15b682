/**
 * Reading and writing tables (JSON Lines, Parquet, Delta) and run reports: {@link
 * dev.corral.core.io.Tables}.
 */
package dev.corral.curation.io;
