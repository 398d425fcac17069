package dev.fedlearn.protocol;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Round 0 message: a client's two X25519 public keys, each the raw 32-byte u-coordinate in RFC 7748's little-endian
 * encoding. {@code cPublicKey} encrypts the shares sent to this client; {@code sPublicKey} agrees its pairwise masks.
 * Equal when the id and both keys are, byte by byte; {@link #toString} gives the first bytes of each key.
 */
public record KeyAdvertisement(String clientId, byte[] cPublicKey, byte[] sPublicKey) implements SecAggMessage {
  public KeyAdvertisement {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(cPublicKey, "cPublicKey");
    Objects.requireNonNull(sPublicKey, "sPublicKey");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyAdvertisement a && clientId.equals(a.clientId) && Arrays.equals(cPublicKey, a.cPublicKey)
        && Arrays.equals(sPublicKey, a.sPublicKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(clientId, Arrays.hashCode(cPublicKey), Arrays.hashCode(sPublicKey));
  }

  @Override
  public String toString() {
    return "KeyAdvertisement[clientId=" + clientId + ", cPublicKey=" + prefix(cPublicKey) + ", sPublicKey="
        + prefix(sPublicKey) + "]";
  }

  static String prefix(byte[] key) {
    return key.length <= 4 ? HexFormat.of().formatHex(key) : HexFormat.of().formatHex(key, 0, 4) + "..";
  }
}
