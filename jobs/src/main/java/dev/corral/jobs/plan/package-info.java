/**
 * The cost plan of a recipe, before it runs: {@link dev.corral.jobs.plan.InputSample} takes a few
 * MB of each source's inputs, spread over its files; {@link dev.corral.jobs.plan.CostPlan}
 * extrapolates what each step cost on that sample (CPU, wall time, rows, bytes, tokens) to the
 * whole input and a cluster of N cores, with {@link dev.corral.jobs.plan.Partitions} for the files
 * a partitioned output will have. {@code corral plan} runs the recipe on the sample between them.
 */
package dev.corral.jobs.plan;
