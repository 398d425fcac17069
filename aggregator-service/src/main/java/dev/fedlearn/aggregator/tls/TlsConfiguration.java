package dev.fedlearn.aggregator.tls;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import org.apache.catalina.connector.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Puts the API port on HTTPS from {@link TlsProperties} (a PEM SSL bundle), and opens the plain-HTTP listener on
 * 127.0.0.1 for a health check that cannot speak TLS ({@code FL_HEALTH_PORT}). Runs after Boot's own customizer, which would otherwise reset the server's SSL settings.
 */
@Component
class TlsConfiguration implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {
  private static final Logger log = LoggerFactory.getLogger(TlsConfiguration.class);
  static final String BUNDLE = "fl-aggregator";

  private final TlsProperties tls;
  private final Integer healthPort;

  TlsConfiguration(TlsProperties tls, AggregatorProperties properties) {
    this.tls = tls;
    this.healthPort = properties.healthPort();
  }

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    if (tls.enabled()) {
      PemSslStoreDetails key = PemSslStoreDetails.forCertificates(location(tls.cert()))
          .withPrivateKey(location(tls.key()));
      PemSslStoreDetails trust = tls.ca() == null ? null : PemSslStoreDetails.forCertificates(location(tls.ca()));
      SslBundle bundle = SslBundle.of(new PemSslStoreBundle(key, trust));
      Ssl ssl = Ssl.forBundle(BUNDLE);
      ssl.setClientAuth(switch (tls.clientAuth()) {
        case NONE -> Ssl.ClientAuth.NONE;
        case WANT -> Ssl.ClientAuth.WANT;
        case NEED -> Ssl.ClientAuth.NEED;
      });
      factory.setSsl(ssl);
      factory.setSslBundles(new DefaultSslBundleRegistry(BUNDLE, bundle));
      log.info("HTTPS on: certificate {}, client certificates {}{}", tls.cert(),
          tls.clientAuth().name().toLowerCase(java.util.Locale.ROOT),
          tls.ca() == null ? "" : " (must chain to " + tls.ca() + ")");
    }
    if (healthPort != null) {
      Connector loopback = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
      loopback.setPort(healthPort);
      loopback.setProperty("address", "127.0.0.1");
      factory.addAdditionalConnectors(loopback);
    }
  }

  private static String location(java.nio.file.Path p) {
    return "file:" + p.toAbsolutePath();
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
