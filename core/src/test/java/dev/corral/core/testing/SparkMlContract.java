package dev.corral.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Objects;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;

/**
 * The contract every Corral Spark ML stage must keep, after Spark's own {@code
 * ParamsSuite.checkParams}, {@code DefaultReadWriteTest} and {@code
 * MLTestingUtils.checkCopyAndUids}: params are documented, owned and reachable by name, defaults
 * are valid, {@code copy} keeps params, save/load round-trips them, and a fitted model is its
 * estimator's child.
 */
public final class SparkMlContract {
  private SparkMlContract() {}

  /**
   * Checks the params of {@code stage}: docs, ownership, accessors, valid defaults, and {@code
   * copy}.
   */
  public static void checkParams(Params stage) {
    Class<?> cls = stage.getClass();
    Param<?>[] params = stage.params();
    assertTrue(params.length > 0, cls.getSimpleName() + " has no params");
    String[] names = Arrays.stream(params).map(Param::name).toArray(String[]::new);
    String[] sorted = names.clone();
    Arrays.sort(sorted);
    assertTrue(
        Arrays.equals(names, sorted), "params must be ordered by name: " + Arrays.toString(names));
    for (Param<?> p : params) {
      String where = cls.getSimpleName() + "." + p.name();
      assertEquals(stage.uid(), p.parent(), where + " belongs to another stage");
      assertSame(p, stage.getParam(p.name()), where + " is not found by its name");
      assertTrue(p.doc() != null && !p.doc().isBlank(), where + " has no doc");
      assertSame(p, invoke(stage, p.name()), where + "() does not return the param");
      if (stage.hasDefault(p)) {
        @SuppressWarnings("unchecked")
        Param<Object> any = (Param<Object>) p;
        Object value = stage.getDefault(any).get();
        assertEquals(
            Boolean.TRUE,
            any.isValid().apply(value),
            where + " default " + value + " is not valid");
      }
      String suffix = Character.toUpperCase(p.name().charAt(0)) + p.name().substring(1);
      Method getter = method(cls, "get" + suffix, 0);
      assertNotNull(getter, where + " has no getter get" + suffix);
      Method setter = method(cls, "set" + suffix, 1);
      assertNotNull(setter, where + " has no setter set" + suffix);
      // Setters chain: a setter inherited from a generic base class returns the same object at run
      // time.
      assertTrue(
          setter.getReturnType().isAssignableFrom(cls), "set" + suffix + " must return the stage");
      if (stage.isDefined(p)) {
        assertSame(
            stage.copy(ParamMap.empty()).getClass(),
            invoke(stage.copy(ParamMap.empty()), setter, stage.getOrDefault(p)).getClass(),
            "set" + suffix + " must return the stage");
      }
    }
    Method copy = method(cls, "copy", 1);
    assertTrue(
        copy.getReturnType().isAssignableFrom(cls),
        cls.getSimpleName() + ".copy must return the stage");
    assertSame(
        cls,
        stage.copy(ParamMap.empty()).getClass(),
        cls.getSimpleName() + ".copy must return a " + cls.getSimpleName());

    Params same = stage.copy(ParamMap.empty());
    assertNotSame(stage, same, "copy returned the same object");
    assertEquals(stage.uid(), same.uid(), "copy changed the uid");
    for (Param<?> p : params) {
      assertEquals(stage.isSet(p), same.isSet(p), "copy changed whether " + p.name() + " is set");
      assertEquals(
          stage.hasDefault(p), same.hasDefault(p), "copy changed the default of " + p.name());
      if (stage.isDefined(p)) {
        assertTrue(
            Objects.deepEquals(stage.getOrDefault(p), same.getOrDefault(p)),
            "copy changed " + p.name());
      }
    }
  }

  /**
   * Checks a model that {@code estimator} fitted: it takes the estimator's uid and has it as
   * parent, carries every param the two share (set, default or undefined alike, as {@code
   * copyValues} passes them on), keeps the {@link #checkParams} contract itself, and a copy keeps
   * the parent.
   */
  public static void checkFitted(Estimator<?> estimator, Model<?> model) {
    String cls = model.getClass().getSimpleName();
    assertEquals(estimator.uid(), model.uid(), cls + " must take its estimator's uid");
    assertTrue(model.hasParent(), cls + " has no parent");
    assertSame(estimator, model.parent(), cls + "'s parent is not the estimator that fitted it");
    int shared = 0;
    for (Param<?> p : estimator.params()) {
      if (!model.hasParam(p.name())) {
        continue;
      }
      shared++;
      Param<?> q = model.getParam(p.name());
      assertEquals(
          estimator.isSet(p), model.isSet(q), "fit changed whether " + p.name() + " is set");
      if (estimator.isDefined(p)) {
        assertTrue(
            Objects.deepEquals(estimator.getOrDefault(p), model.getOrDefault(q)),
            "fit changed "
                + p.name()
                + ": "
                + estimator.getOrDefault(p)
                + " -> "
                + model.getOrDefault(q));
      } else {
        assertFalse(model.isDefined(q), "fit defined " + p.name());
      }
    }
    assertTrue(
        shared > 0, cls + " carries none of " + estimator.getClass().getSimpleName() + "'s params");
    checkParams(model);
    assertSame(
        model.parent(),
        ((Model<?>) model.copy(ParamMap.empty())).parent(),
        cls + ".copy lost the parent");
  }

  /**
   * Saves {@code stage} under {@code path}, loads it back through its static {@code read()} and
   * {@code load(String)}, and checks uid and every param (set, default or undefined) survive.
   * Returns the loaded stage.
   */
  @SuppressWarnings("unchecked")
  public static <T extends Params & MLWritable> T checkReadWrite(T stage, String path) {
    try {
      stage.write().overwrite().save(path);
      MLReader<T> reader = (MLReader<T>) stage.getClass().getMethod("read").invoke(null);
      T loaded = reader.load(path);
      assertEquals(stage.getClass(), loaded.getClass());
      assertEquals(stage.uid(), loaded.uid());
      assertSameParams(stage, loaded);
      T again = (T) stage.getClass().getMethod("load", String.class).invoke(null, path);
      assertEquals(stage.uid(), again.uid());
      assertSameParams(stage, again);
      return loaded;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(stage.getClass() + " lacks a static read() or load(String)", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertSameParams(Params expected, Params actual) {
    for (Param<?> p : expected.params()) {
      Param<?> q = actual.getParam(p.name());
      assertEquals(
          expected.isSet(p), actual.isSet(q), "save/load changed whether " + p.name() + " is set");
      if (expected.isDefined(p)) {
        assertTrue(
            Objects.deepEquals(expected.getOrDefault(p), actual.getOrDefault(q)),
            "save/load changed "
                + p.name()
                + ": "
                + expected.getOrDefault(p)
                + " -> "
                + actual.getOrDefault(q));
      } else {
        assertFalse(actual.isDefined(q), "save/load defined " + p.name());
      }
    }
  }

  private static Object invoke(Object target, String name) {
    try {
      return target.getClass().getMethod(name).invoke(target);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(
          target.getClass().getSimpleName() + " has no public " + name + "()", e);
    }
  }

  /**
   * The public method with this name and arity whose return type is most specific (skips bridges).
   */
  private static Method method(Class<?> cls, String name, int arity) {
    Method best = null;
    for (Method m : cls.getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == arity && !m.isBridge()) {
        if (best == null || best.getReturnType().isAssignableFrom(m.getReturnType())) {
          best = m;
        }
      }
    }
    return best;
  }

  private static Object invoke(Object target, Method m, Object arg) {
    try {
      return m.invoke(target, arg);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(m + " failed", e);
    }
  }
}
