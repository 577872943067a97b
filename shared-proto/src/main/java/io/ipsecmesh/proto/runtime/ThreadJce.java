package io.ipsecmesh.proto.runtime;

import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;

/**
 * JCE engines kept per thread, one per algorithm, for the code that initialises one with a key for every message
 * (an IKE SK payload, a prf, the HMAC of a bus message or a shared record). {@code Mac.getInstance} and
 * {@code Cipher.getInstance} look the provider up anew on every call — the transformation parsed, service keys and a
 * transform list made —: 3 KB of garbage and a few microseconds each, which at 10 000 DPD probes a second (two SK
 * payloads and two bus tags each) was most of what the young generation collected (docs/performance.md, "100 000 IKE
 * SAs on one gateway").
 *
 * <p>A caller takes an engine, initialises it with its key and finishes with it ({@code doFinal}) before it calls
 * anything that could take the same engine on the same thread: compute the inputs first. Each use starts with
 * {@code init}, so what the previous use left behind never leaks into the next one.
 */
public final class ThreadJce {

  private static final ThreadLocal<Map<String, Mac>> MACS = ThreadLocal.withInitial(HashMap::new);
  private static final ThreadLocal<Map<String, Cipher>> CIPHERS = ThreadLocal.withInitial(HashMap::new);

  private ThreadJce() {}

  /** This thread's {@link Mac} for {@code algorithm} (e.g. {@code HmacSHA256}), to be initialised before use. */
  public static Mac mac(String algorithm) throws NoSuchAlgorithmException {
    Map<String, Mac> macs = MACS.get();
    Mac mac = macs.get(algorithm);
    if (mac == null) {
      mac = Mac.getInstance(algorithm);
      macs.put(algorithm, mac);
    }
    return mac;
  }

  /** This thread's {@link Cipher} for {@code transformation} (e.g. {@code AES/GCM/NoPadding}), to be initialised. */
  public static Cipher cipher(String transformation) throws NoSuchAlgorithmException, NoSuchPaddingException {
    Map<String, Cipher> ciphers = CIPHERS.get();
    Cipher cipher = ciphers.get(transformation);
    if (cipher == null) {
      cipher = Cipher.getInstance(transformation);
      ciphers.put(transformation, cipher);
    }
    return cipher;
  }
}
