package dev.fedlearn.federation.secagg;

import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.SecAggComplaint;
import dev.fedlearn.protocol.SecAggShares;
import dev.fedlearn.protocol.UnmaskingShares;
import java.util.List;

/**
 * One client's transport to a secure aggregation session ({@link SecAggSession}): the messages it sends and the
 * answers it waits for, in the order {@link SecAggParticipant} uses them. The services' transport is HTTP (the
 * client's REST calls and long polls against the aggregator's controller); {@code fl simulate}'s is in memory
 * ({@code federation.simulation.InMemorySecureClients}, method calls into the same coordinator). A session that refuses a message throws the transport's own exception, which the
 * participant lets through to its caller.
 */
public interface SecAggChannel {
  /** Step 1: sends this client's public keys. */
  void sendKeys(KeyAdvertisement keys) throws InterruptedException;

  /** Waits until step 1 closed; U1's public keys. */
  List<KeyAdvertisement> awaitKeys() throws InterruptedException;

  /** Step 2: sends this client's encrypted shares for the others of U1. */
  void sendShares(SecAggShares shares) throws InterruptedException;

  /** Waits until step 2 closed; the encrypted shares addressed to this client. */
  List<EncryptedShare> awaitSharesForMe() throws InterruptedException;

  /** Step 3: sends this client's masked input. */
  void sendMasked(MaskedUpdate masked) throws InterruptedException;

  /** Waits until step 3 closed; U3, the clients whose masked input arrived. */
  List<String> awaitSurvivors() throws InterruptedException;

  /** Step 4: sends this client's unmasking shares. */
  void sendUnmasking(UnmaskingShares shares) throws InterruptedException;

  /** Reports that another client sent this one a share it cannot use (during step 3, instead of a masked input). */
  void complain(SecAggComplaint complaint) throws InterruptedException;
}
