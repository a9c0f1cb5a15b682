/**
 * The LLaMA engine, Spark-free: {@link dev.corral.inference.llama.LlamaConfig} (config.json),
 * {@code SafeTensors} and {@code Weights} (defensive safetensors loading, memory-mapped into
 * PyTorch tensors), {@link dev.corral.inference.llama.LlamaTokenizer} (tokenizer.json), {@link
 * dev.corral.inference.llama.LlamaModel} (the forward pass on DJL NDArrays, with a {@link
 * dev.corral.inference.llama.KvCache}), {@link dev.corral.inference.llama.Scorer} (log-likelihoods,
 * perplexity, sliding-window scoring of long texts, continuations and the "Answer:"-normalised
 * choice score) and {@link dev.corral.inference.llama.Generator} (greedy and sampled generation,
 * repetition penalty, stop tokens and strings; finished rows leave the batch). {@link
 * dev.corral.inference.llama.RandomCheckpoint} writes random-weight checkpoints of any size
 * (safetensors, and GGUF for llama.cpp). Tests check the engine against llama.cpp outputs on the
 * shared llama-tiny fixture.
 *
 * <p>Native libraries come from jars on the class path; set {@code PYTORCH_VERSION} (environment or
 * system property) to the bundled libtorch version and {@code ai.djl.offline=true} so DJL never
 * downloads.
 */
package dev.corral.inference.llama;
