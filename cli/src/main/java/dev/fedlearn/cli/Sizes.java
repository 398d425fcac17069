package dev.fedlearn.cli;

/** Client shard sizes and names. */
final class Sizes {
  private Sizes() {}

  static void check(int[] sizes) {
    for (int s : sizes) {
      if (s < 2) {
        throw new IllegalArgumentException("every client needs at least 2 samples (--sizes, --samples-per-client), got " + s);
      }
    }
  }

  static String clientId(int i) {
    return "client-" + (i + 1);
  }
}
