package dev.fedlearn.federation;

import dev.fedlearn.engine.data.Seeds;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A poisoned update, for measuring how the strategies hold up against Byzantine clients in a simulation. With the
 * global model {@code g} a client started from and the weights {@code w} it trained, an attacking client sends
 * instead (per parameter, computed in double, rounded to float):
 * <ul>
 *   <li>{@code signflip}: {@code g - (w - g)}, its update reversed;</li>
 *   <li>{@code scale:F}: {@code g + F (w - g)}, its update scaled by {@code F};</li>
 *   <li>{@code noise:SIGMA}: {@code w + N(0, SIGMA^2)}, Gaussian noise from the stream
 *       {@code Seeds.derive(seed, Seeds.ATTACK, Seeds.of(client), round)}, drawn in parameter order.</li>
 * </ul>
 * {@code none} sends {@code w} unchanged.
 *
 * @param kind what the attacker does
 * @param amount {@code F} of {@code scale}, {@code SIGMA} of {@code noise}; 0 for the others
 */
public record Attack(Kind kind, double amount) {
  /** The kinds of attack. */
  public enum Kind { NONE, SIGNFLIP, SCALE, NOISE }

  /** No attack. */
  public static final Attack NONE = new Attack(Kind.NONE, 0);

  public Attack {
    if (!Double.isFinite(amount)) {
      throw new IllegalArgumentException("an attack's amount must be a finite number, got " + amount);
    }
    if (kind == Kind.NOISE && !(amount >= 0)) {
      throw new IllegalArgumentException("noise:SIGMA needs SIGMA of 0 or more, got " + amount);
    }
  }

  /** {@code none}, {@code signflip}, {@code scale:F} or {@code noise:SIGMA}. */
  public static Attack parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    int colon = t.indexOf(':');
    String name = colon < 0 ? t : t.substring(0, colon);
    String arg = colon < 0 ? null : t.substring(colon + 1);
    Kind kind = switch (name) {
      case "none" -> Kind.NONE;
      case "signflip" -> Kind.SIGNFLIP;
      case "scale" -> Kind.SCALE;
      case "noise" -> Kind.NOISE;
      default -> throw new IllegalArgumentException("unknown attack '" + text + "'; the attacks are none, signflip, "
          + "scale:F, noise:SIGMA");
    };
    boolean takesAmount = kind == Kind.SCALE || kind == Kind.NOISE;
    if (takesAmount != (arg != null)) {
      throw new IllegalArgumentException("attack " + name + (takesAmount ? " needs an amount, as in " + name
          + (kind == Kind.SCALE ? ":10" : ":1") : " takes no amount") + ", got '" + text + "'");
    }
    if (!takesAmount) {
      return kind == Kind.NONE ? NONE : new Attack(kind, 0);
    }
    double amount;
    try {
      amount = Double.parseDouble(arg);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("attack " + name + ": '" + arg + "' is not a number");
    }
    return new Attack(kind, amount);
  }

  /** As {@link #parse} reads it, e.g. {@code scale:100.0}. */
  @Override
  public String toString() {
    return switch (kind) {
      case NONE -> "none";
      case SIGNFLIP -> "signflip";
      case SCALE -> "scale:" + amount;
      case NOISE -> "noise:" + amount;
    };
  }

  /**
   * The weights an attacking client sends in place of {@code trained}, a new array ({@code trained} and
   * {@code global} are not modified).
   */
  public float[] apply(float[] global, float[] trained, long seed, String clientId, int round) {
    int n = trained.length;
    float[] out = new float[n];
    SplittableRandom rng = kind == Kind.NOISE ? Seeds.derive(seed, Seeds.ATTACK, Seeds.of(clientId), round) : null;
    for (int j = 0; j < n; j++) {
      double g = global[j];
      double w = trained[j];
      out[j] = (float) switch (kind) {
        case NONE -> w;
        case SIGNFLIP -> g - (w - g);
        case SCALE -> g + amount * (w - g);
        case NOISE -> w + amount * rng.nextGaussian();
      };
    }
    return out;
  }
}
