package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.secagg.FixedPoint;
import dev.fedlearn.federation.secagg.SecAggClient;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.SecAggShares;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Secure aggregation and differential privacy over the services, in three runs of the aggregator with four client
 * jars. With {@code FL_SECURE_AGGREGATION=true} and a malicious fifth client (below): the aggregator receives only
 * masked updates, a round of the four honest clients ends within 0.1 points of the plain in-process run's accuracy, and
 * a plain update is refused. Then with DP as well (the clients clip and add the noise; noise 0 here, so that the run
 * can be compared), and with DP on the server alone: each ends at the in-process simulation's accuracy with the same
 * settings.
 */
class SecureAggregationIT {
  /** The DP runs. */
  static final int ROUNDS = 2;
  static final int EPOCHS = 3;
  static final Duration RUN = Duration.ofMinutes(10);
  /** The bar: within 0.1 points of the plain run. */
  static final double ACCURACY_POINTS = 0.001;

  @Test
  void differentialPrivacyOverTheServicesMatchesTheSimulation() throws Exception {
    DifferentialPrivacy.Settings quiet = new DifferentialPrivacy.Settings(2, 0, 1e-5);
    double inClients = Reference.simulate(ROUNDS, EPOCHS, new FedAvg(), ClientSampler.ALL, quiet, 16f).rounds()
        .get(ROUNDS - 1).globalTestAccuracy();
    double onServer = Reference.simulate(ROUNDS, EPOCHS, new FedAvg(), ClientSampler.ALL, quiet, null).rounds()
        .get(ROUNDS - 1).globalTestAccuracy();
    assertThat(run("secagg-dp", true)).as("DP in the clients' shares, as fl simulate --secure-aggregation --dp-clip")
        .isEqualTo(inClients);
    assertThat(run("dp", false)).as("DP on the server, as fl simulate --dp-clip").isEqualTo(onServer);
    System.out.printf(Locale.ROOT, "dp: clip 2, noise 0: %.4f with secure aggregation, %.4f on the server%n",
        inClients, onServer);
  }

  /**
   * A fifth, malicious client among four honest client jars. Round 1: it advertises one key twice (dropped; the honest
   * four finish the round). Round 2: it sends shares that do not decrypt (the first honest client to find one reports
   * it, both sit the round out, and the other three finish it in a new session). Round 3: it follows the protocol but
   * adds garbage to its masked input (the masks cannot be removed into anything within the bound: the round closes
   * with no update). The run completes, and its model is round 2's. Round 1, the four honest clients' alone, scores
   * within 0.1 points of the plain in-process round (the masking and the fixed-point encoding change next to nothing),
   * and a plain update is refused: this run takes updates only through secure aggregation.
   */
  @Test
  void aMaliciousClientIsDroppedAndTheRunCompletesWithTheHonestOnes() throws Exception {
    try (Processes procs = new Processes(Path.of("target", "e2e-logs", "secagg-malicious"))) {
      int port = Processes.freePort();
      String base = "http://localhost:" + port;
      procs.start("aggregator", Processes.jar("aggregator.jar"), Map.of(
          "SERVER_PORT", Integer.toString(port), "FL_ROUNDS", "3", "FL_CLIENTS", "5",
          "FL_LOCAL_EPOCHS", "1", "FL_SECURE_AGGREGATION", "true", "FL_DATA_DIR", Reference.DATA.toString(),
          // Every step waits for the test's own client-5 however slowly this machine runs it: no step may close
          // without it because of the time it took.
          "FL_SECAGG_TIMEOUT", "PT10M",
          "FL_STATE_DIR", Processes.freshDir(Path.of("target", "e2e-state", "secagg-malicious")).toString()));
      Await.until("the aggregator answers", Await.SERVICE_START, () -> Http.send(java.net.http.HttpRequest
          .newBuilder(java.net.URI.create(base + "/api/v1/status"))).statusCode(), s -> s == 200);
      assertThat(post(base + "/api/v1/clients", Map.of("clientId", "client-5", "trainSamples", 100,
          "testSamples", 10)).statusCode()).isEqualTo(200);
      for (int c = 1; c <= 4; c++) {
        procs.startClient(c, base);
      }

      JsonNode plan1 = session(base, 1);
      var keys = new SecAggClient("client-5", 1, plan1.get("threshold").asInt(), new SecureRandom()).advertise();
      var twice = post(base + "/api/v1/rounds/1/secagg/" + plan1.get("session").asString() + "/keys",
          new KeyAdvertisement("client-5", keys.cPublicKey(), keys.cPublicKey()));
      assertThat(twice.statusCode()).as(twice.body()).isEqualTo(400);
      assertThat(Http.JSON.readTree(twice.body()).get("type").asString()).isEqualTo(ProblemTypes.SECAGG_EXCLUDED);

      Http.awaitRound(base, 1, RUN);
      JsonNode plan2 = session(base, 2);
      String session2 = base + "/api/v1/rounds/2/secagg/" + plan2.get("session").asString();
      assertThat(post(session2 + "/keys", new SecAggClient("client-5", 2, plan2.get("threshold").asInt(),
          new SecureRandom()).advertise()).statusCode()).isEqualTo(202);
      List<KeyAdvertisement> u1 = List.of(Http.JSON.readValue(awaitStep(session2 + "/keys?wait=30"),
          KeyAdvertisement[].class));
      List<EncryptedShare> garbage = new java.util.ArrayList<>();
      for (KeyAdvertisement k : u1) {
        if (!k.clientId().equals("client-5")) {
          byte[] bytes = new byte[200];
          new SecureRandom().nextBytes(bytes);
          garbage.add(new EncryptedShare("client-5", k.clientId(), bytes));
        }
      }
      assertThat(post(session2 + "/shares", new SecAggShares("client-5", garbage)).statusCode()).isEqualTo(202);

      Http.awaitRound(base, 2, RUN);
      JsonNode plan3 = session(base, 3);
      String session3 = base + "/api/v1/rounds/3/secagg/" + plan3.get("session").asString();
      SecAggClient protocol = new SecAggClient("client-5", 3, plan3.get("threshold").asInt(), new SecureRandom());
      assertThat(post(session3 + "/keys", protocol.advertise()).statusCode()).isEqualTo(202);
      List<KeyAdvertisement> u1of3 = List.of(Http.JSON.readValue(awaitStep(session3 + "/keys?wait=30"),
          KeyAdvertisement[].class));
      assertThat(post(session3 + "/shares", new SecAggShares("client-5", protocol.shareKeys(u1of3))).statusCode())
          .isEqualTo(202);
      List<EncryptedShare> mine = List.of(Http.JSON.readValue(awaitStep(session3 + "/shares?clientId=client-5&wait=30"),
          EncryptedShare[].class));
      int parameters = Http.getJson(base + "/api/v1/model").get("weights").size();
      int[] masked = protocol.mask(FixedPoint.encode(new float[parameters], 100, (float) plan3.get("bound").asDouble(),
          plan3.get("scale").asDouble()), mine);
      for (int j = 0; j < masked.length; j++) {
        masked[j] += 0x40000000; // garbage: far outside the bound once the masks are gone
      }
      assertThat(post(session3 + "/masked", MaskedUpdate.of("client-5", masked)).statusCode()).isEqualTo(202);
      List<String> survivors = List.of(Http.JSON.readValue(awaitStep(session3 + "/survivors?wait=30"),
          String[].class));
      assertThat(post(session3 + "/unmask", protocol.unmask(survivors)).statusCode()).isEqualTo(202);

      JsonNode status = Http.awaitCompleted(base, RUN, "logs in e2e/target/e2e-logs/secagg-malicious");
      JsonNode rounds = Http.getJson(base + "/api/v1/rounds");
      assertThat(rounds.get(0).get("participants").toString()).contains("client-1", "client-2", "client-3",
          "client-4").doesNotContain("client-5");
      assertThat(rounds.get(1).get("participants")).as("round 2: the three not named in the report").hasSize(3);
      assertThat(rounds.get(1).get("participants").toString()).doesNotContain("client-5");
      assertThat(rounds.get(2).get("participants")).as("round 3 closed with no update").isEmpty();
      assertThat(status.get("latest").get("globalTestAccuracy").asDouble()).as("the model stays round 2's")
          .isEqualTo(rounds.get(1).get("globalTestAccuracy").asDouble()).isGreaterThan(0.5);

      double plain = Reference.simulate(1, 1).rounds().get(0).globalTestAccuracy();
      double secure = rounds.get(0).get("globalTestAccuracy").asDouble();
      assertThat(secure).as("round 1 within 0.1 points of the plain round's %.4f", plain).isCloseTo(plain,
          within(ACCURACY_POINTS));
      assertThat(Http.getJson(base + "/api/v1/model").get("plan").toString()).contains("\"secureAggregation\":true");
      var refused = post(base + "/api/v1/rounds/3/updates", Map.of("clientId", "client-1", "numSamples", 1,
          "layerSizes", List.of(784, 20, 15, 10), "weights", List.of(), "trainLoss", 0.1, "trainAccuracy", 0.9));
      assertThat(refused.statusCode()).isEqualTo(409);
      assertThat(refused.body()).contains("only through secure aggregation");
      System.out.printf(Locale.ROOT, "secagg: round 1 of the four honest clients, accuracy %.4f (plain %.4f)%n",
          secure, plain);
    }
  }

  /** The round's secure aggregation session, once the round is open. */
  private static JsonNode session(String base, int round) throws Exception {
    return Http.JSON.readTree(Await.until("round " + round + "'s session", RUN, () -> Http.send(java.net.http
        .HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/rounds/" + round + "/secagg"))),
        r -> r.statusCode() == 200).body());
  }

  private static java.net.http.HttpResponse<String> post(String url, Object body) throws Exception {
    return Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Content-Type",
        "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(Http.JSON.writeValueAsString(body))));
  }

  /** Long-polls a step of the session until it closed: its answer. */
  private static String awaitStep(String url) {
    return Await.until(url, RUN, () -> Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))),
        r -> r.statusCode() == 200).body();
  }

  /** A 2-round run with DP (clip 2, noise 0), with or without secure aggregation; its final accuracy. */
  private static double run(String name, boolean secure) throws Exception {
    try (Processes procs = new Processes(Path.of("target", "e2e-logs", name))) {
      int port = Processes.freePort();
      String base = "http://localhost:" + port;
      procs.start("aggregator", Processes.jar("aggregator.jar"), Map.of(
          "SERVER_PORT", Integer.toString(port), "FL_ROUNDS", Integer.toString(ROUNDS),
          "FL_LOCAL_EPOCHS", Integer.toString(EPOCHS), "FL_SECURE_AGGREGATION", Boolean.toString(secure),
          "FL_DP_CLIP", "2", "FL_DP_NOISE", "0",
          "FL_DATA_DIR", Reference.DATA.toString(),
          "FL_STATE_DIR", Processes.freshDir(Path.of("target", "e2e-state", name)).toString()));
      for (int c = 1; c <= 4; c++) {
        procs.startClient(c, base);
      }
      JsonNode status = Http.awaitCompleted(base, RUN, "logs in e2e/target/e2e-logs/" + name);
      assertThat(status.get("privacy").get("clip").asDouble()).isEqualTo(2.0);
      return status.get("latest").get("globalTestAccuracy").asDouble();
    }
  }
}
