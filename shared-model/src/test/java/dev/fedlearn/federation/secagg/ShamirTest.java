package dev.fedlearn.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shamir sharing over GF(2^521 - 1): any t shares give the secret, t - 1 do not, and shares survive the wire. */
class ShamirTest {
  static final int THRESHOLD = 3;
  static final int PARTIES = 5;

  static byte[] secret(SecureRandom random, int length) {
    byte[] s = new byte[length];
    random.nextBytes(s);
    return s;
  }

  /** Every subset of {@code size} of the shares, in their order. */
  static List<List<Shamir.Share>> subsets(List<Shamir.Share> shares, int size) {
    List<List<Shamir.Share>> out = new ArrayList<>();
    for (int bits = 0; bits < 1 << shares.size(); bits++) {
      if (Integer.bitCount(bits) == size) {
        List<Shamir.Share> pick = new ArrayList<>();
        for (int i = 0; i < shares.size(); i++) {
          if ((bits & 1 << i) != 0) {
            pick.add(shares.get(i));
          }
        }
        out.add(pick);
      }
    }
    return out;
  }

  @Test
  void anyThresholdOfTheSharesReconstructTheSecret() {
    SecureRandom random = Federation.seeded(1);
    byte[] secret = secret(random, 32);
    secret[0] = 0;
    List<Shamir.Share> shares = Shamir.split(secret, THRESHOLD, PARTIES, random);
    assertThat(shares).extracting(Shamir.Share::x).containsExactly(1, 2, 3, 4, 5);
    for (int size = THRESHOLD; size <= PARTIES; size++) {
      for (List<Shamir.Share> pick : subsets(shares, size)) {
        Collections.reverse(pick);
        assertThat(Shamir.combine(pick, THRESHOLD, secret.length)).as("shares %s", pick).isEqualTo(secret);
      }
    }
    for (int length : new int[] {1, Shamir.MAX_SECRET_BYTES}) {
      byte[] s = secret(random, length);
      assertThat(Shamir.combine(Shamir.split(s, 2, 2, random), 2, length)).isEqualTo(s);
    }
  }

  @Test
  void fewerThanThresholdSharesDoNotGiveTheSecret() {
    SecureRandom random = Federation.seeded(2);
    byte[] secret = secret(random, 32);
    List<Shamir.Share> shares = Shamir.split(secret, THRESHOLD, PARTIES, random);
    BigInteger value = new BigInteger(1, secret);
    for (List<Shamir.Share> pick : subsets(shares, THRESHOLD - 1)) {
      assertThatThrownBy(() -> Shamir.combine(pick, THRESHOLD, secret.length)).isInstanceOf(SecAggException.class)
          .hasMessageContaining("only 2 distinct shares").hasMessageContaining("3 are needed");
      int[] xs = pick.stream().mapToInt(Shamir.Share::x).toArray();
      BigInteger[] ys = pick.stream().map(Shamir.Share::y).toArray(BigInteger[]::new);
      assertThat(Shamir.interpolate(Shamir.lagrange(xs, 0), ys)).as("interpolating %s alone", pick)
          .isNotEqualTo(value);
    }
    List<Shamir.Share> repeated = List.of(shares.get(0), shares.get(1), shares.get(0));
    assertThatThrownBy(() -> Shamir.combine(repeated, THRESHOLD, secret.length)).as("a repeated share counts once")
        .hasMessageContaining("only 2 distinct shares");
  }

  @Test
  void aWrongShareGivesNoSecretOrAnotherOne() {
    SecureRandom random = Federation.seeded(3);
    byte[] secret = secret(random, 32);
    List<Shamir.Share> shares = new ArrayList<>(Shamir.split(secret, THRESHOLD, PARTIES, random));
    shares.set(1, new Shamir.Share(2, shares.get(1).y().add(BigInteger.ONE).mod(Shamir.PRIME)));
    try {
      assertThat(Shamir.combine(shares, THRESHOLD, secret.length)).isNotEqualTo(secret);
    } catch (SecAggException e) {
      assertThat(e).hasMessageContaining("do not reconstruct a secret of 32 bytes");
    }
  }

  @Test
  void sharesRoundTripThroughBytes() {
    SecureRandom random = Federation.seeded(4);
    for (Shamir.Share s : Shamir.split(secret(random, 64), 4, 6, random)) {
      byte[] bytes = s.toBytes();
      assertThat(bytes).hasSize(Shamir.SHARE_BYTES);
      assertThat(Shamir.Share.fromBytes(bytes)).isEqualTo(s);
    }
    for (BigInteger y : List.of(BigInteger.ZERO, Shamir.PRIME.subtract(BigInteger.ONE))) {
      Shamir.Share edge = new Shamir.Share(Integer.MAX_VALUE, y);
      assertThat(Shamir.Share.fromBytes(edge.toBytes())).isEqualTo(edge);
    }
    assertThat(new Shamir.Share(7, BigInteger.TEN).toString()).as("the value is secret").isEqualTo("Share[x=7]");
  }

  @Test
  void badBytesAreRefused() {
    byte[] good = new Shamir.Share(3, BigInteger.valueOf(12345)).toBytes();
    for (int length : new int[] {0, Shamir.SHARE_BYTES - 1, Shamir.SHARE_BYTES + 1}) {
      assertThatThrownBy(() -> Shamir.Share.fromBytes(new byte[length])).isInstanceOf(SecAggException.class)
          .hasMessageContaining("must be " + Shamir.SHARE_BYTES + " bytes long, got " + length);
    }
    byte[] zeroIndex = good.clone();
    zeroIndex[3] = 0;
    assertThatThrownBy(() -> Shamir.Share.fromBytes(zeroIndex)).hasMessageContaining("index 0");
    byte[] negativeIndex = good.clone();
    negativeIndex[0] = (byte) 0x80;
    assertThatThrownBy(() -> Shamir.Share.fromBytes(negativeIndex)).hasMessageContaining("shares are numbered from 1");
    byte[] tooBig = good.clone();
    byte[] prime = Shamir.PRIME.toByteArray();
    System.arraycopy(prime, 0, tooBig, Shamir.SHARE_BYTES - prime.length, prime.length);
    assertThatThrownBy(() -> Shamir.Share.fromBytes(tooBig)).isInstanceOf(SecAggException.class)
        .hasMessageContaining("not below the field's modulus");
  }

  @Test
  void badArgumentsAreRefused() {
    SecureRandom random = Federation.seeded(5);
    assertThatThrownBy(() -> Shamir.split(new byte[8], 6, 5, random)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 1 and the 5 parties");
    assertThatThrownBy(() -> Shamir.split(new byte[65], 2, 5, random)).hasMessageContaining("1 to 64 bytes");
    assertThatThrownBy(() -> Shamir.split(new byte[0], 2, 5, random)).hasMessageContaining("1 to 64 bytes");
    assertThatThrownBy(() -> new Shamir.Share(0, BigInteger.ONE)).hasMessageContaining("1 or more");
    assertThatThrownBy(() -> new Shamir.Share(1, Shamir.PRIME)).hasMessageContaining("[0, 2^521 - 1)");
  }
}
