package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.federation.strategy.ClientResult;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.SafeTensors;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A hundred scripted clients and McMahan et al.'s 2NN (784-200-200-10, 199,210 weights) on one real aggregator
 * process (512 MB heap), all at once over HTTP with the binary wire form: each
 * registers, long-polls the model, posts an update (the global model nudged by its own seeded noise) and scores every
 * global model. Every call must succeed, every round must close with all of them, and the final model must be the
 * sample-weighted mean the test works out itself. The calls' latencies are printed (not asserted: speed belongs in
 * benchmarks).
 */
class ManyClientsIT {
  static final int CLIENTS = 100;
  static final int ROUNDS = 2;
  static final String LAYERS = "784,200,200,10";
  /** Start-up, registration and the rounds; a hundred threads on two cores. */
  static final Duration RUN = Duration.ofMinutes(10);
  static final int POLL_SECONDS = 20;
  static final float NOISE = 0.01f;

  String base;
  final List<Long> latenciesMillis = Collections.synchronizedList(new ArrayList<>());

  @Test
  void aHundredClientsAtOnce() throws Exception {
    try (Processes procs = new Processes(Path.of("target", "e2e-logs", "many"))) {
      int port = Processes.freePort();
      base = "http://localhost:" + port + "/api/v1";
      procs.start("aggregator", Processes.jar("aggregator.jar"), Map.of(
          "SERVER_PORT", Integer.toString(port), "FL_ROUNDS", Integer.toString(ROUNDS),
          "FL_CLIENTS", Integer.toString(CLIENTS), "FL_LAYERS", LAYERS, "FL_DATA_DIR", Reference.DATA.toString(),
          "FL_STATE_DIR", Processes.freshDir(Path.of("target", "e2e-state", "many")).toString()));
      Await.until("the aggregator answers", Await.SERVICE_START,
          () -> Http.send(HttpRequest.newBuilder(URI.create(base + "/status"))).statusCode(), code -> code == 200);

      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      List<Future<List<float[]>>> sent = new ArrayList<>();
      Instant deadline = Instant.now().plus(RUN);
      try {
        for (int c = 1; c <= CLIENTS; c++) {
          String id = String.format(Locale.ROOT, "site-%03d", c);
          int samples = 100 + c;
          sent.add(pool.submit(() -> playClient(id, samples, deadline)));
        }
        for (Future<List<float[]>> f : sent) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }

      JsonNode rounds = Http.getJson(base + "/rounds");
      assertThat(rounds).hasSize(ROUNDS);
      for (JsonNode r : rounds) {
        assertThat(r.get("participants")).as("round %d", r.get("round").asInt()).hasSize(CLIENTS);
      }
      Http.awaitEvaluations(base.replace("/api/v1", ""), CLIENTS, Await.LATE_REPORTS);

      GlobalModel last = SafeTensors.globalModel(Http.CLIENT.send(HttpRequest.newBuilder(URI.create(base
          + "/model?after=" + ROUNDS)).header("Accept", "application/octet-stream").build(),
          HttpResponse.BodyHandlers.ofByteArray()).body());
      assertThat(last.state()).isEqualTo(RunState.COMPLETED);
      assertThat(last.weights()).as("the sample-weighted mean of round %d's updates", ROUNDS)
          .containsExactly(expectedLastModel(sent));

      long[] sorted = latenciesMillis.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf(Locale.ROOT, "many clients: %d clients, %d calls; latency of registrations, updates and "
          + "scores: median %d ms, 99th percentile %d ms, max %d ms%n", CLIENTS, sorted.length,
          sorted[sorted.length / 2], sorted[(int) (sorted.length * 0.99)], sorted[sorted.length - 1]);
    }
  }

  /** One client's whole run; returns the weights it sent each round. */
  private List<float[]> playClient(String id, int samples, Instant deadline) throws Exception {
    expectOk(timed(post("/clients", "application/json",
        Http.JSON.writeValueAsBytes(new ClientRegistration(id, samples, 30)))));
    List<float[]> sent = new ArrayList<>();
    SplittableRandom noise = new SplittableRandom(id.hashCode());
    int seen = -1;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<byte[]> r = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/model?after=" + seen
          + "&wait=" + POLL_SECONDS + "&clientId=" + id)).header("Accept", "application/octet-stream")
          .timeout(Duration.ofSeconds(POLL_SECONDS + 30)).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).as("%s polls: %s", id, new String(r.body())).isEqualTo(200);
      GlobalModel model = SafeTensors.globalModel(r.body());
      if (model.round() > 0 && !model.evaluated()) {
        expectOk(timed(post("/rounds/" + model.round() + "/evaluations", "application/json",
            Http.JSON.writeValueAsBytes(new EvaluationReport(id, 30, 0.5, 0.8)))));
      }
      if (model.state() == RunState.COMPLETED) {
        return sent;
      }
      if (model.state() == RunState.TRAINING && !model.submitted()) {
        float[] w = model.weights().clone();
        for (int i = 0; i < w.length; i++) {
          w[i] += (float) (noise.nextDouble() * 2 - 1) * NOISE;
        }
        ClientUpdate u = new ClientUpdate(id, samples, model.layerSizes(), w, 0.4, 0.9);
        expectOk(timed(post("/rounds/" + (model.round() + 1) + "/updates", "application/octet-stream",
            SafeTensors.encode(u))));
        sent.add(w);
      }
      seen = model.round();
    }
    throw new AssertionError(id + ": the run did not end within " + RUN);
  }

  /** FedAvg of the last round's updates, each client's with its sample count. */
  private static float[] expectedLastModel(List<Future<List<float[]>>> sent) throws Exception {
    List<ClientResult> results = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      results.add(new ClientResult(String.format(Locale.ROOT, "site-%03d", c + 1),
          sent.get(c).get().get(ROUNDS - 1), 100 + c + 1));
    }
    return FedAvg.average(results.get(0).weights().length, results);
  }

  private HttpResponse<String> timed(HttpRequest.Builder request) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> r = Http.send(request);
    latenciesMillis.add((System.nanoTime() - start) / 1_000_000);
    return r;
  }

  private HttpRequest.Builder post(String path, String type, byte[] body) {
    return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private static void expectOk(HttpResponse<String> r) {
    assertThat(r.statusCode()).as("%s %s -> %s", r.request().method(), r.request().uri(), r.body())
        .isBetween(200, 202);
  }
}
