package dev.corral.curation.fasttext;

import dev.corral.core.Errors;
import java.nio.charset.StandardCharsets;

/**
 * The settings of {@code fasttext supervised}, with its defaults (fastText 0.9.2's {@code Args} and
 * the overrides its {@code supervised} command applies: lr 0.1, minCount 1, no char n-grams,
 * softmax). Build with {@link #builder()}; every value is checked in {@link Builder#build()}.
 */
public final class TrainingArgs implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  final double lr;
  final int lrUpdateRate;
  final int dim;
  final int ws;
  final int epoch;
  final int minCount;
  final int minCountLabel;
  final int neg;
  final int wordNgrams;
  final FastTextArgs.LossName loss;
  final int bucket;
  final int minn;
  final int maxn;
  final int thread;
  final double t;
  final String label;
  final int verbose;
  final String pretrainedVectors;
  final int seed;

  private TrainingArgs(Builder b) {
    lr = b.lr;
    lrUpdateRate = b.lrUpdateRate;
    dim = b.dim;
    ws = b.ws;
    epoch = b.epoch;
    minCount = b.minCount;
    minCountLabel = b.minCountLabel;
    neg = b.neg;
    wordNgrams = b.wordNgrams;
    loss = b.loss;
    // fastText drops the n-gram buckets when nothing would hash into them.
    bucket = (b.wordNgrams <= 1 && b.maxn == 0) ? 0 : b.bucket;
    minn = b.minn;
    maxn = b.maxn;
    thread = b.thread;
    t = b.t;
    label = b.label;
    verbose = b.verbose;
    pretrainedVectors = b.pretrainedVectors;
    seed = b.seed;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The header fields a trained model stores. */
  FastTextArgs modelArgs() {
    return new FastTextArgs(
        dim,
        ws,
        epoch,
        minCount,
        neg,
        wordNgrams,
        loss,
        FastTextArgs.ModelName.SUPERVISED,
        bucket,
        minn,
        maxn,
        lrUpdateRate,
        t);
  }

  byte[] labelPrefix() {
    return label.getBytes(StandardCharsets.UTF_8);
  }

  public int threads() {
    return thread;
  }

  /** Optional settings with fastText's defaults; {@code opt*} names follow fastText's flags. */
  public static final class Builder {
    private double lr = 0.1;
    private int lrUpdateRate = 100;
    private int dim = 100;
    private int ws = 5;
    private int epoch = 5;
    private int minCount = 1;
    private int minCountLabel = 0;
    private int neg = 5;
    private int wordNgrams = 1;
    private FastTextArgs.LossName loss = FastTextArgs.LossName.SOFTMAX;
    private int bucket = 2_000_000;
    private int minn = 0;
    private int maxn = 0;
    private int thread = 12;
    private double t = 1e-4;
    private String label = "__label__";
    private int verbose = 2;
    private String pretrainedVectors;
    private int seed = 0;

    public Builder optLr(double v) {
      lr = v;
      return this;
    }

    public Builder optLrUpdateRate(int v) {
      lrUpdateRate = v;
      return this;
    }

    public Builder optDim(int v) {
      dim = v;
      return this;
    }

    public Builder optWs(int v) {
      ws = v;
      return this;
    }

    public Builder optEpoch(int v) {
      epoch = v;
      return this;
    }

    public Builder optMinCount(int v) {
      minCount = v;
      return this;
    }

    public Builder optMinCountLabel(int v) {
      minCountLabel = v;
      return this;
    }

    public Builder optNeg(int v) {
      neg = v;
      return this;
    }

    public Builder optWordNgrams(int v) {
      wordNgrams = v;
      return this;
    }

    public Builder optLoss(FastTextArgs.LossName v) {
      loss = v;
      return this;
    }

    public Builder optBucket(int v) {
      bucket = v;
      return this;
    }

    public Builder optMinn(int v) {
      minn = v;
      return this;
    }

    public Builder optMaxn(int v) {
      maxn = v;
      return this;
    }

    public Builder optThread(int v) {
      thread = v;
      return this;
    }

    public Builder optT(double v) {
      t = v;
      return this;
    }

    public Builder optLabel(String v) {
      label = v;
      return this;
    }

    public Builder optVerbose(int v) {
      verbose = v;
      return this;
    }

    public Builder optPretrainedVectors(String v) {
      pretrainedVectors = v;
      return this;
    }

    public Builder optSeed(int v) {
      seed = v;
      return this;
    }

    /** Parses fastText's loss names: hs, ns, softmax, ova or one-vs-all. */
    public Builder optLoss(String name) {
      switch (name) {
        case "hs":
          loss = FastTextArgs.LossName.HS;
          break;
        case "ns":
          loss = FastTextArgs.LossName.NS;
          break;
        case "softmax":
          loss = FastTextArgs.LossName.SOFTMAX;
          break;
        case "ova":
        case "one-vs-all":
          loss = FastTextArgs.LossName.OVA;
          break;
        default:
          throw Errors.badArgument("loss", name, "hs, ns, softmax or ova");
      }
      return this;
    }

    public TrainingArgs build() {
      positive("lr", lr > 0, lr);
      positive("dim", dim > 0, dim);
      positive("epoch", epoch > 0, epoch);
      positive("thread", thread > 0, thread);
      positive("lrUpdateRate", lrUpdateRate > 0, lrUpdateRate);
      positive("wordNgrams", wordNgrams > 0, wordNgrams);
      if (neg < 0
          || minCount < 0
          || minCountLabel < 0
          || bucket < 0
          || minn < 0
          || maxn < 0
          || ws < 0) {
        throw Errors.badArgument(
            "count",
            "negative",
            "non-negative neg, minCount, minCountLabel, bucket, minn, maxn, ws");
      }
      if (maxn > 0 && minn > maxn) {
        throw Errors.badArgument("minn", minn, "at most maxn (" + maxn + ")");
      }
      if ((maxn > 0 || wordNgrams > 1) && bucket == 0) {
        throw Errors.badArgument("bucket", 0, "at least 1 when char or word n-grams are used");
      }
      if (label.isEmpty()) {
        throw Errors.badArgument("label", label, "a non-empty prefix");
      }
      return new TrainingArgs(this);
    }

    private static void positive(String name, boolean ok, Object value) {
      if (!ok) {
        throw Errors.badArgument(name, value, "a positive number");
      }
    }
  }
}
