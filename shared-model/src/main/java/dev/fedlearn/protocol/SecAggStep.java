package dev.fedlearn.protocol;

/**
 * The steps of a secure aggregation session, in order: the picked clients' public keys, their encrypted shares, their
 * masked updates, the survivors' unmasking shares; then done (the round has its sum) or abandoned (a new session, or
 * the round's end, takes its place). {@code GET /rounds/{round}/secagg} says where the session is.
 */
public enum SecAggStep {
  KEYS, SHARES, MASKED, UNMASK, DONE, ABANDONED
}
