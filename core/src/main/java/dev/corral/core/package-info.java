/**
 * Corral's kit, once for every module: {@link dev.corral.core.CorralException} and {@link
 * dev.corral.core.Errors} (every user-facing message), {@link dev.corral.core.CorralConf} (every
 * {@code spark.corral.*} key). Sub-packages: {@code io} (tables, Hadoop helpers, input
 * fingerprints), {@code models} (the per-JVM model cache), {@code text} (Python {@code str}
 * semantics), {@code stage} (stage bases, validators, the registry of stages), {@code pipeline}
 * (YAML pipelines) and {@code job} (the job runner's safe writes and run records).
 */
package dev.corral.core;
