package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.protocol.GlobalModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container;
import org.testcontainers.postgresql.PostgreSQLContainer;
import tools.jackson.databind.JsonNode;

/**
 * Runs as jobs on one standing federation, over real processes: the aggregator jar, four client jars and the
 * {@code fl} CLI. The environment's run (FedAvg) completes; then runs are submitted back to back, over the API
 * (FedAvgM) and with {@code fl runs submit} (FedProx, whose proximal term the clients learn from the plan), and one
 * more waits queued. Each ends with the same bits as the in-process simulation of its definition. The aggregator is
 * killed (kill -9) while the FedProx run trains and the last one waits: started again, it resumes the FedProx run to
 * the same bits, keeps the last run queued and then starts it, which {@code fl runs stop} stops; a run on two named
 * sites ends as their simulation, the other two sitting it out. {@code fl runs get} fetches a run's model and
 * {@code fl evaluate} scores it as the run did. On the default H2
 * file and on PostgreSQL (skipped without Docker; fails instead with {@code FL_REQUIRE_DOCKER=true}).
 */
class RunsIT {
  static final int EPOCHS = 1;
  static final String ADMIN = "admin-secret";
  static final Duration RUN = Duration.ofMinutes(6);

  @Test
  void runsSubmittedBackToBackEachMatchTheirSimulationAndSurviveAKill() throws Exception {
    scenario("runs", Map.of());
  }

  @Test
  void onPostgresToo() throws Exception {
    DockerSupport.requireDocker();
    try (PostgreSQLContainer postgres = new PostgreSQLContainer(DockerSupport.POSTGRES_IMAGE)
        .withDatabaseName("fedlearn").withUsername("fedlearn").withPassword("fedlearn-it")) {
      postgres.start();
      scenario("runs-postgres", Map.of("SPRING_DATASOURCE_URL", postgres.getJdbcUrl(),
          "SPRING_DATASOURCE_USERNAME", postgres.getUsername(), "SPRING_DATASOURCE_PASSWORD", postgres.getPassword()));
      Container.ExecResult runs = postgres.execInContainer("psql", "-U", postgres.getUsername(), "-d",
          postgres.getDatabaseName(), "-v", "ON_ERROR_STOP=1", "-tAc",
          "select string_agg(id || ':' || state || ':' || origin, ',' order by id) from run");
      assertThat(runs.getStdout().strip()).as(runs.getStderr()).isEqualTo("1:COMPLETED:environment,"
          + "2:COMPLETED:submitted,3:COMPLETED:submitted,4:STOPPED:submitted,5:COMPLETED:submitted");
    }
  }

  private static void scenario(String name, Map<String, String> storeEnv) throws Exception {
    Path logs = Path.of("target", "e2e-logs", name);
    // client-4 reaches the aggregator through a gate that will hold its update of run 3's round 2: that round then
    // stays open, every other update in, for as long as the kill and the restart take.
    int port = Processes.freePort();
    String base = "http://localhost:" + port;
    try (Processes procs = new Processes(logs); UpdateGate gate = new UpdateGate(base)) {
      String where = "logs in " + logs.toAbsolutePath();
      Map<String, String> env = new java.util.HashMap<>(Map.of("SERVER_PORT", Integer.toString(port), "FL_ROUNDS",
          "2", "FL_CLIENTS", "4", "FL_LOCAL_EPOCHS", Integer.toString(EPOCHS), "FL_ADMIN_TOKEN", ADMIN,
          "FL_DATA_DIR", Reference.DATA.toString(),
          "FL_STATE_DIR", Processes.freshDir(Path.of("target", "e2e-state", name)).toString()));
      env.putAll(storeEnv);
      Process aggregator = procs.start("aggregator", Processes.jar("aggregator.jar"), env);
      for (int c = 1; c <= 4; c++) {
        procs.startClient("client-" + c, c, c == 4 ? gate.url() : base, Map.of("FL_RETRY_MAXBACKOFF", "1s"));
      }
      awaitRun(base, 1, "COMPLETED", where);

      assertThat(post(base + "/api/v1/runs", "{}", null).statusCode()).as("no admin token").isEqualTo(401);
      var second = post(base + "/api/v1/runs", "{\"strategy\": {\"name\": \"fedavgm\"}}", ADMIN);
      assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
      assertThat(second.headers().firstValue("Location")).contains("/api/v1/runs/2");
      Cli third = Cli.run("runs", "submit", "--aggregator", base, "--token", ADMIN, "--strategy", "fedprox",
          "--strategy-param", "mu=0.01", "--rounds", "3");
      assertThat(third.exit()).as(third.output()).isZero();
      // queued while run 2 trains, or started at once when run 2 ended in the meantime (it is short)
      assertThat(third.output()).containsPattern("run 3 (queued|started): " + base + "/api/v1/runs/3");
      // Five clients: run 4 waits for a fifth site that never comes, until it is stopped.
      var fourth = post(base + "/api/v1/runs", "{\"rounds\": 3, \"clients\": 5}", ADMIN);
      assertThat(Http.JSON.readTree(fourth.body()).get("state").asString()).as("behind run 3, which takes its "
          + "clients at least one poll (5 s) to start").isEqualTo("QUEUED");

      awaitRun(base, 2, "COMPLETED", where);
      // At once: runs 1 and 2 are over, and run 3 cannot have reached its round 2, as its clients learn of it only at
      // their next poll for a new run, 5 s after run 2 completed.
      gate.hold(2);
      assertThat(model(base, 2)).as("run 2, bit for bit its simulation").containsExactly(Reference.simulate(2, EPOCHS,
          Strategies.create("fedavgm", ""), ClientSampler.ALL).model().params());
      Await.until("run 3's round 2 has every update but client-4's; " + where, RUN,
          () -> Http.getJson(base + "/api/v1/status"), s -> s.get("run").asInt() == 3 && s.get("round").asInt() == 1
              && s.get("updatesReceived").asInt() == 3);
      aggregator.destroyForcibly().waitFor();
      procs.start("aggregator-restarted", Processes.jar("aggregator.jar"), env);
      JsonNode runs = Await.answer("the restarted aggregator answers; " + where, Duration.ofMinutes(2),
          () -> Http.getJson(base + "/api/v1/runs"));
      assertThat(states(runs)).as("after the kill").containsExactly("COMPLETED", "COMPLETED", "TRAINING", "QUEUED");
      assertThat(runs.get(2).get("current").asBoolean()).isTrue();
      gate.release(2); // the held update goes to the restarted aggregator

      Cli watch = Cli.run("runs", "watch", "3", "--aggregator", base, "--interval", "1");
      assertThat(watch.exit()).as(watch.output()).isZero();
      assertThat(model(base, 3)).as("run 3, killed and resumed, bit for bit its simulation").containsExactly(
          Reference.simulate(3, EPOCHS, Strategies.create("fedprox", "mu=0.01"), ClientSampler.ALL).model().params());

      Await.until("run 4 starts and its clients register; " + where, RUN,
          () -> Http.getJson(base + "/api/v1/status"), s -> s.get("run").asInt() == 4
              && s.get("registeredClients").asInt() == 4);
      Cli stop = Cli.run("runs", "stop", "4", "--reason", "enough", "--aggregator", base, "--token", ADMIN);
      assertThat(stop.exit()).as(stop.output()).isZero();
      JsonNode four = Http.getJson(base + "/api/v1/runs/4");
      assertThat(four.get("run").get("state").asString()).as(four.toString()).isEqualTo("STOPPED");

      // A run on two named sites: the other two sit it out.
      Cli fifth = Cli.run("runs", "submit", "--aggregator", base, "--token", ADMIN, "--sites", "client-1,client-3",
          "--watch", "--interval", "1");
      assertThat(fifth.exit()).as(fifth.output()).isZero();
      assertThat(model(base, 5)).as("run 5 on client-1 and client-3, bit for bit their simulation").containsExactly(
          Reference.simulate(2, EPOCHS, new FedAvg(), ClientSampler.ALL, null, null, List.of(1, 3)).model().params());
      for (int c : new int[] {2, 4}) {
        assertThat(java.nio.file.Files.readString(procs.log("client-" + c))).contains("sits out run 5");
      }
      assertThat(Http.getJson(base + "/api/v1/sites").size()).as("the federation's sites").isEqualTo(4);
      Cli list = Cli.run("runs", "list", "--aggregator", base);
      assertThat(list.output().lines().filter(l -> l.startsWith("run ")).count()).as(list.output()).isEqualTo(5);
      // Its model put to use: fetched with fl runs get, scored with fl evaluate as the run scored it.
      Path saved = Processes.freshDir(Path.of("target", "e2e-state", name + "-models")).resolve("run2.safetensors");
      Cli get = Cli.run("runs", "get", "2", "--aggregator", base, "--model", saved.toString());
      assertThat(get.exit()).as(get.output()).isZero();
      Cli evaluate = Cli.run("evaluate", "--model", saved.toString(), "--mnist", Reference.DATA.resolve("mnist")
          .toString());
      assertThat(evaluate.exit()).as(evaluate.output()).isZero();
      double reported = Http.getJson(base + "/api/v1/runs/2").get("run").get("latestAccuracy").asDouble();
      assertThat(evaluate.output()).as("fl evaluate of run 2's model").contains(String.format(java.util.Locale.ROOT,
          "accuracy %.2f%%", 100 * reported));

      assertThat(model(base, 1)).as("run 1 intact").containsExactly(Reference.simulate(2, EPOCHS, new FedAvg(),
          ClientSampler.ALL).model().params());
    }
  }

  private static void awaitRun(String base, int id, String state, String where) {
    Await.until("run " + id + " is " + state + "; " + where, RUN, () -> Http.getJson(base + "/api/v1/runs/" + id),
        r -> {
          assertThat(r.get("run").get("state").asString()).as("run %d: %s", id, r).isNotEqualTo("FAILED");
          return r.get("run").get("state").asString().equals(state);
        });
  }

  private static List<String> states(JsonNode runs) {
    List<String> out = new ArrayList<>();
    runs.forEach(r -> out.add(r.get("state").asString()));
    return out;
  }

  private static float[] model(String base, int id) throws Exception {
    return Http.JSON.readValue(Http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/runs/" + id + "/model")))
        .body(), GlobalModel.class).weights();
  }

  private static java.net.http.HttpResponse<String> post(String url, String body, String token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    return Http.send(token == null ? r : r.header("Authorization", "Bearer " + token));
  }

  /** One {@code fl} command as a process: its exit code and what it printed (stdout and stderr). */
  record Cli(int exit, String output) {
    static Cli run(String... args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
          .toString(), "-jar", Processes.jar("fl.jar").toString()));
      command.addAll(List.of(args));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!p.waitFor(RUN.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("fl " + String.join(" ", args) + " did not end within " + RUN);
      }
      return new Cli(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
