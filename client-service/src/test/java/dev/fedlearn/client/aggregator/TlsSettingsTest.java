package dev.fedlearn.client.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.client.TestShards;
import dev.fedlearn.client.WireFormat;
import java.nio.file.Path;
import java.security.KeyStore;
import org.junit.jupiter.api.Test;
import org.springframework.boot.ssl.SslBundle;

/** The client's TLS settings: checked when bound, and turned into the SSL bundle its HTTP client uses. */
class TlsSettingsTest {
  static final Path CA = Path.of("src/test/resources/tls/ca.crt");

  @Test
  void theConfiguredCaIsTheOnlyTrustedCertificate() throws Exception {
    SslBundle bundle = RestAggregatorClient.sslBundle(new ClientProperties.Tls(CA, null, null));
    KeyStore trust = bundle.getStores().getTrustStore();
    assertThat(trust.size()).isEqualTo(1);
    assertThat(bundle.getStores().getKeyStore()).isNull();
    assertThat(RestAggregatorClient.sslBundle(ClientProperties.Tls.NONE)).isNull();
  }

  @Test
  void badSettingsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> new ClientProperties.Tls(CA, CA, null)).hasMessageContaining("go together");
    assertThatThrownBy(() -> new ClientProperties.Tls(Path.of("no/such/ca.crt"), null, null))
        .hasMessageContaining("cannot read the TLS file no/such/ca.crt");
    assertThatThrownBy(() -> new ClientProperties.Tls(Path.of("src"), null, null))
        .as("a folder, as compose makes for a missing bind source").hasMessageContaining("cannot read");
    ClientProperties.Tls tls = new ClientProperties.Tls(CA, null, null);
    ClientProperties plain = TestShards.properties("client-1", Path.of("shard.csv"), "http://localhost:8080");
    assertThatThrownBy(() -> new ClientProperties(plain.clientId(), plain.clientShard(), "http://aggregator:8080",
        null, 0.7, 1, 30, plain.connectTimeout(), plain.retry(), true, null, null, WireFormat.BINARY, tls, false, 0,
        0, "label", ClientProperties.Personalize.NONE, 1.0))
        .hasMessageContaining("use its https:// URL");
    assertThat(new ClientProperties(plain.clientId(), plain.clientShard(), "https://aggregator:8080", null, 0.7, 1,
        30, plain.connectTimeout(), plain.retry(), true, null, null, WireFormat.BINARY, tls, false, 0, 0, "label",
        ClientProperties.Personalize.NONE, 1.0).tls())
        .isEqualTo(tls);
  }
}
