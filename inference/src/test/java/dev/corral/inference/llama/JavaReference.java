package dev.corral.inference.llama;

/**
 * A straightforward pure-Java LLaMA forward pass in double precision with Hugging Face semantics
 * (rotate-half RoPE, llama3 rope scaling, GQA via repeat_kv, SwiGLU, tied embeddings), written
 * independently of the engine to check features the llama.cpp fixture does not cover.
 */
final class JavaReference {
  private JavaReference() {}

  /** Log-softmax of the next-token logits after every position: (T, vocab). */
  static double[][] logProbs(TinyCheckpoint c, double[] ropeScaling, int[] ids) {
    int T = ids.length;
    int hs = c.headSize();
    int rep = c.heads / c.kvHeads;
    double[][] x = new double[T][];
    for (int t = 0; t < T; t++) {
      x[t] = row(c.tensors.get("model.embed_tokens.weight"), ids[t], c.dim);
    }
    double[] inv = invFreq(c, ropeScaling);
    for (int l = 0; l < c.layers; l++) {
      String p = "model.layers." + l + ".";
      double[][] q = new double[T][];
      double[][] k = new double[T][];
      double[][] v = new double[T][];
      for (int t = 0; t < T; t++) {
        double[] h = rms(x[t], c.tensors.get(p + "input_layernorm.weight"), c.eps);
        q[t] =
            rope(matvec(c.tensors.get(p + "self_attn.q_proj.weight"), h, c.heads * hs), t, inv, hs);
        k[t] =
            rope(
                matvec(c.tensors.get(p + "self_attn.k_proj.weight"), h, c.kvHeads * hs),
                t,
                inv,
                hs);
        v[t] = matvec(c.tensors.get(p + "self_attn.v_proj.weight"), h, c.kvHeads * hs);
      }
      for (int t = 0; t < T; t++) {
        double[] o = new double[c.heads * hs];
        for (int head = 0; head < c.heads; head++) {
          int kvh = head / rep;
          double[] s = new double[t + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j <= t; j++) {
            double dot = 0;
            for (int d = 0; d < hs; d++) {
              dot += q[t][head * hs + d] * k[j][kvh * hs + d];
            }
            s[j] = dot / Math.sqrt(hs);
            max = Math.max(max, s[j]);
          }
          double sum = 0;
          for (int j = 0; j <= t; j++) {
            s[j] = Math.exp(s[j] - max);
            sum += s[j];
          }
          for (int j = 0; j <= t; j++) {
            for (int d = 0; d < hs; d++) {
              o[head * hs + d] += s[j] / sum * v[j][kvh * hs + d];
            }
          }
        }
        add(x[t], matvec(c.tensors.get(p + "self_attn.o_proj.weight"), o, c.dim));
      }
      for (int t = 0; t < T; t++) {
        double[] h = rms(x[t], c.tensors.get(p + "post_attention_layernorm.weight"), c.eps);
        double[] g = matvec(c.tensors.get(p + "mlp.gate_proj.weight"), h, c.hidden);
        double[] u = matvec(c.tensors.get(p + "mlp.up_proj.weight"), h, c.hidden);
        for (int i = 0; i < g.length; i++) {
          g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
        }
        add(x[t], matvec(c.tensors.get(p + "mlp.down_proj.weight"), g, c.dim));
      }
    }
    float[] head = c.tensors.get(c.tied ? "model.embed_tokens.weight" : "lm_head.weight");
    double[][] out = new double[T][];
    for (int t = 0; t < T; t++) {
      double[] logits = matvec(head, rms(x[t], c.tensors.get("model.norm.weight"), c.eps), c.vocab);
      double max = Double.NEGATIVE_INFINITY;
      for (double z : logits) {
        max = Math.max(max, z);
      }
      double sum = 0;
      for (double z : logits) {
        sum += Math.exp(z - max);
      }
      double lse = max + Math.log(sum);
      for (int i = 0; i < logits.length; i++) {
        logits[i] -= lse;
      }
      out[t] = logits;
    }
    return out;
  }

  /**
   * inv_freq as transformers' _compute_default_rope_parameters and _compute_llama3_parameters
   * compute it; {@code llama3} = {factor, low_freq_factor, high_freq_factor,
   * original_max_position_embeddings} or null.
   */
  static double[] invFreq(TinyCheckpoint c, double[] llama3) {
    int hs = c.headSize();
    double[] inv = new double[hs / 2];
    for (int i = 0; i < inv.length; i++) {
      inv[i] = 1.0 / Math.pow(c.theta, (double) (2 * i) / hs);
    }
    if (llama3 == null) {
      return inv;
    }
    double factor = llama3[0];
    double lowFreqFactor = llama3[1];
    double highFreqFactor = llama3[2];
    double oldContextLen = llama3[3];
    double lowFreqWavelen = oldContextLen / lowFreqFactor;
    double highFreqWavelen = oldContextLen / highFreqFactor;
    double[] out = new double[inv.length];
    for (int i = 0; i < inv.length; i++) {
      double wavelen = 2 * Math.PI / inv[i];
      double scaled = wavelen > lowFreqWavelen ? inv[i] / factor : inv[i];
      double smoothFactor =
          (oldContextLen / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
      double smoothed = (1 - smoothFactor) * scaled / factor + smoothFactor * scaled;
      boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
      out[i] = medium ? smoothed : scaled;
    }
    return out;
  }

  private static double[] rope(double[] x, int pos, double[] inv, int hs) {
    double[] out = new double[x.length];
    int half = hs / 2;
    for (int h = 0; h < x.length / hs; h++) {
      for (int d = 0; d < hs; d++) {
        double angle = pos * inv[d % half];
        double rotated = d < half ? -x[h * hs + d + half] : x[h * hs + d - half];
        out[h * hs + d] = x[h * hs + d] * Math.cos(angle) + rotated * Math.sin(angle);
      }
    }
    return out;
  }

  private static double[] rms(double[] x, float[] w, double eps) {
    double ss = 0;
    for (double v : x) {
      ss += v * v;
    }
    double scale = 1 / Math.sqrt(ss / x.length + eps);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] * scale * w[i];
    }
    return out;
  }

  /** W x for W stored (out, in) row-major. */
  private static double[] matvec(float[] w, double[] x, int out) {
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double s = 0;
      for (int i = 0; i < x.length; i++) {
        s += w[o * x.length + i] * x[i];
      }
      y[o] = s;
    }
    return y;
  }

  private static double[] row(float[] w, int r, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = w[r * n + i];
    }
    return out;
  }

  private static void add(double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      x[i] += y[i];
    }
  }
}
