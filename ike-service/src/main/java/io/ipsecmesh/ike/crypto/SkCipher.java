package io.ipsecmesh.ike.crypto;

import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.runtime.ThreadJce;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Protection of the Encrypted (SK) payload for one direction of one IKE SA (RFC 7296 §3.14): AES-GCM
 * per RFC 5282 (nonce = 4-byte salt | 8-byte IV, AAD = everything before the IV) or AES-CBC with a
 * truncated HMAC over the whole message (encrypt-then-MAC, ICV checked in constant time before any
 * decryption). GCM IVs come from a per-key counter, so a key never sees the same nonce twice;
 * retransmissions resend cached bytes and are never re-encrypted. The Encrypted Fragment payload (SKF, RFC 7383
 * §2.5) is protected the same way, its Fragment Number and Total Fragments inside what the ICV covers.
 */
public final class SkCipher {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final IkeSuite suite;
  private final byte[] encKey;
  private final byte[] integKey;
  private long ivCounter;

  /** Takes copies: the caller zeroes its own arrays. */
  public SkCipher(IkeSuite suite, byte[] encKey, byte[] integKey) {
    if (encKey.length != suite.encKeyBytes() || integKey.length != suite.integKeyBytes()) {
      throw new IllegalArgumentException("key lengths do not match " + suite.name());
    }
    this.suite = suite;
    this.encKey = encKey.clone();
    this.integKey = integKey.clone();
  }

  /** Builds the complete message: header, SK payload carrying {@code inner}. */
  public byte[] protect(IkeHeader header, List<Payload> inner) {
    byte[] plain = IkeCodec.encodeChain(inner);
    try {
      return seal(header, IkeConstants.PT_SK, inner.isEmpty() ? IkeConstants.NO_NEXT_PAYLOAD : inner.get(0).type(),
          null, plain, 0, plain.length);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * One IKE Fragment message (RFC 7383 §2.5): the header (length and next payload adjusted) and an SKF payload
   * carrying {@code plain[off, off+len)}, a chunk of the original SK content, protected exactly like SK (§3.14 of
   * RFC 7296); the ICV (or GCM's AAD) covers the Fragment Number and Total Fragments fields.
   */
  public byte[] protectFragment(IkeHeader header, int firstInner, int number, int total, byte[] plain, int off,
      int len) {
    byte[] numbers = new byte[IkeCodec.SKF_NUMBERS];
    numbers[0] = (byte) (number >>> 8);
    numbers[1] = (byte) number;
    numbers[2] = (byte) (total >>> 8);
    numbers[3] = (byte) total;
    return seal(header, IkeConstants.PT_SKF, number == 1 ? firstInner : IkeConstants.NO_NEXT_PAYLOAD, numbers, plain,
        off, len);
  }

  /** The size of a whole message whose SK payload carries {@code plainLength} bytes of payloads. */
  public int protectedLength(int plainLength) {
    return IkeHeader.SIZE + 4 + bodyLength(plainLength);
  }

  /**
   * The most bytes of SK content one fragment message of at most {@code messageBytes} (IKE header onwards) can
   * carry: what is left after the headers, IV, ICV and pad-length byte, rounded down to the cipher's block.
   */
  public int fragmentCapacity(int messageBytes) {
    EncrAlgorithm e = suite.encr();
    int room = messageBytes - IkeHeader.SIZE - 4 - IkeCodec.SKF_NUMBERS - e.ivBytes - suite.icvBytes();
    return room / e.blockBytes * e.blockBytes - 1;
  }

  /** IV | ciphertext (payloads, padding, pad length) | ICV for {@code plainLength} bytes of payloads. */
  private int bodyLength(int plainLength) {
    EncrAlgorithm e = suite.encr();
    int padLen = (e.blockBytes - (plainLength + 1) % e.blockBytes) % e.blockBytes;
    return e.ivBytes + plainLength + padLen + 1 + suite.icvBytes();
  }

  /**
   * Header, the encrypted payload of type {@code payloadType} ({@code extra} between its generic header and the IV:
   * SKF's numbers) with {@code plain[off, off+len)} padded, encrypted and authenticated.
   */
  private byte[] seal(IkeHeader header, int payloadType, int firstInner, byte[] extra, byte[] plain, int off,
      int len) {
    EncrAlgorithm e = suite.encr();
    int block = e.blockBytes;
    int padLen = (block - (len + 1) % block) % block;
    byte[] pt = new byte[len + padLen + 1];
    System.arraycopy(plain, off, pt, 0, len);
    pt[pt.length - 1] = (byte) padLen;
    int icv = suite.icvBytes();
    int extraLen = extra == null ? 0 : extra.length;
    int total = IkeHeader.SIZE + 4 + extraLen + bodyLength(len);
    byte[] msg = new byte[total];
    IkeCodec.writeHeader(msg, header, payloadType, total);
    int sk = IkeHeader.SIZE;
    msg[sk] = (byte) firstInner;
    msg[sk + 1] = 0;
    int skLen = total - IkeHeader.SIZE;
    msg[sk + 2] = (byte) (skLen >>> 8);
    msg[sk + 3] = (byte) skLen;
    if (extraLen > 0) {
      System.arraycopy(extra, 0, msg, sk + 4, extraLen);
    }
    int ivOff = sk + 4 + extraLen;
    int ctOff = ivOff + e.ivBytes;
    try {
      if (e.aead) {
        IkeCodec.putLong(msg, ivOff, ivCounter++);
        Cipher c = ThreadJce.cipher("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, aesKey(), new GCMParameterSpec(e.aeadIcvBytes * 8, nonce(msg, ivOff)));
        c.updateAAD(msg, 0, ivOff);
        c.doFinal(pt, 0, pt.length, msg, ctOff);
      } else {
        byte[] iv = new byte[e.ivBytes];
        RANDOM.nextBytes(iv);
        System.arraycopy(iv, 0, msg, ivOff, iv.length);
        Cipher c = ThreadJce.cipher("AES/CBC/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, aesKey(), new IvParameterSpec(iv));
        c.doFinal(pt, 0, pt.length, msg, ctOff);
        byte[] mac = hmac(msg, 0, total - icv);
        System.arraycopy(mac, 0, msg, total - icv, icv);
      }
    } catch (GeneralSecurityException ex) {
      throw new IllegalStateException("SK protection failed", ex);
    } finally {
      Arrays.fill(pt, (byte) 0);
    }
    return msg;
  }

  /**
   * Verifies and decrypts the SK payload (the last payload of {@code message}) and decodes the inner
   * payload chain.
   */
  public List<Payload> open(byte[] message, Payload.Encrypted sk) throws SkIntegrityException, IkeDecodeException {
    byte[] pt = decrypt(message, sk.body());
    try {
      return IkeCodec.decodeChain(sk.firstInner(), pt, 0, pt.length - padding(pt));
    } finally {
      Arrays.fill(pt, (byte) 0);
    }
  }

  /**
   * Verifies and decrypts the SKF payload (the last payload of {@code message}, RFC 7383 §2.6): its chunk of the
   * original SK content, padding removed. Nothing is decoded: the chunk is a piece of a payload chain. The caller
   * zeroes it when done.
   */
  public byte[] openFragment(byte[] message, Payload.EncryptedFragment skf)
      throws SkIntegrityException, IkeDecodeException {
    byte[] pt = decrypt(message, skf.body());
    try {
      return Arrays.copyOf(pt, pt.length - padding(pt));
    } finally {
      Arrays.fill(pt, (byte) 0);
    }
  }

  /** The pad length and its byte: what follows the payloads in the plaintext (§3.14). */
  private static int padding(byte[] pt) throws IkeDecodeException {
    int padLen = pt.length == 0 ? -1 : pt[pt.length - 1] & 0xff;
    if (padLen < 0 || padLen + 1 > pt.length) {
      Arrays.fill(pt, (byte) 0);
      throw new IkeDecodeException(IkeDecodeException.Kind.BAD_LENGTH, "SK pad length " + padLen);
    }
    return padLen + 1;
  }

  /** ICV first (constant time), then decryption of {@code body}, the last bytes of {@code message}. */
  private byte[] decrypt(byte[] message, byte[] body) throws SkIntegrityException, IkeDecodeException {
    EncrAlgorithm e = suite.encr();
    int icv = suite.icvBytes();
    int bodyOff = message.length - body.length;
    if (body.length < e.ivBytes + icv + e.blockBytes || bodyOff < IkeHeader.SIZE + 4) {
      throw new IkeDecodeException(IkeDecodeException.Kind.TRUNCATED, "SK payload of " + body.length + " bytes");
    }
    try {
      if (e.aead) {
        Cipher c = ThreadJce.cipher("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, aesKey(), new GCMParameterSpec(icv * 8, nonce(message, bodyOff)));
        c.updateAAD(message, 0, bodyOff);
        try {
          return c.doFinal(message, bodyOff + e.ivBytes, body.length - e.ivBytes);
        } catch (javax.crypto.AEADBadTagException bad) {
          throw new SkIntegrityException("GCM tag mismatch");
        }
      }
      int ctLen = body.length - e.ivBytes - icv;
      if (ctLen % e.blockBytes != 0) {
        throw new IkeDecodeException(IkeDecodeException.Kind.BAD_LENGTH, "CBC ciphertext of " + ctLen + " bytes");
      }
      byte[] mac = hmac(message, 0, message.length - icv);
      byte[] received = Arrays.copyOfRange(message, message.length - icv, message.length);
      if (!MessageDigest.isEqual(Arrays.copyOf(mac, icv), received)) {
        throw new SkIntegrityException("HMAC mismatch");
      }
      Cipher c = ThreadJce.cipher("AES/CBC/NoPadding");
      c.init(Cipher.DECRYPT_MODE, aesKey(), new IvParameterSpec(message, bodyOff, e.ivBytes));
      return c.doFinal(message, bodyOff + e.ivBytes, ctLen);
    } catch (GeneralSecurityException ex) {
      throw new SkIntegrityException("decryption failed: " + ex.getClass().getSimpleName());
    }
  }

  /** The next GCM IV counter value (what an IKE SA checkpoint records; RFC 5282 §3: never reused under a key). */
  public long ivCounter() {
    return ivCounter;
  }

  /**
   * Continues another process's use of this key: the IV counter moves to {@code next}, never back (the adopter of
   * an IKE SA passes the checkpointed counter plus a jump past every IV the dead owner may have used since).
   */
  public void continueIvsAt(long next) {
    if (next < ivCounter) {
      throw new IllegalArgumentException("IV counter may only move forward");
    }
    ivCounter = next;
  }

  /** Zeroes the keys; the cipher is unusable afterwards. */
  public void destroy() {
    Arrays.fill(encKey, (byte) 0);
    Arrays.fill(integKey, (byte) 0);
  }

  private SecretKeySpec aesKey() {
    return new SecretKeySpec(encKey, 0, suite.keyBits() / 8, "AES");
  }

  private byte[] nonce(byte[] msg, int ivOff) {
    byte[] n = new byte[12];
    System.arraycopy(encKey, suite.keyBits() / 8, n, 0, 4);
    System.arraycopy(msg, ivOff, n, 4, 8);
    return n;
  }

  private byte[] hmac(byte[] data, int off, int len) throws GeneralSecurityException {
    Mac mac = ThreadJce.mac(suite.integ().jceName);
    mac.init(new SecretKeySpec(integKey, suite.integ().jceName));
    mac.update(data, off, len);
    return mac.doFinal();
  }
}
