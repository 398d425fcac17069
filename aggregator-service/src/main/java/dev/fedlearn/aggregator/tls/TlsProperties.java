package dev.fedlearn.aggregator.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * HTTPS for the API ({@code fl.tls.*}; environment {@code FL_TLS_CERT}, {@code FL_TLS_KEY}, {@code FL_TLS_CA},
 * {@code FL_TLS_CLIENT_AUTH}). {@code scripts/make-certs.sh} writes the files.
 *
 * @param cert the aggregator's certificate chain (PEM); set, the API port speaks only HTTPS
 * @param key the certificate's private key (PEM, PKCS#8 or PKCS#1)
 * @param ca the certificate(s) client certificates must chain to (PEM); required for {@code clientAuth}
 * @param clientAuth {@code none}: clients authenticate with tokens only (or not at all, with none set); {@code want}:
 *     a client's calls need its certificate (its common name is its client id) or its token, while reads (the
 *     dashboard in a browser) need none; {@code need}: every connection must present a certificate (mutual TLS)
 */
@ConfigurationProperties("fl.tls")
public record TlsProperties(Path cert, Path key, Path ca, @DefaultValue("none") ClientAuth clientAuth) {

  /** Whether clients must, may or need not present a certificate. */
  public enum ClientAuth { NONE, WANT, NEED }

  public TlsProperties {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("FL_TLS_CERT and FL_TLS_KEY go together: set both (the aggregator's "
          + "certificate and its private key, e.g. from scripts/make-certs.sh) or neither");
    }
    if (clientAuth != ClientAuth.NONE && (cert == null || ca == null)) {
      throw new IllegalArgumentException("FL_TLS_CLIENT_AUTH=" + clientAuth.name().toLowerCase(java.util.Locale.ROOT)
          + " needs HTTPS and the CA that signs client certificates: set FL_TLS_CERT, FL_TLS_KEY and FL_TLS_CA");
    }
    for (Path p : new Path[] {cert, key, ca}) {
      if (p != null && !(Files.isRegularFile(p) && Files.isReadable(p))) {
        throw new IllegalArgumentException("cannot read the TLS file " + p + " (FL_TLS_CERT, FL_TLS_KEY, FL_TLS_CA; "
            + "scripts/make-certs.sh makes them)");
      }
    }
  }

  /** Whether the API speaks HTTPS. */
  public boolean enabled() {
    return cert != null;
  }
}
