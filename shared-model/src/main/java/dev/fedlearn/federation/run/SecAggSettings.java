package dev.fedlearn.federation.run;

import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import java.time.Duration;

/**
 * Secure aggregation's settings on the aggregator.
 *
 * @param bound clients clip every weight to {@code [-bound, bound]} before the fixed-point encoding
 *     ({@code FL_SECAGG_BOUND})
 * @param stepTimeout how long each step after the key exchange waits for all its clients before it goes on with the
 *     threshold ({@code FL_SECAGG_TIMEOUT})
 * @param dp differential privacy whose noise the clients add in shares ({@code FL_DP_CLIP}, ...), or null
 */
public record SecAggSettings(float bound, Duration stepTimeout, DifferentialPrivacy.Settings dp) {
  /** Without differential privacy. */
  public SecAggSettings(float bound, Duration stepTimeout) {
    this(bound, stepTimeout, null);
  }

  /** The default step timeout, as text for {@code @DefaultValue}. */
  public static final String STEP_TIMEOUT = "PT30S";

  public SecAggSettings {
    if (!(bound > 0) || !Float.isFinite(bound)) {
      throw new IllegalArgumentException("FL_SECAGG_BOUND must be a positive number, got " + bound);
    }
    if (stepTimeout == null || stepTimeout.isNegative() || stepTimeout.isZero()) {
      throw new IllegalArgumentException("FL_SECAGG_TIMEOUT must be positive, got " + stepTimeout);
    }
    if (dp != null && !(bound > dp.clip())) {
      throw new IllegalArgumentException("FL_SECAGG_BOUND (" + bound + ") must exceed FL_DP_CLIP (" + dp.clip()
          + "): the clients encode their clipped changes and noise within it");
    }
  }
}
