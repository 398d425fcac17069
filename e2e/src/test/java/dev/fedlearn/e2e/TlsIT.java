package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * HTTPS with mutual TLS, with the certificates {@code scripts/make-certs.sh} makes: the aggregator and four client jars
 * run two rounds over TLS (client certificates in place of tokens) and end at the in-process simulation's accuracy;
 * plain HTTP to the TLS port gets no data; a certificate from another CA is refused by the aggregator, and a client
 * that trusts another CA refuses the aggregator.
 */
class TlsIT {
  static final int ROUNDS = 2;
  static final int EPOCHS = 3;
  static final Duration RUN = Duration.ofMinutes(10);
  static final Duration REFUSAL_LOGGED = Duration.ofMinutes(2);

  @Test
  void aRunOverMutualTlsAndWhatIsRefused() throws Exception {
    Path work = Processes.freshDir(Path.of("target", "tls"));
    Path certs = makeCerts(work.resolve("certs"));
    Path other = makeCerts(work.resolve("other-ca"));
    try (Processes procs = new Processes(Path.of("target", "e2e-logs", "tls"))) {
      int port = Processes.freePort();
      int healthPort = Processes.freePort();
      String base = "https://localhost:" + port;
      procs.start("aggregator", Processes.jar("aggregator.jar"), Map.ofEntries(
          Map.entry("SERVER_PORT", Integer.toString(port)), Map.entry("FL_HEALTH_PORT", Integer.toString(healthPort)),
          Map.entry("FL_ROUNDS", Integer.toString(ROUNDS)), Map.entry("FL_LOCAL_EPOCHS", Integer.toString(EPOCHS)),
          Map.entry("FL_TLS_CERT", certs.resolve("aggregator.crt").toString()),
          Map.entry("FL_TLS_KEY", certs.resolve("aggregator.key").toString()),
          Map.entry("FL_TLS_CA", certs.resolve("ca.crt").toString()), Map.entry("FL_TLS_CLIENT_AUTH", "need"),
          Map.entry("FL_DATA_DIR", Reference.DATA.toString()),
          Map.entry("FL_STATE_DIR", work.resolve("state").toString())));
      HttpClient client1 = https(certs, certs, "client-1");
      Await.answer("the aggregator answers over HTTPS", Await.SERVICE_START,
          () -> get(client1, base + "/api/v1/status"));
      assertThat(Http.getJson("http://127.0.0.1:" + healthPort + "/actuator/health").get("status").asString())
          .as("the plain loopback listener for the health check").isEqualTo("UP");

      HttpResponse<String> plain = Http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
          + "/api/v1/status")));
      assertThat(plain.statusCode()).as("plain HTTP to the TLS port").isEqualTo(400);
      assertThat(plain.body()).contains("requires TLS").doesNotContain("state");

      HttpClient strangerCert = https(certs, other, "client-1");
      assertThatThrownBy(() -> get(strangerCert, base + "/api/v1/status"))
          .as("a client certificate from another CA").isInstanceOf(IOException.class);
      HttpClient noCert = https(certs, null, null);
      assertThatThrownBy(() -> get(noCert, base + "/api/v1/status"))
          .as("no client certificate while one is needed").isInstanceOf(IOException.class);
      HttpClient trustsOther = https(other, certs, "client-1");
      assertThatThrownBy(() -> get(trustsOther, base + "/api/v1/status"))
          .as("a client trusting another CA refuses the aggregator").isInstanceOf(SSLHandshakeException.class);

      procs.start("client-x", Processes.jar("client.jar"), clientEnv("client-1", 1, base, other.resolve("ca.crt"),
          certs));
      for (int c = 1; c <= 4; c++) {
        procs.start("client-" + c, Processes.jar("client.jar"), clientEnv("client-" + c, c, base,
            certs.resolve("ca.crt"), certs));
      }
      JsonNode status = Await.until("the run over TLS completes (logs in e2e/target/e2e-logs/tls)", RUN,
          () -> Http.JSON.readTree(get(client1, base + "/api/v1/status").body()),
          s -> s.get("state").asString().equals("COMPLETED"));
      assertThat(status.get("authentication").asString()).isEqualTo("certificates");
      double expected = Reference.simulate(ROUNDS, EPOCHS).rounds().get(ROUNDS - 1).globalTestAccuracy();
      assertThat(status.get("latest").get("globalTestAccuracy").asDouble()).as("the in-process run's accuracy")
          .isEqualTo(expected);
      Path strayLog = Path.of("target", "e2e-logs", "tls", "client-x.log");
      Await.until("the client that trusts another CA says why it cannot connect", REFUSAL_LOGGED,
          () -> Files.readString(strayLog), log -> log.contains("PKIX path"));
      System.out.printf(Locale.ROOT, "tls: %d rounds over mutual TLS, accuracy %.4f%n", ROUNDS, expected);
    }
  }

  /** Runs {@code scripts/make-certs.sh} into {@code dir}. */
  static Path makeCerts(Path dir) throws Exception {
    Path script = Path.of("..", "scripts", "make-certs.sh").toAbsolutePath().normalize();
    Process p = new ProcessBuilder("bash", script.toString(), "--out", dir.toString(), "--clients", "4")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("make-certs.sh: " + out).isZero();
    return dir;
  }

  static Map<String, String> clientEnv(String id, int shard, String base, Path trust, Path certs) {
    Map<String, String> env = new HashMap<>();
    env.put("SERVER_PORT", Integer.toString(Processes.freePort()));
    env.put("FL_CLIENT_ID", id);
    env.put("FL_CLIENT_SHARD", Reference.DATA.resolve("shards/client-" + shard + ".csv.gz").toString());
    env.put("FL_AGGREGATOR_URL", base);
    env.put("FL_TLS_CA", trust.toString());
    env.put("FL_TLS_CERT", certs.resolve(id + ".crt").toString());
    env.put("FL_TLS_KEY", certs.resolve(id + ".key").toString());
    return env;
  }

  static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A client that trusts {@code trust}'s CA and, when {@code name} is set, presents {@code keys}' certificate. */
  static HttpClient https(Path trust, Path keys, String name) throws Exception {
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    KeyStore trustStore = KeyStore.getInstance("PKCS12");
    trustStore.load(null, null);
    trustStore.setCertificateEntry("ca", x509.generateCertificate(Files.newInputStream(trust.resolve("ca.crt"))));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trustStore);
    KeyManagerFactory kmf = null;
    if (name != null) {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      Certificate cert = x509.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(keys.resolve(name
          + ".crt"))));
      String pem = Files.readString(keys.resolve(name + ".key")).replaceAll("-----[A-Z ]+-----", "")
          .replaceAll("\\s", "");
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
          .decode(pem)));
      keyStore.setKeyEntry(name, key, new char[0], new Certificate[] {cert});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keyStore, new char[0]);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
  }
}
