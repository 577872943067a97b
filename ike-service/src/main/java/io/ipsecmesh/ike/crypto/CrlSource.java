package io.ipsecmesh.ike.crypto;

import java.security.cert.X509CRL;

/**
 * Where the engine gets CRLs: what is cached now, and a fetch in the background whose completion is reported on
 * the engine's own thread (it must not block its event loop on the network: RFC 4945 §6 leaves the fetch to the
 * implementation, IOS fetches from the distribution point while the exchange waits).
 */
public interface CrlSource {

  /** The current CRL at {@code url} (nextUpdate not passed), or null. */
  X509CRL cached(String url);

  /** Fetches {@code url}; {@code done} runs on the engine's thread afterwards, whether it succeeded or not. */
  void fetch(String url, Runnable done);

  /** No CRLs at all: every revocation check finds none. */
  CrlSource NONE = new CrlSource() {
    @Override
    public X509CRL cached(String url) {
      return null;
    }

    @Override
    public void fetch(String url, Runnable done) {
      done.run();
    }
  };
}
