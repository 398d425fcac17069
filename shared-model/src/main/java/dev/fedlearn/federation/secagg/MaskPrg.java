package dev.fedlearn.federation.secagg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The masks' pseudorandom generator: AES-256 in counter mode keyed by a 32-byte seed, from an all-zero counter block,
 * its keystream read as little-endian ints. The zero IV is safe because each seed keys one stream: the seeds are
 * derived with HKDF under a label of their own ({@code fedlearn-secagg-mask} for a pairwise mask,
 * {@code fedlearn-secagg-self} for a self mask), the round and the client ids, so no two streams share a key and no
 * seed keys anything else.
 */
public final class MaskPrg {
  /** Keystream bytes produced per cipher call: 4,096 ints. */
  private static final int BLOCK_BYTES = 16 * 1024;
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private MaskPrg() {}

  /**
   * Adds ({@code sign = 1}) or subtracts ({@code sign = -1}) the first {@code target.length} ints of the stream that
   * {@code seed} keys to {@code target}, element by element, mod {@code 2^32}.
   *
   * @throws IllegalArgumentException if the seed is not 32 bytes or the sign is not 1 or -1
   */
  public static void apply(byte[] seed, int sign, int[] target) {
    if (seed.length != Crypto.KEY_BYTES) {
      throw new IllegalArgumentException("a mask seed must be " + Crypto.KEY_BYTES + " bytes, got " + seed.length);
    }
    if (sign != 1 && sign != -1) {
      throw new IllegalArgumentException("the mask's sign must be 1 or -1, got " + sign);
    }
    Cipher aes;
    try {
      aes = Cipher.getInstance("AES/CTR/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(new byte[16]));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no AES-CTR", e);
    }
    int blockBytes = (int) Math.min(BLOCK_BYTES, (long) target.length * Integer.BYTES);
    byte[] zeros = new byte[blockBytes];
    byte[] stream = new byte[blockBytes];
    for (int start = 0; start < target.length; start += blockBytes / Integer.BYTES) {
      int ints = Math.min(blockBytes / Integer.BYTES, target.length - start);
      try {
        if (aes.update(zeros, 0, ints * Integer.BYTES, stream, 0) != ints * Integer.BYTES) {
          throw new IllegalStateException("AES-CTR held back keystream");
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-CTR failed", e);
      }
      if (sign == 1) {
        for (int i = 0; i < ints; i++) {
          target[start + i] += (int) INT_LE.get(stream, i * Integer.BYTES);
        }
      } else {
        for (int i = 0; i < ints; i++) {
          target[start + i] -= (int) INT_LE.get(stream, i * Integer.BYTES);
        }
      }
    }
  }
}
