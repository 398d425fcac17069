package dev.fedlearn.client.worker;

/** The aggregator serves another run than the one this client registered with (found on registering again). */
final class RunChanged extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RunChanged() {
    super("the aggregator serves another run", null, false, false);
  }
}
