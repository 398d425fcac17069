package dev.fedlearn.protocol;

/**
 * A client's message to a secure aggregation session: one for each step it takes part in (its public keys, its
 * encrypted shares, its masked update, its unmasking shares), or a complaint about another client's share; the
 * aggregator matches on the kind.
 */
public sealed interface SecAggMessage
    permits KeyAdvertisement, SecAggShares, MaskedUpdate, UnmaskingShares, SecAggComplaint {
  /** The client that sends it. */
  String clientId();
}
