package dev.fedlearn.client.worker;

/** A plan below this client's floors ({@link PlanFloors}): the client refuses the run, and the message says why. */
final class PlanRefused extends RuntimeException {
  private static final long serialVersionUID = 1L;

  PlanRefused(String reason) {
    super(reason, null, false, false);
  }

  /** Throws a refusal with {@code reason} unless it is null (the plan meets the floors). */
  static void unless(String reason) {
    if (reason != null) {
      throw new PlanRefused(reason);
    }
  }
}
