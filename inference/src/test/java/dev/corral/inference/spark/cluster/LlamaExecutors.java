package dev.corral.inference.spark.cluster;

import dev.corral.core.testing.LocalCluster;

/**
 * What executor JVMs of a local-cluster need to run the LLaMA stages as Surefire runs the test JVM.
 */
final class LlamaExecutors {
  private LlamaExecutors() {}

  /**
   * {@code cluster} with libtorch taken from the class path (never the network), one thread per
   * executor, and models loaded on the CPU even where a (fake) GPU is assigned.
   */
  static LocalCluster.Builder configure(LocalCluster.Builder cluster) {
    String pytorch = System.getProperty("PYTORCH_VERSION");
    String opts = cluster.settings().get("spark.executor.extraJavaOptions");
    return cluster
        .config("spark.executorEnv.PYTORCH_VERSION", pytorch)
        .config("spark.executorEnv.OMP_NUM_THREADS", "1")
        .config(
            "spark.executor.extraJavaOptions",
            opts
                + " -Dai.djl.offline=true -DPYTORCH_VERSION="
                + pytorch
                + " -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1")
        .config(dev.corral.core.CorralConf.LLAMA_CPU_FALLBACK.key(), "true");
  }
}
