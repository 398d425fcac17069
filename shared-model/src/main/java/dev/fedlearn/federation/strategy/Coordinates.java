package dev.fedlearn.federation.strategy;

import java.util.List;

/** Helpers of the coordinate-wise strategies. */
final class Coordinates {
  private Coordinates() {}

  /** Parameter {@code j} of every result, in the results' order, into {@code column}. */
  static void gather(List<ClientResult> results, int j, float[] column) {
    for (int k = 0; k < column.length; k++) {
      column[k] = results.get(k).weights()[j];
    }
  }
}
