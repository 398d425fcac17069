/**
 * Secure aggregation (Bonawitz et al. 2017, "Practical Secure Aggregation for Privacy-Preserving Machine Learning",
 * CCS'17), in its semi-honest variant: the server learns the sum of the clients' inputs and nothing else about them.
 *
 * <p><b>The ring.</b> Inputs are vectors of ints added mod {@code 2^32} (Java's int overflow). {@link
 * dev.fedlearn.federation.secagg.FixedPoint} encodes sample-weighted weights there so that the sum, decoded, is FedAvg's
 * weighted mean, and picks a scale at which the sum never wraps.
 *
 * <p><b>The four rounds</b>, with {@code t} the threshold ({@link dev.fedlearn.federation.secagg.SecAggServer#defaultThreshold}):
 * <ol>
 *   <li>Advertise keys: each client draws two X25519 key pairs, {@code (c_SK, c_PK)} to receive encrypted shares and
 *       {@code (s_SK, s_PK)} to agree pairwise masks, and sends the public keys; the server forwards them all (U1).
 *   <li>Share keys: each client draws a self-mask seed {@code b}, Shamir-splits {@code s_SK} and {@code b}
 *       t-of-|U1|, and sends each other client its shares, AES-GCM encrypted under a key agreed from the
 *       {@code c} keys; the server forwards each client the shares addressed to it (the senders are U2).
 *   <li>Masked input collection: each client sends {@code y_u = x_u + PRG(b_u) + sum over v in U2 of
 *       (+-PRG(s_uv))}, {@code s_uv} agreed from the {@code s} keys, plus when {@code u} sorts before {@code v},
 *       minus otherwise; the clients whose {@code y} arrives are U3.
 *   <li>Unmasking: each survivor reveals its shares of {@code b_v} for the survivors and of {@code s_SK_u} for the
 *       clients of U2 that dropped; from {@code t} answers the server rebuilds those secrets, and subtracts the self
 *       masks and the pairwise masks between the dropped clients and the survivors from the sum of the {@code y};
 *       the pairwise masks among the survivors cancel in it.
 * </ol>
 * Every derived key mixes in a label, the run's round and the client ids, so a message from another round or for
 * another pair of clients never decrypts or cancels.
 *
 * <p><b>Trust model.</b> An honest-but-curious server learns only the sum over U3, as long as fewer than {@code t}
 * clients collude with it and it is honest about U3. A malicious server that lies about who dropped can learn an
 * individual input: it can tell some clients that {@code v} survived (getting shares of {@code b_v}) and others that
 * {@code v} dropped (getting shares of {@code s_SK_v}). Each client refuses to reveal both for the same client, but
 * this variant has no consistency-check round and no signatures, which Bonawitz et al.'s actively secure version adds
 * to stop that (and to stop a server that swaps the advertised keys). Up to {@code t - 1} colluding clients learn
 * nothing about the other clients' inputs. A malicious client can send any vector in the ring: the server cannot
 * check the norm of a masked vector, and only honest clients clip to the bound, so secure aggregation does not
 * protect against poisoning (and rules out the defences that look at each update, such as median or Krum).
 */
package dev.fedlearn.federation.secagg;
