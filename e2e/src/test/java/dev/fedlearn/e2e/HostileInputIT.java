package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.federation.LocalTraining;
import dev.fedlearn.federation.simulation.Simulation;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.GlobalModel;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A real aggregator process with client tokens. The test plays the four clients, and between their legitimate calls
 * fires a batch of malformed and adversarial requests: no or wrong tokens, another client's id, stale and future
 * rounds, duplicates, an oversize body, NaN weights, wrong lengths, an absurd norm, garbage JSON. Each must get its
 * refusal, and at the end the run's rounds and final model must be exactly those of the in-process simulation.
 */
class HostileInputIT {
  static final int ROUNDS = 2;
  static final int EPOCHS = 1;

  String base;
  final Map<String, String> tokens = new LinkedHashMap<>();
  final List<String> refusals = new ArrayList<>();

  @Test
  void adversarialRequestsChangeNothing() throws Exception {
    for (int c = 1; c <= 4; c++) {
      tokens.put("client-" + c, "tok-" + c + "-" + Long.toHexString(Double.doubleToLongBits(Math.random())));
    }
    StringBuilder entries = new StringBuilder();
    tokens.forEach((id, t) -> entries.append(entries.length() == 0 ? "" : ",").append(id).append(':').append(t));
    try (Processes procs = new Processes(Path.of("target", "e2e-logs", "hostile"))) {
      int port = Processes.freePort();
      base = "http://localhost:" + port;
      procs.start("aggregator", Processes.jar("aggregator.jar"), Map.of(
          "SERVER_PORT", Integer.toString(port), "FL_ROUNDS", Integer.toString(ROUNDS), "FL_CLIENTS", "4",
          "FL_LOCAL_EPOCHS", Integer.toString(EPOCHS), "FL_SEED", "42", "FL_CLIENT_TOKENS", entries.toString(),
          "FL_DATA_DIR", Reference.DATA.toString(),
          "FL_STATE_DIR", Processes.freshDir(Path.of("target", "e2e-state", "hostile")).toString()));
      awaitUp();

      List<Simulation.Site> sites = new ArrayList<>();
      for (int c = 1; c <= 4; c++) {
        sites.add(Reference.site(c));
      }
      // Before anyone registered.
      expect(401, post("/clients", null, registration("client-1", sites.get(0))));
      expect(401, post("/clients", "nope", registration("client-1", sites.get(0))));
      expect(403, post("/clients", tokens.get("client-1"), registration("client-2", sites.get(1))));
      expect(403, post("/clients", tokens.get("client-1"), registration("intruder", sites.get(1))));
      expect(404, post("/rounds/1/updates", tokens.get("client-1"), "{\"clientId\":\"client-1\",\"numSamples\":1,"
          + "\"layerSizes\":[784,20,15,10],\"weights\":[],\"trainLoss\":0,\"trainAccuracy\":0}"));
      for (int c = 1; c <= 4; c++) {
        String id = "client-" + c;
        expect(200, post("/clients", tokens.get(id), registration(id, sites.get(c - 1))));
      }
      expect(200, post("/clients", tokens.get("client-2"), registration("client-2", sites.get(1)))); // harmless

      for (int r = 1; r <= ROUNDS; r++) {
        GlobalModel model = Http.JSON.readValue(get("/model?after=" + (r - 1), tokens.get("client-1")).body(),
            GlobalModel.class);
        assertThat(model.round()).isEqualTo(r - 1);
        for (int c = 1; c <= 4; c++) {
          String id = "client-" + c;
          String token = tokens.get(id);
          Simulation.Site site = sites.get(c - 1);
          LocalTraining.Result trained = LocalTraining.run(model.toModel(), site.train(), model.plan().toConfig(), id,
              r, null);
          ClientUpdate legit = new ClientUpdate(id, trained.numSamples(), model.layerSizes(), trained.weights(),
              trained.trainLoss(), trained.trainAccuracy());
          attackUpdates(r, id, token, legit);
          expect(202, post("/rounds/" + r + "/updates", token, json(legit)));
          if (c < 4) {
            expect(409, post("/rounds/" + r + "/updates", token, json(legit))); // a duplicate
          }
        }
        // Round r is aggregated: each client scores the new global model, once.
        GlobalModel next = Http.JSON.readValue(get("/model?after=" + (r - 1), tokens.get("client-3")).body(),
            GlobalModel.class);
        assertThat(next.round()).isEqualTo(r);
        for (int c = 1; c <= 4; c++) {
          String id = "client-" + c;
          Evaluation e = Evaluator.evaluate(next.toModel(), sites.get(c - 1).test(), 1);
          String report = json(new EvaluationReport(id, e.count(), e.loss(), e.accuracy()));
          expect(404, post("/rounds/" + (r + 1) + "/evaluations", tokens.get(id), report)); // a future round
          expect(403, post("/rounds/" + r + "/evaluations", tokens.get(c == 1 ? "client-2" : "client-1"), report));
          expect(202, post("/rounds/" + r + "/evaluations", tokens.get(id), report));
          expect(409, post("/rounds/" + r + "/evaluations", tokens.get(id), report));
        }
        expect(409, post("/rounds/" + r + "/updates", tokens.get("client-4"), "{\"clientId\":\"client-4\","
            + "\"numSamples\":1,\"layerSizes\":[784,20,15,10],\"weights\":[],\"trainLoss\":0,\"trainAccuracy\":0}"));
      }

      // Nothing of the above changed the run: the same model and rounds as without any of it.
      Reference.Run expected = Reference.simulate(ROUNDS, EPOCHS);
      GlobalModel last = Http.JSON.readValue(get("/model?after=" + ROUNDS, tokens.get("client-1")).body(),
          GlobalModel.class);
      assertThat(last.state().name()).isEqualTo("COMPLETED");
      assertThat(last.weights()).as("final global model").containsExactly(expected.model().params());
      JsonNode rounds = Http.JSON.readTree(get("/rounds", tokens.get("client-4")).body());
      for (int r = 0; r < ROUNDS; r++) {
        JsonNode round = rounds.get(r);
        assertThat(round.get("participants")).extracting(JsonNode::asString)
            .containsExactly("client-1", "client-2", "client-3", "client-4");
        assertThat(round.get("evaluations").size()).isEqualTo(4);
        assertThat(round.get("globalTestAccuracy").asDouble())
            .isEqualTo(expected.rounds().get(r).globalTestAccuracy());
      }
      JsonNode status = Http.JSON.readTree(get("/status", tokens.get("client-1")).body());
      assertThat(status.get("registeredClients").asInt()).isEqualTo(4);
      assertThat(status.get("authentication").asString()).isEqualTo("tokens");
      assertThat(refusals).hasSizeGreaterThan(40);
    }
  }

  /** Everything a hostile or broken caller might send for round r, before the legitimate update of {@code id}. */
  private void attackUpdates(int r, String id, String token, ClientUpdate legit) throws Exception {
    String path = "/rounds/" + r + "/updates";
    String body = json(legit);
    expect(401, post(path, null, body));
    expect(401, post(path, "tok-guess", body));
    String other = tokens.get(id.equals("client-1") ? "client-2" : "client-1");
    expect(403, post(path, other, body)); // another client's token
    expect(409, post("/rounds/" + (r + 1) + path.substring(path.indexOf("/updates")), token, body)); // future
    if (r > 1) {
      expect(409, post("/rounds/" + (r - 1) + "/updates", token, body)); // stale
    }
    float[] nan = legit.weights().clone();
    nan[7] = Float.NaN;
    expect(400, post(path, token, json(legit).replace(json(legit.weights()), json(nan))));
    expect(400, post(path, token, json(new ClientUpdate(id, legit.numSamples(), legit.layerSizes(),
        Arrays.copyOf(legit.weights(), 100), 0, 0))));
    float[] huge = legit.weights().clone();
    huge[0] = 1e6f;
    expect(400, post(path, token, json(new ClientUpdate(id, legit.numSamples(), legit.layerSizes(), huge, 0, 0))));
    expect(400, post(path, token, json(new ClientUpdate(id, 1_000_000, legit.layerSizes(), legit.weights(), 0, 0))));
    expect(400, post(path, token, json(new ClientUpdate(id, -5, legit.layerSizes(), legit.weights(), 0, 0))));
    expect(400, post(path, token, json(new ClientUpdate(id, legit.numSamples(), new int[] {784, 10},
        legit.weights(), 0, 0))));
    expect(400, post(path, token, "{\"clientId\":\"" + id + "\",\"numSamples\":\"many\"}"));
    expect(400, post(path, token, "{\"clientId\":\"" + id + "\",\"weights\":[1,2,"));
    expect(400, post(path, token, "\u0000\u0001 not json at all"));
    expect(400, post("/rounds/abc/updates", token, body));
    expect(413, post(path, token, "{\"clientId\":\"" + id + "\",\"pad\":\"" + "x".repeat(5_000_000) + "\"}"));
  }

  private static String registration(String id, Simulation.Site site) {
    return json(new ClientRegistration(id, site.train().size(), site.test().size()));
  }

  private static String json(Object o) {
    return Http.JSON.writeValueAsString(o);
  }

  private void expect(int status, HttpResponse<String> r) {
    assertThat(r.statusCode()).as("%s %s -> %s", r.request().method(), r.request().uri(), r.body()).isEqualTo(status);
    if (status >= 400) {
      assertThat(r.headers().firstValue("Content-Type").orElse("")).as(r.body()).contains("application/problem+json");
      refusals.add(r.request().uri() + " " + status);
    }
  }

  private HttpResponse<String> post(String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1" + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return Http.send(b);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    return Http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1" + path))
        .header("Authorization", "Bearer " + token));
  }

  private void awaitUp() {
    Await.until("the aggregator answers " + base + "/actuator/health", Await.SERVICE_START,
        () -> Http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health"))).statusCode(),
        status -> status == 200);
  }
}
