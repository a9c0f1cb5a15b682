/**
 * Reading and writing what jobs work on: {@link dev.corral.core.io.Tables} (JSONL, Parquet, Delta),
 * {@link dev.corral.core.io.HadoopFs} (one way to reach any Hadoop file system), {@link
 * dev.corral.core.io.Fingerprint} (what an input was when a job read it).
 */
package dev.corral.core.io;
