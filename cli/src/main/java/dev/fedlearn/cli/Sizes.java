package dev.fedlearn.cli;

/** Client shard sizes and names. */
final class Sizes {
  private Sizes() {}

  static void check(int[] sizes) {
    for (int s : sizes) {
      if (s < 2) {
        throw new IllegalArgumentException("--sizes: every client needs at least 2 samples, got " + s);
      }
    }
  }

  static String clientId(int i) {
    return "client-" + (i + 1);
  }
}
