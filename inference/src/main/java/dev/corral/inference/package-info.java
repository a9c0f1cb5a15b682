/**
 * LLaMA-family batch inference. The Spark-free engine lives in {@code dev.corral.inference.llama}
 * (configuration, safetensors weights, tokenizer, the model on DJL, scoring, generation);
 * user-facing errors are built in {@link dev.corral.core.Errors}; the Spark workers sit on top in
 * {@code dev.corral.inference.spark}; the engine never imports Spark.
 */
package dev.corral.inference;
