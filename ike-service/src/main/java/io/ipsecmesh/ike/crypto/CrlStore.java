package io.ipsecmesh.ike.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * CRLs by URL ({@code crl query URL} or a certificate's CRL distribution point): {@link #load} reads one (a
 * {@code file:} path or {@code http://}, DER or PEM, at most {@link #MAX_BYTES}, 5 s for HTTP) and keeps it until
 * its nextUpdate; {@link #cached} answers from memory only. {@link #load} blocks: callers run it off the event loop.
 * At most {@link #MAX_ENTRIES} URLs are kept, so certificates naming endless distribution points cannot fill memory.
 */
public final class CrlStore {

  public static final int MAX_BYTES = 1 << 20;
  public static final int MAX_ENTRIES = 64;
  /** How long a CRL without nextUpdate is used before it is fetched again. */
  static final long DEFAULT_VALIDITY_MILLIS = 3_600_000L;

  private record Entry(X509CRL crl, long validUntil) {}

  private final Map<String, Entry> byUrl = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final HttpClient http;

  public CrlStore(LongSupplier clock) {
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** The CRL at {@code url} if one is kept and still current, else null. */
  public X509CRL cached(String url) {
    Entry e = byUrl.get(url);
    return e != null && clock.getAsLong() < e.validUntil ? e.crl : null;
  }

  /** Reads the CRL at {@code url} (blocking) and keeps it; null when it cannot be had. */
  public X509CRL load(String url) {
    try {
      byte[] bytes = read(url);
      X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(bytes));
      Date next = crl.getNextUpdate();
      long until = next != null ? next.getTime() : clock.getAsLong() + DEFAULT_VALIDITY_MILLIS;
      if (byUrl.size() >= MAX_ENTRIES && !byUrl.containsKey(url)) {
        byUrl.clear();
      }
      byUrl.put(url, new Entry(crl, until));
      return crl;
    } catch (IOException | CRLException | CertificateException | IllegalArgumentException e) {
      System.getLogger(CrlStore.class.getName()).log(System.Logger.Level.WARNING,
          "ike-service: cannot read the CRL at " + url + ": " + e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private byte[] read(String url) throws IOException, InterruptedException {
    URI uri = URI.create(url);
    if ("file".equalsIgnoreCase(uri.getScheme())) {
      Path p = Path.of(uri);
      if (Files.size(p) > MAX_BYTES) {
        throw new IOException("larger than " + MAX_BYTES + " bytes");
      }
      return Files.readAllBytes(p);
    }
    if (!"http".equalsIgnoreCase(uri.getScheme())) {
      throw new IOException("only http:// and file: CRLs are fetched");
    }
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        throw new IOException("HTTP " + r.statusCode());
      }
      byte[] b = in.readNBytes(MAX_BYTES + 1);
      if (b.length > MAX_BYTES) {
        throw new IOException("larger than " + MAX_BYTES + " bytes");
      }
      return b;
    }
  }
}
