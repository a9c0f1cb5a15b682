/**
 * LLaMA workers in Spark: {@link dev.corral.inference.spark.LlamaScorer} and {@link
 * dev.corral.inference.spark.LlamaGenerator} are Spark ML transformers that run the Spark-free
 * engine of {@code dev.corral.inference.llama} on every row of a table.
 *
 * <p>One model per executor JVM and per device ({@link dev.corral.inference.spark.ExecutorLlamas}),
 * the device being the GPU that Spark's resource scheduling gave the task ({@link
 * dev.corral.inference.spark.GpuPinning}). Rows of a partition stream through {@link
 * dev.corral.inference.spark.Batcher}: batched by a token budget, sorted by length inside a bounded
 * window, emitted in input order; a bad row gets an {@code error} value instead of failing the job.
 */
package dev.corral.inference.spark;
