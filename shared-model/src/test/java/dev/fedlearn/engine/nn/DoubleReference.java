package dev.fedlearn.engine.nn;

/**
 * An independent double-precision forward and backward pass over the same parameter layout, written plainly (no
 * kernels, no fused update), used to check the float network's gradients.
 */
final class DoubleReference {
  private DoubleReference() {}

  static double loss(LayerSizes s, double[] p, double[] x, int label) {
    double[][] a = forward(s, p, x);
    double[] z = a[s.depth()];
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    return Math.log(sum) + max - z[label];
  }

  /** a[0] = x; a[l] = layer l's output (leaky ReLU for hidden layers, logits for the last). */
  static double[][] forward(LayerSizes s, double[] p, double[] x) {
    double[][] a = new double[s.depth() + 1][];
    a[0] = x;
    for (int l = 1; l <= s.depth(); l++) {
      int rows = s.size(l);
      int cols = s.size(l - 1);
      a[l] = new double[rows];
      for (int o = 0; o < rows; o++) {
        double z = p[s.biasOffset(l) + o];
        for (int i = 0; i < cols; i++) {
          z += p[s.weightOffset(l) + o * cols + i] * a[l - 1][i];
        }
        a[l][o] = l < s.depth() && z <= 0 ? Network.LEAK * z : z;
      }
    }
    return a;
  }

  static double[] gradient(LayerSizes s, double[] p, double[] x, int label) {
    double[][] a = forward(s, p, x);
    double[] g = new double[p.length];
    int depth = s.depth();
    double[] z = a[depth];
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    double[] delta = new double[z.length];
    for (int k = 0; k < z.length; k++) {
      delta[k] = Math.exp(z[k] - max) / sum - (k == label ? 1 : 0);
    }
    for (int l = depth; l >= 1; l--) {
      int rows = s.size(l);
      int cols = s.size(l - 1);
      for (int o = 0; o < rows; o++) {
        for (int i = 0; i < cols; i++) {
          g[s.weightOffset(l) + o * cols + i] = delta[o] * a[l - 1][i];
        }
        g[s.biasOffset(l) + o] = delta[o];
      }
      if (l > 1) {
        double[] prev = new double[cols];
        for (int i = 0; i < cols; i++) {
          double back = 0;
          for (int o = 0; o < rows; o++) {
            back += p[s.weightOffset(l) + o * cols + i] * delta[o];
          }
          prev[i] = back * (a[l - 1][i] > 0 ? 1 : Network.LEAK);
        }
        delta = prev;
      }
    }
    return g;
  }
}
