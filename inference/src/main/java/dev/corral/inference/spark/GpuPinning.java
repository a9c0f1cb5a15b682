package dev.corral.inference.spark;

import ai.djl.Device;
import dev.corral.core.Errors;
import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Which device a task's model runs on: the GPU that Spark's resource scheduling gave the task, else
 * the CPU.
 *
 * <p>On a cluster with {@code spark.executor.resource.gpu.amount} and {@code
 * spark.task.resource.gpu.amount} set and a discovery script, every task sees its GPU addresses in
 * {@code TaskContext.resources()}; address {@code "N"} becomes DJL's {@code Device.gpu(N)}, so the
 * address must be a CUDA device ordinal (what {@code nvidia-smi}-based discovery scripts print). A
 * task given several addresses uses the first: the engine runs a model on one device. Without a GPU
 * resource (local mode, CPU clusters) the model runs on the CPU.
 *
 * <p><b>CPU fallback.</b> With {@code cpuFallback} a GPU address still names the placement ({@code
 * gpu:0}) and so still keys the executor's model cache, but the model loads on the CPU. It exists
 * so that tests with fake GPUs (a discovery script printing addresses on a machine without CUDA)
 * can prove "one model per (executor, GPU)" end to end; on a real GPU cluster leave it off. The
 * stage param {@code cpuFallback} turns it on, and so does the Spark setting {@code
 * spark.corral.llama.cpuFallback} ({@link dev.corral.core.CorralConf#LLAMA_CPU_FALLBACK}) when the
 * param is not set.
 */
public final class GpuPinning {
  /** The label of the CPU placement. */
  public static final String CPU = "cpu";

  private GpuPinning() {}

  /**
   * Where a model runs.
   *
   * @param label {@code gpu:N} or {@code cpu}: what the {@code device} column reports and the model
   *     cache keys by
   * @param device the DJL device the model is loaded on (the CPU under {@code cpuFallback})
   */
  public record Placement(String label, Device device) implements Serializable {}

  /**
   * The placement for a task given {@code gpuAddresses} (null or empty: no GPU resource). Pure, so
   * that the mapping is tested without a GPU.
   */
  public static Placement place(String[] gpuAddresses, boolean cpuFallback) {
    if (gpuAddresses == null || gpuAddresses.length == 0) {
      return new Placement(CPU, Device.cpu());
    }
    String address = gpuAddresses[0].trim();
    int ordinal;
    try {
      ordinal = Integer.parseInt(address);
    } catch (NumberFormatException e) {
      ordinal = -1;
    }
    if (ordinal < 0) {
      throw Errors.badArgument(
          "GPU address",
          gpuAddresses[0],
          "a CUDA device ordinal (0, 1, ...); make the GPU discovery script print ordinals, not UUIDs");
    }
    return new Placement("gpu:" + ordinal, cpuFallback ? Device.cpu() : Device.gpu(ordinal));
  }

  /** The placement of the running task ({@link TaskContext#get()}); the CPU outside a task. */
  public static Placement currentTask(boolean cpuFallback) {
    TaskContext task = TaskContext.get();
    ResourceInformation gpu = task == null ? null : task.resourcesJMap().get("gpu");
    return place(gpu == null ? null : gpu.addresses(), cpuFallback);
  }
}
