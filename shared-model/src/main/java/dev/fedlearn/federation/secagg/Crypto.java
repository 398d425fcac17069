package dev.fedlearn.federation.secagg;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The protocol's primitives on raw bytes, with the JDK's providers: X25519 (RFC 7748) key pairs and agreement,
 * HKDF-SHA256 (RFC 5869) key derivation with a label, the round and client ids, and AES-256-GCM.
 */
final class Crypto {
  /** X25519 keys and scalars, AES-256 keys and derived seeds: 32 bytes. */
  static final int KEY_BYTES = 32;
  static final String MASK_LABEL = "fedlearn-secagg-mask";
  static final String SHARE_LABEL = "fedlearn-secagg-share";
  static final String SELF_LABEL = "fedlearn-secagg-self";
  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;

  private static final BigInteger FIELD = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
  private static final byte[] BASE_POINT = new byte[KEY_BYTES];
  private static final byte[] HKDF_SALT = new byte[KEY_BYTES];

  static {
    BASE_POINT[0] = 9;
  }

  private Crypto() {}

  /** A fresh X25519 key pair: {@code {scalar, publicKey}}, 32 bytes each. */
  static byte[][] generate(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("XDH");
      g.initialize(NamedParameterSpec.X25519, random);
      KeyPair kp = g.generateKeyPair();
      byte[] scalar = ((XECPrivateKey) kp.getPrivate()).getScalar().orElseThrow();
      return new byte[][] {scalar, littleEndian(((XECPublicKey) kp.getPublic()).getU())};
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no X25519", e);
    }
  }

  /** The public key of an X25519 scalar: the scalar times the base point. */
  static byte[] publicKey(byte[] scalar) {
    return agree(scalar, BASE_POINT, "the base point");
  }

  /**
   * {@code X25519(scalar, publicKey)}, 32 bytes.
   *
   * @throws SecAggException if the public key is a low-order point (the result would be all zeros); {@code whose}
   *     names the key in the message
   */
  static byte[] agree(byte[] scalar, byte[] publicKey, String whose) {
    try {
      KeyFactory f = KeyFactory.getInstance("XDH");
      KeyAgreement ka = KeyAgreement.getInstance("XDH");
      ka.init(f.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar)));
      ka.doPhase(f.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, fromLittleEndian(publicKey))), true);
      byte[] secret = ka.generateSecret();
      if (allZero(secret)) {
        throw new SecAggException(whose + " is a low-order point (the shared secret would be zero)");
      }
      return secret;
    } catch (InvalidKeyException e) {
      throw new SecAggException(whose + " is a low-order point (the shared secret would be zero)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no X25519", e);
    }
  }

  /**
   * Why {@code key} is not a canonical X25519 public key (32 bytes, little-endian, below {@code 2^255 - 19}), or
   * null if it is.
   */
  static String invalidPublicKey(byte[] key) {
    if (key.length != KEY_BYTES) {
      return "is " + key.length + " bytes long, not " + KEY_BYTES;
    }
    BigInteger u = fromLittleEndian(key);
    if (u.compareTo(FIELD) >= 0) {
      return "is not a canonical X25519 u-coordinate (not below 2^255 - 19)";
    }
    if (LOW_ORDER.contains(u)) {
      return "is a low-order point (its shared secrets would not depend on the other key)";
    }
    return null;
  }

  /**
   * The canonical u-coordinates of the points of order 1, 2, 4 and 8 on Curve25519 and its twist: 0, 1, p - 1 and the
   * two of order 8 (Bernstein's list, as libsodium refuses them). Agreement with any of them gives a shared secret
   * that does not depend on the other party's private key.
   */
  private static final java.util.Set<BigInteger> LOW_ORDER = java.util.Set.of(BigInteger.ZERO, BigInteger.ONE,
      FIELD.subtract(BigInteger.ONE),
      new BigInteger("325606250916557431795983626356110631294008115727848805560023387167927233504"),
      new BigInteger("39382357235489614581723060781553021112529911719440698176882885853963445705823"));

  /**
   * HKDF-SHA256 with an all-zero salt: 32 bytes from {@code secret}, with the info {@code label, 0, round (4 bytes
   * big-endian)} then each id as its UTF-8 length (4 bytes) and bytes.
   */
  static byte[] derive(byte[] secret, String label, int round, String... ids) {
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    info.writeBytes(label.getBytes(StandardCharsets.UTF_8));
    info.write(0);
    info.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(round).array());
    for (String id : ids) {
      byte[] b = id.getBytes(StandardCharsets.UTF_8);
      info.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(b.length).array());
      info.writeBytes(b);
    }
    info.write(1);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(HKDF_SALT, "HmacSHA256"));
      byte[] prk = mac.doFinal(secret);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      return mac.doFinal(info.toByteArray());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }

  /** The two ids in {@link String#compareTo} order. */
  static String[] sorted(String a, String b) {
    return a.compareTo(b) < 0 ? new String[] {a, b} : new String[] {b, a};
  }

  /** AES-256-GCM under {@code key} with a random nonce: the nonce, then the ciphertext and its 16-byte tag. */
  static byte[] encrypt(byte[] key, byte[] plaintext, SecureRandom random) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      byte[] out = new byte[NONCE_BYTES + c.getOutputSize(plaintext.length)];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      c.doFinal(plaintext, 0, plaintext.length, out, NONCE_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no AES-GCM", e);
    }
  }

  /**
   * The plaintext of what {@link #encrypt} wrote under {@code key}.
   *
   * @throws SecAggException with {@code failure} as its message if the ciphertext is too short or does not
   *     authenticate under the key
   */
  static byte[] decrypt(byte[] key, byte[] ciphertext, String failure) {
    if (ciphertext.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new SecAggException(failure);
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_BITS, ciphertext, 0, NONCE_BYTES));
      return c.doFinal(ciphertext, NONCE_BYTES, ciphertext.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new SecAggException(failure);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no AES-GCM", e);
    }
  }

  /** {@code u}, below {@code 2^256}, as 32 little-endian bytes. */
  static byte[] littleEndian(BigInteger u) {
    byte[] be = u.toByteArray();
    byte[] le = new byte[KEY_BYTES];
    for (int i = 0; i < KEY_BYTES && i < be.length; i++) {
      le[i] = be[be.length - 1 - i];
    }
    return le;
  }

  static BigInteger fromLittleEndian(byte[] le) {
    byte[] be = new byte[le.length];
    for (int i = 0; i < le.length; i++) {
      be[i] = le[le.length - 1 - i];
    }
    return new BigInteger(1, be);
  }

  private static boolean allZero(byte[] b) {
    int or = 0;
    for (byte x : b) {
      or |= x;
    }
    return or == 0;
  }
}
