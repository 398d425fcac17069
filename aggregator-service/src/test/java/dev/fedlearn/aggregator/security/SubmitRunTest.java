package dev.fedlearn.aggregator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.fedlearn.aggregator.api.TestBeans;
import dev.fedlearn.aggregator.api.WorkbookBuilds;
import dev.fedlearn.aggregator.config.TinyRunConfig;
import dev.fedlearn.aggregator.metrics.WorkbookWriter;
import dev.fedlearn.federation.run.Runs;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * Submitting and stopping runs ({@code POST /api/v1/runs}, {@code POST /api/v1/runs/{id}/stop}) over MockMvc: only
 * with the admin token, every wrong field named, fields left out taken from the environment's run, one run at a
 * time in the order submitted.
 */
@WebMvcTest(properties = {"fl.client-tokens=a:secret-a", "fl.read-token=reader", "fl.admin-token=boss"})
@Import({TinyRunConfig.class, ClientTokens.class, WorkbookWriter.class, WorkbookBuilds.class,
    SecurityConfiguration.class, ClientIdentity.class, Refusals.class, TestBeans.class})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class SubmitRunTest {
  @Autowired
  MockMvc mvc;

  @Autowired
  Runs runs;

  private ResultActions submit(String body, String token) throws Exception {
    var request = post("/api/v1/runs").contentType(MediaType.APPLICATION_JSON).content(body);
    return mvc.perform(token == null ? request : request.header("Authorization", "Bearer " + token));
  }

  private ResultActions stop(int id, String token) throws Exception {
    var request = post("/api/v1/runs/" + id + "/stop").contentType(MediaType.APPLICATION_JSON).content("{}");
    return mvc.perform(token == null ? request : request.header("Authorization", "Bearer " + token));
  }

  private ResultActions invalid(String body, String field, String message) throws Exception {
    return submit(body, "boss").andExpect(status().isBadRequest())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.title").value("Invalid run"))
        .andExpect(jsonPath("$.errors[?(@.field == '" + field + "')].message").value(
            Matchers.hasItem(Matchers.containsString(message))));
  }

  @Test
  void onlyTheAdminTokenSubmitsAndStops() throws Exception {
    submit("{}", null).andExpect(status().isUnauthorized())
        .andExpect(jsonPath("$.detail").value(Matchers.containsString("needs the admin token")));
    submit("{}", "reader").andExpect(status().isForbidden())
        .andExpect(jsonPath("$.detail").value(Matchers.containsString("FL_ADMIN_TOKEN")));
    submit("{}", "secret-a").andExpect(status().isForbidden());
    stop(1, "reader").andExpect(status().isForbidden());
    assertThat(runs.list()).as("nothing submitted, nothing stopped").hasSize(1);
    assertThat(runs.list().get(0).state()).isEqualTo("WAITING_FOR_CLIENTS");

    submit("{}", "boss").andExpect(status().isCreated())
        .andExpect(header().string("Location", "/api/v1/runs/2"))
        .andExpect(jsonPath("$.id").value(2)).andExpect(jsonPath("$.state").value("QUEUED"))
        .andExpect(jsonPath("$.submitted").value(true));
    mvc.perform(get("/api/v1/runs").header("Authorization", "Bearer boss")).andExpect(status().isOk())
        .andExpect(jsonPath("$.length()").value(2));
  }

  @Test
  void everyWrongFieldIsNamed() throws Exception {
    invalid("{\"rounds\": 0, \"localEpochs\": 0}", "rounds", "greater than or equal to 1");
    invalid("{\"rounds\": 0, \"localEpochs\": 0}", "localEpochs", "greater than or equal to 1");
    invalid("{\"roundz\": 3}", "roundz", "not a field of a run");
    invalid("{\"rounds\": \"3\"}", "rounds", "wrong type");
    invalid("{\"rounds\": 3.5}", "rounds", "wrong type");
    invalid("{\"rounds\": 99999999999999999999}", "rounds", "out of range");
    invalid("{\"rounds\": 2, \"rounds\": 3}", "run", "Duplicate");
    invalid("{\"strategy\": {\"name\": \"nope\"}}", "strategy", "unknown strategy 'nope'");
    invalid("{\"strategy\": {\"name\": \"fedavgm\", \"parameters\": {\"x\": 1}}}", "strategy", "no parameter 'x'");
    invalid("{\"strategy\": {\"parameters\": {\"w\": [1]}}}", "strategy", "must be a number or text");
    invalid("{\"learningRate\": -1, \"momentum\": 1.5}", "learningRate", "positive");
    invalid("{\"learningRate\": -1, \"momentum\": 1.5}", "momentum", "[0, 1)");
    invalid("{\"layers\": \"784,10\"}", "layers", "must start with 2");
    invalid("{\"layers\": \"2,1000,1000,2\"}", "layers", "too large");
    invalid("{\"layers\": \"2,100000,100000,2\"}", "layers", "more than 2147483647 parameters");
    invalid("{\"fractionFit\": 0}", "fractionFit", "fraction");
    invalid("{\"privacy\": {\"noise\": 1.0}}", "privacy", "clip is needed");
    invalid("{\"secureAggregation\": {}, \"strategy\": {\"name\": \"krum\"}}", "secureAggregation", "krum");
    invalid("[1]", "run", "JSON object");
    invalid("{\"sites\": [\"a\", \"a\"]}", "sites", "with repeats");
    invalid("{\"sites\": [\"a b\"]}", "sites", "a client id");
    invalid("{\"sites\": [\"a\"], \"clients\": 3}", "clients", "names 1 sites");
    invalid("{\"bufferSize\": 2}", "bufferSize", "a buffer size needs FL_MODE=async");
    assertThat(runs.list()).as("no bad run kept").hasSize(1);
  }

  @Test
  void fieldsLeftOutAreTheEnvironmentsRun() throws Exception {
    submit("{\"strategy\": {\"name\": \"fedavgm\"}, \"localEpochs\": 3}", "boss").andExpect(status().isCreated())
        .andExpect(jsonPath("$.definition.rounds").value(2))
        .andExpect(jsonPath("$.definition.clients").value(2))
        .andExpect(jsonPath("$.definition.training.localEpochs").value(3))
        .andExpect(jsonPath("$.definition.strategy.name").value("fedavgm"))
        .andExpect(jsonPath("$.definition.strategy.parameters.serverMomentum").exists());
    assertThat(runs.get(2).definition().training().seed()).isEqualTo(runs.environment().training().seed());
  }

  @Test
  void runsStartOneAfterTheOtherAndAStopStartsTheNext() throws Exception {
    submit("{\"rounds\": 3}", "boss").andExpect(jsonPath("$.state").value("QUEUED"));
    submit("{\"rounds\": 4}", "boss").andExpect(jsonPath("$.state").value("QUEUED"));
    stop(3, "boss").andExpect(status().isOk()).andExpect(jsonPath("$.state").value("STOPPED"))
        .andExpect(jsonPath("$.message").value("stopped on request"));
    mvc.perform(post("/api/v1/runs/1/stop").header("Authorization", "Bearer boss")
        .contentType(MediaType.APPLICATION_JSON).content("{\"reason\": \"wrong rate\"}"))
        .andExpect(status().isOk()).andExpect(jsonPath("$.state").value("STOPPED"))
        .andExpect(jsonPath("$.message").value("stopped on request: wrong rate"));
    mvc.perform(get("/api/v1/status").header("Authorization", "Bearer reader"))
        .andExpect(jsonPath("$.run").value(2)).andExpect(jsonPath("$.rounds").value(3))
        .andExpect(jsonPath("$.state").value("WAITING_FOR_CLIENTS"));
    stop(1, "boss").andExpect(status().isConflict())
        .andExpect(jsonPath("$.detail").value(Matchers.containsString("has ended (STOPPED)")));
    stop(9, "boss").andExpect(status().isNotFound());
    mvc.perform(post("/api/v1/runs/01/stop").header("Authorization", "Bearer boss")
        .contentType(MediaType.APPLICATION_JSON).content("{}"))
        .andExpect(status().isBadRequest());
    // stopped before it began: listed, without status, rounds, model or workbook; its events say why
    mvc.perform(get("/api/v1/runs/3").header("Authorization", "Bearer reader")).andExpect(status().isOk())
        .andExpect(jsonPath("$.run.state").value("STOPPED")).andExpect(jsonPath("$.status").isEmpty());
    mvc.perform(get("/api/v1/runs/3/rounds").header("Authorization", "Bearer reader"))
        .andExpect(status().isOk()).andExpect(jsonPath("$.length()").value(0));
    mvc.perform(get("/api/v1/runs/3/model").header("Authorization", "Bearer reader"))
        .andExpect(status().isConflict());
    mvc.perform(get("/api/v1/runs/3/events").header("Authorization", "Bearer reader"))
        .andExpect(jsonPath("$[0].detail").value(Matchers.containsString("stopped on request")));
    mvc.perform(get("/api/v1/runs/2").header("Authorization", "Bearer reader"))
        .andExpect(jsonPath("$.status.run").value(2));
  }

  /** A run may name its sites; the federation's sites are the clients that registered with its runs. */
  @Test
  void aRunNamesItsSitesFromTheFederations() throws Exception {
    mvc.perform(post("/api/v1/clients").header("Authorization", "Bearer secret-a")
        .contentType(MediaType.APPLICATION_JSON).content("{\"clientId\":\"a\",\"trainSamples\":100,"
            + "\"testSamples\":30}")).andExpect(status().isOk());
    mvc.perform(get("/api/v1/sites").header("Authorization", "Bearer reader")).andExpect(status().isOk())
        .andExpect(jsonPath("$.length()").value(1)).andExpect(jsonPath("$[0].clientId").value("a"))
        .andExpect(jsonPath("$[0].trainSamples").value(100)).andExpect(jsonPath("$[0].lastRun").value(1))
        .andExpect(jsonPath("$[0].runs").value(1));
    mvc.perform(get("/api/v1/sites")).andExpect(status().isUnauthorized());
    submit("{\"sites\": [\"a\"]}", "boss").andExpect(status().isCreated())
        .andExpect(jsonPath("$.definition.clients").value(1))
        .andExpect(jsonPath("$.definition.sites[0]").value("a"));
  }
}
