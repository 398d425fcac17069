package dev.fedlearn.wire;

/**
 * The steps of a secure aggregation session, in order: the picked clients' public keys, their encrypted shares, their
 * masked updates, the survivors' unmasking shares.
 */
public enum SecAggStep {
  KEYS, SHARES, MASKED, UNMASK
}
