package dev.corral.core.job;

import dev.corral.core.Errors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recipe as a declaration: steps, each a {@link Job}, with the steps whose outputs it reads (its
 * inputs, or a model it names by path). {@link RecipeRunner} runs it: a step starts when the steps
 * it reads are done, steps of different pools (sources) run side by side, and a step whose job,
 * settings and inputs are unchanged since its last complete run is skipped. Built with {@link
 * #builder()}.
 */
public final class Recipe {
  /**
   * One step.
   *
   * @param id {@code <pool>/<name>}, unique in the recipe
   * @param pool the Spark scheduler pool it runs in (its source): steps of one pool share it fairly
   *     with the others
   * @param job the job it runs
   * @param after ids of the steps whose outputs it reads, which run first
   */
  public record Step(String id, String pool, Job job, List<String> after) {}

  private final String name;
  private final List<Step> steps;

  private Recipe(String name, List<Step> steps) {
    this.name = name;
    this.steps = List.copyOf(steps);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String name() {
    return name;
  }

  /** The steps in an order where each comes after the steps it reads. */
  public List<Step> steps() {
    return steps;
  }

  /** Builds a {@link Recipe}: every {@code after} names an earlier step, so there are no cycles. */
  public static final class Builder {
    private String name = "recipe";
    private final Map<String, Step> steps = new LinkedHashMap<>();

    private Builder() {}

    /** The recipe's name, for its record. */
    public Builder setName(String value) {
      name = value;
      return this;
    }

    /** Adds a step; {@code after} names steps of the recipe, added before or after this one. */
    public Builder addStep(String id, String pool, Job job, List<String> after) {
      if (steps.containsKey(id)) {
        throw Errors.badUsage("recipe " + name, "two steps are called '" + id + "'");
      }
      steps.put(id, new Step(id, pool, job, List.copyOf(after)));
      return this;
    }

    /** Checks that every step read exists and that no step reads itself through others. */
    public Recipe build() {
      if (steps.isEmpty()) {
        throw Errors.badUsage("recipe " + name, "has no steps");
      }
      List<Step> ordered = new ArrayList<>();
      Map<String, Integer> state = new LinkedHashMap<>(); // 1: being visited, 2: ordered
      for (Step s : steps.values()) {
        visit(s, state, ordered);
      }
      return new Recipe(name, ordered);
    }

    private void visit(Step s, Map<String, Integer> state, List<Step> ordered) {
      Integer st = state.get(s.id());
      if (st != null && st == 2) {
        return;
      }
      if (st != null) {
        throw Errors.badUsage("recipe " + name + ": step " + s.id(), "reads its own output");
      }
      state.put(s.id(), 1);
      for (String a : s.after()) {
        Step before = steps.get(a);
        if (before == null) {
          throw Errors.badUsage(
              "recipe " + name + ": step " + s.id(), "reads step '" + a + "', which is not in it");
        }
        visit(before, state, ordered);
      }
      state.put(s.id(), 2);
      ordered.add(s);
    }
  }
}
