package dev.fedlearn.aggregator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.fedlearn.aggregator.api.TestBeans;
import dev.fedlearn.aggregator.api.WorkbookBuilds;
import dev.fedlearn.aggregator.config.TinyRunConfig;
import dev.fedlearn.aggregator.metrics.WorkbookWriter;
import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.federation.run.TestRuns;
import dev.fedlearn.protocol.RunState;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The cross-site evaluation's routes over MockMvc, with client tokens, a read token and an admin token: only the admin
 * token asks for it; a client uploads its own local model and row only, and only the run's clients fetch the models
 * (not a reader: the local models go nowhere else); the matrix is a read. Refusals are problem details saying why.
 */
@WebMvcTest(properties = {"fl.client-tokens=a:secret-a, b:secret-b", "fl.read-token=reader",
    "fl.admin-token=boss"})
@Import({TinyRunConfig.class, ClientTokens.class, WorkbookWriter.class, WorkbookBuilds.class,
    SecurityConfiguration.class, ClientIdentity.class, Refusals.class, TestBeans.class})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class CrossSiteApiTest {
  static final String MODEL_A = "{\"clientId\":\"a\",\"numSamples\":10,\"layerSizes\":[2,2],"
      + "\"weights\":[0.5,1,1,1,1,1],\"trainLoss\":0.5,\"trainAccuracy\":0.5}";

  @Autowired
  MockMvc mvc;

  @Autowired
  Runs runs;

  private ResultActions send(MockHttpServletRequestBuilder r, String token) throws Exception {
    return mvc.perform(token == null ? r : r.header("Authorization", "Bearer " + token));
  }

  /** {@code POST /api/v1/cross-site}, without a body. */
  private static MockHttpServletRequestBuilder ask() {
    return post("/api/v1/cross-site").content("");
  }

  private static MockHttpServletRequestBuilder json(String path, String body) {
    return post(path).contentType(MediaType.APPLICATION_JSON).content(body);
  }

  private static void problem(ResultActions r, int status, String detail) throws Exception {
    r.andExpect(status().is(status))
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.detail").value(Matchers.containsString(detail)));
  }

  /** {@code GET /model} as client {@code id} polls it (answered at once: the run is over). */
  private ResultActions step(String id, String token) throws Exception {
    org.springframework.test.web.servlet.MvcResult polled = send(get("/api/v1/model").param("clientId", id), token)
        .andReturn();
    return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch(polled))
        .andExpect(status().isOk());
  }

  /** The tiny run (2 rounds, clients a and b) trained to its end. */
  private RunCoordinator completed() {
    RunCoordinator run = runs.current();
    run.register(TestRuns.registration("a"));
    run.register(TestRuns.registration("b"));
    for (int round = 1; round <= 2; round++) {
      run.submitUpdate(round, TestRuns.update("a", 10, 0.5f));
      run.submitUpdate(round, TestRuns.update("b", 10, 0.7f));
    }
    assertThat(run.status().state()).isEqualTo(RunState.COMPLETED);
    return run;
  }

  @Test
  void onlyTheAdminTokenAsksForItAndOnlyForACompletedRun() throws Exception {
    problem(send(ask(), null), 401, "needs the admin token");
    problem(send(ask(), "reader"), 403, "FL_ADMIN_TOKEN");
    problem(send(ask(), "secret-a"), 403, "FL_ADMIN_TOKEN");
    problem(send(ask(), "boss"), 409, "the run is WAITING_FOR_CLIENTS after round 0");
    problem(send(get("/api/v1/cross-site"), null), 401, "read token");
    send(get("/api/v1/cross-site"), "reader").andExpect(status().isOk())
        .andExpect(jsonPath("$.state").value("NONE")).andExpect(jsonPath("$.run").value(1));

    completed();
    send(ask(), "boss").andExpect(status().isAccepted())
        .andExpect(jsonPath("$.state").value("COLLECTING"))
        .andExpect(jsonPath("$.models").value(Matchers.contains("global", "a", "b")));
    problem(send(ask(), "boss"), 409, "was asked for at");
    step("a", "secret-a").andExpect(jsonPath("$.crossSite").value("UPLOAD"));
  }

  @Test
  void eachClientTakesItsOwnPartAndOnlyClientsSeeTheModels() throws Exception {
    problem(send(json("/api/v1/cross-site/models", MODEL_A), null), 401, "needs the client's token");
    RunCoordinator run = completed();
    problem(send(json("/api/v1/cross-site/models", MODEL_A), "secret-a"), 409, "no cross-site evaluation was asked for");
    run.crossSite().request();

    problem(send(json("/api/v1/cross-site/models", MODEL_A), "secret-b"), 403, "belongs to client b");
    problem(send(json("/api/v1/cross-site/models", MODEL_A), "reader"), 403, "may not POST");
    problem(send(json("/api/v1/cross-site/models", MODEL_A.replace("[0.5,", "[\"NaN\",")), "secret-a"), 400, "");
    problem(send(json("/api/v1/cross-site/models", MODEL_A.replace("[0.5,1,1,1,1,1]", "[1,1]")), "secret-a"), 400,
        "weights must hold 6 numbers");
    send(json("/api/v1/cross-site/models", MODEL_A), "secret-a").andExpect(status().isAccepted());
    problem(send(json("/api/v1/cross-site/models", MODEL_A), "secret-a"), 409, "already uploaded");
    problem(send(get("/api/v1/cross-site/models").param("clientId", "a"), "secret-a"), 409,
        "collects the clients' local models");
    step("a", "secret-a").andExpect(jsonPath("$.crossSite").value("WAIT"));
    send(json("/api/v1/cross-site/models", MODEL_A.replace("\"a\"", "\"b\"")), "secret-b")
        .andExpect(status().isAccepted());

    problem(send(get("/api/v1/cross-site/models"), "reader"), 403, "may not GET");
    problem(send(get("/api/v1/cross-site/models").param("clientId", "a"), "secret-b"), 403, "belongs to client b");
    send(get("/api/v1/cross-site/models"), "secret-a").andExpect(status().isOk())
        .andExpect(jsonPath("$.run").value(1))
        .andExpect(jsonPath("$.models[*].name").value(Matchers.contains("global", "a", "b")))
        .andExpect(jsonPath("$.models[1].weights[0]").value(0.5));

    String row = "{\"clientId\":\"a\",\"numSamples\":10,\"accuracy\":[0.5,0.6,0.7]}";
    problem(send(json("/api/v1/cross-site/scores", row), "secret-b"), 403, "belongs to client b");
    problem(send(json("/api/v1/cross-site/scores", row.replace(",0.7]", "]")), "secret-a"), 400,
        "one accuracy per model");
    problem(send(json("/api/v1/cross-site/scores", row.replace("}", ",\"run\":7}")), "secret-a"), 409,
        "these scores are for run 7");
    send(json("/api/v1/cross-site/scores", row), "secret-a").andExpect(status().isAccepted());
    problem(send(json("/api/v1/cross-site/scores", row), "secret-a"), 409, "already posted");
    send(get("/api/v1/cross-site"), "reader").andExpect(status().isOk())
        .andExpect(jsonPath("$.state").value("SCORING"))
        .andExpect(jsonPath("$.rows[0].site").value("a"))
        .andExpect(jsonPath("$.rows[0].testSamples").value(10))
        .andExpect(jsonPath("$.rows[0].accuracy").value(Matchers.contains(0.5, 0.6, 0.7)))
        .andExpect(jsonPath("$.rows[1].testSamples").value(Matchers.nullValue()));
  }
}
