package dev.fedlearn.federation.secagg;

import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.SecAggComplaint;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.SecAggShares;
import dev.fedlearn.protocol.UnmaskingShares;
import java.security.SecureRandom;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A client's side of one secure aggregation session (Bonawitz et al. 2017), over any {@link SecAggChannel}: the
 * services' clients and {@code fl simulate} run this same sequence. It advertises keys, shares them with U1, masks
 * its input against the shares it received, and reveals its unmasking shares for U3; the cryptography is
 * {@link SecAggClient}'s.
 */
public final class SecAggParticipant {
  private SecAggParticipant() {}

  /** How a client's part in a session ended. */
  public enum Outcome {
    /** It sent its unmasking shares: its input is in the session's sum unless the session fails after. */
    INCLUDED,
    /** A step closed without it (the key exchange, or U3): its input is not in the sum. */
    LEFT_OUT,
    /** It reported a client whose share it could not use, and sent no masked input. */
    COMPLAINED
  }

  /**
   * A client's input as {@code plan} asks for it, in the ring: with differential privacy, its change of
   * {@code global} clipped to the plan's clip norm plus its share of the noise ({@code plan.dpNoiseStd()}, drawn from
   * {@code noise}), unweighted (its sample count sent as 1); else its weights times its {@code samples}, and the
   * count.
   */
  public static int[] input(SecAggPlan plan, float[] weights, long samples, float[] global, RandomGenerator noise) {
    if (plan.privacy()) {
      return FixedPoint.encode(DifferentialPrivacy.noisyClippedChange(weights, global, plan.dpClip(),
          plan.dpNoiseStd(), noise), 1, plan.bound(), plan.scale());
    }
    return FixedPoint.encode(weights, Math.toIntExact(samples), plan.bound(), plan.scale());
  }

  /**
   * Takes part in {@code plan}'s session as {@code clientId} with {@code input} ({@link #input}), drawing every key,
   * seed and share from {@code random}.
   *
   * @throws SecAggException when the session forwards something this client will not use (keys or survivors that
   *     break the protocol): it then reveals nothing more
   */
  public static Outcome takePart(SecAggPlan plan, String clientId, int[] input, SecureRandom random,
      SecAggChannel channel) throws InterruptedException {
    SecAggClient protocol = new SecAggClient(clientId, plan.round(), plan.threshold(), random);
    channel.sendKeys(protocol.advertise());
    List<KeyAdvertisement> u1 = channel.awaitKeys();
    if (u1.stream().noneMatch(k -> k.clientId().equals(clientId))) {
      return Outcome.LEFT_OUT;
    }
    channel.sendShares(new SecAggShares(clientId, protocol.shareKeys(u1)));
    List<EncryptedShare> mine = channel.awaitSharesForMe();
    int[] masked;
    try {
      masked = protocol.mask(input, mine);
    } catch (SecAggException bad) {
      if (bad.culprit() == null) {
        throw bad;
      }
      // The aggregator cannot read shares: it sets both clients aside and goes on without them.
      channel.complain(new SecAggComplaint(clientId, bad.culprit(), bad.getMessage()));
      return Outcome.COMPLAINED;
    }
    channel.sendMasked(MaskedUpdate.of(clientId, masked));
    List<String> survivors = channel.awaitSurvivors();
    if (!survivors.contains(clientId)) {
      return Outcome.LEFT_OUT;
    }
    UnmaskingShares unmasking = protocol.unmask(survivors);
    channel.sendUnmasking(unmasking);
    return Outcome.INCLUDED;
  }
}
