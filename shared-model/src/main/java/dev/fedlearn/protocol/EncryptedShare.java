package dev.fedlearn.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * Round 1 message: one client's shares of its mask secret key and of its self-mask seed for one other client,
 * encrypted from {@code from} to {@code to} with AES-256-GCM (authenticated; the ciphertext starts with its 12-byte
 * nonce). Equal when both ids and every ciphertext byte are; {@link #toString} gives the ciphertext's length.
 */
public record EncryptedShare(String from, String to, byte[] ciphertext) {
  public EncryptedShare {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(ciphertext, "ciphertext");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncryptedShare s && from.equals(s.from) && to.equals(s.to)
        && Arrays.equals(ciphertext, s.ciphertext);
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, to, Arrays.hashCode(ciphertext));
  }

  @Override
  public String toString() {
    return "EncryptedShare[from=" + from + ", to=" + to + ", ciphertext=byte[" + ciphertext.length + "]]";
  }
}
