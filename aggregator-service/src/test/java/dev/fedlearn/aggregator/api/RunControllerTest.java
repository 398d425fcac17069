package dev.fedlearn.aggregator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.aggregator.config.TinyRunConfig;
import dev.fedlearn.aggregator.security.ClientIdentity;
import dev.fedlearn.aggregator.security.ClientTokens;
import dev.fedlearn.aggregator.security.Refusals;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.SafeTensors;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** The controller's statuses and problem details, over MockMvc, with a real coordinator of a tiny run. */
@WebMvcTest(RunController.class)
@Import({TinyRunConfig.class, ClientTokens.class, ClientIdentity.class, TestBeans.class, Refusals.class})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD) // a fresh run per test
class RunControllerTest {
  @Autowired
  MockMvc mvc;

  @Autowired
  Runs runs;

  static final String SHAPE = "\"layerSizes\":[2,2]";

  private ResultActions postJson(String path, String body) throws Exception {
    return mvc.perform(post(path).contentType(MediaType.APPLICATION_JSON).content(body));
  }

  private static String update(String id, String weights) {
    return "{\"clientId\":\"" + id + "\",\"numSamples\":10," + SHAPE + ",\"weights\":" + weights
        + ",\"trainLoss\":0.5,\"trainAccuracy\":0.8}";
  }

  private ResultActions problem(ResultActions r, int status, String detail) throws Exception {
    return r.andExpect(status().is(status))
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.status").value(status))
        .andExpect(jsonPath("$.title").isNotEmpty())
        .andExpect(jsonPath("$.detail").value(Matchers.containsString(detail)));
  }

  @BeforeEach
  void registerBoth() throws Exception {
    postJson("/api/v1/clients", "{\"clientId\":\"a\",\"trainSamples\":100,\"testSamples\":30}")
        .andExpect(status().isOk()).andExpect(jsonPath("$.registeredClients").value(1));
    postJson("/api/v1/clients", "{\"clientId\":\"b\",\"trainSamples\":100,\"testSamples\":30}")
        .andExpect(jsonPath("$.state").value("TRAINING"));
  }

  /** GET /model, which answers asynchronously (a long poll holds no thread): the answer once it is dispatched. */
  private ResultActions model(org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request)
      throws Exception {
    org.springframework.test.web.servlet.MvcResult started = mvc.perform(request).andReturn();
    return started.getRequest().isAsyncStarted()
        ? mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch(started))
        : mvc.perform(request);
  }

  @Test
  void statusModelAndRounds() throws Exception {
    mvc.perform(get("/api/v1/status")).andExpect(status().isOk())
        .andExpect(jsonPath("$.state").value("TRAINING"))
        .andExpect(jsonPath("$.rounds").value(2))
        .andExpect(jsonPath("$.expectedClients").value(2))
        .andExpect(jsonPath("$.latest.round").value(0))
        .andExpect(jsonPath("$.strategy.name").value("fedavg"))
        .andExpect(jsonPath("$.strategy.fractionFit").value(1.0))
        .andExpect(jsonPath("$.picked.length()").value(2))
        .andExpect(jsonPath("$.authentication").value("open"));
    model(get("/api/v1/model")).andExpect(status().isOk())
        .andExpect(jsonPath("$.round").value(0))
        .andExpect(jsonPath("$.layerSizes[1]").value(2))
        .andExpect(jsonPath("$.weights.length()").value(6))
        .andExpect(jsonPath("$.plan.epochs").value(1))
        .andExpect(jsonPath("$.plan.momentum").value(0.9));
    mvc.perform(get("/api/v1/rounds")).andExpect(status().isOk()).andExpect(jsonPath("$[0].round").value(1))
        .andExpect(jsonPath("$[0].state").value("OPEN"));
  }

  @Test
  void everyErrorIsAProblemDetail() throws Exception {
    problem(postJson("/api/v1/rounds/2/updates", update("a", "[1,1,1,1,1,1]")), 409, "round 2 is not open");
    problem(postJson("/api/v1/rounds/1/updates", update("zed", "[1,1,1,1,1,1]")), 404, "client zed is not registered");
    problem(postJson("/api/v1/rounds/1/updates", update("a", "[1,1,1]")), 400, "weights must hold 6 numbers");
    problem(postJson("/api/v1/rounds/1/updates", update("a", "[1,1,1,\"NaN\",1,1]")), 400, "is NaN");
    problem(postJson("/api/v1/rounds/1/updates", "{not json"), 400, "not valid JSON");
    problem(postJson("/api/v1/rounds/1/updates", "{\"clientId\":\"a\",\"numSamples\":\"many\"}"), 400, "not valid JSON");
    problem(mvc.perform(get("/api/v1/rounds/abc")), 400, "abc");
    problem(mvc.perform(get("/api/v1/rounds/7")), 404, "round 7 has not started");
    problem(postJson("/api/v1/rounds/1/evaluations", "{\"clientId\":\"a\",\"numSamples\":5,\"loss\":0.1,\"accuracy\":0.9}"),
        404, "round 1 has no global model yet");
    problem(postJson("/api/v1/clients", "{\"clientId\":\"c\",\"trainSamples\":100,\"testSamples\":30}"), 409,
        "already has its 2 clients");
    problem(model(get("/api/v1/model").param("wait", "-1")), 400, "wait must be 0 or more");
  }

  @Test
  void weightsTravelAsSafetensorsWhenAskedAndAsJsonOtherwise() throws Exception {
    byte[] binary = model(get("/api/v1/model").param("clientId", "a")
            .accept(MediaType.APPLICATION_OCTET_STREAM))
        .andExpect(status().isOk()).andExpect(content().contentType(MediaType.APPLICATION_OCTET_STREAM))
        .andReturn().getResponse().getContentAsByteArray();
    GlobalModel model = SafeTensors.globalModel(binary);
    assertThat(model).isEqualTo(runs.current().awaitModel(-1, java.time.Duration.ZERO, "a").join().withRun(1));
    model(get("/api/v1/model")).andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON));
    model(get("/api/v1/model").accept(MediaType.ALL))
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON));

    ClientUpdate update = new ClientUpdate("a", 10, new int[] {2, 2}, new float[] {1, 1, 1, 1, 1, 1}, 0.5, 0.8);
    mvc.perform(post("/api/v1/rounds/1/updates").contentType(MediaType.APPLICATION_OCTET_STREAM)
        .content(SafeTensors.encode(update))).andExpect(status().isAccepted())
        .andExpect(jsonPath("$.updatesReceived").value(1));
    assertThat(runs.current().round(1).participants()).containsExactly("a");

    byte[] wrongShape = SafeTensors.encode(new ClientUpdate("b", 10, new int[] {3, 2}, new float[8], 0.5, 0.8));
    problem(mvc.perform(post("/api/v1/rounds/1/updates").contentType(MediaType.APPLICATION_OCTET_STREAM)
        .content(wrongShape)), 400, "layer");
    problem(mvc.perform(post("/api/v1/rounds/1/updates").contentType(MediaType.APPLICATION_OCTET_STREAM)
        .content(new byte[] {1, 2, 3})), 400, "not a valid update in the safetensors layout: 3 bytes");
    problem(mvc.perform(post("/api/v1/rounds/1/updates").contentType(MediaType.APPLICATION_OCTET_STREAM)
        .content(SafeTensors.encode(model))), 400, "expected 'fedlearn.client-update'");
    problem(model(get("/api/v1/model").param("wait", "-1").accept(MediaType.APPLICATION_OCTET_STREAM)), 400,
        "wait must be 0 or more");
    assertThat(runs.current().status().updatesReceived()).as("nothing taken from the refused ones").isEqualTo(1);
  }

  @Test
  void acceptedUpdatesAnswer202AndDuplicatesConflict() throws Exception {
    postJson("/api/v1/rounds/1/updates", update("a", "[1,1,1,1,1,1]")).andExpect(status().isAccepted())
        .andExpect(jsonPath("$.updatesReceived").value(1));
    problem(postJson("/api/v1/rounds/1/updates", update("a", "[2,2,2,2,2,2]")), 409, "already sent its update");
    postJson("/api/v1/rounds/1/updates", update("b", "[3,3,3,3,3,3]")).andExpect(status().isAccepted())
        .andExpect(jsonPath("$.round").value(1));
    postJson("/api/v1/rounds/1/evaluations", "{\"clientId\":\"a\",\"numSamples\":5,\"loss\":0.1,\"accuracy\":0.9}")
        .andExpect(status().isAccepted());
    problem(postJson("/api/v1/rounds/1/evaluations",
        "{\"clientId\":\"a\",\"numSamples\":5,\"loss\":0.1,\"accuracy\":0.9}"), 409, "already scored");
    mvc.perform(get("/api/v1/rounds/1")).andExpect(jsonPath("$.state").value("COMPLETED"))
        .andExpect(jsonPath("$.participants.length()").value(2))
        .andExpect(jsonPath("$.globalTestAccuracy").value(2.0));
  }

  /** Every integer field of every request, each given a fraction, a string, a boolean and a number out of range. */
  @ParameterizedTest
  @ValueSource(strings = {"1.5", "\"5\"", "true", "1e3", "99999999999999999999"})
  void integerFieldsTakeOnlyIntegersInRange(String bad) throws Exception {
    String badInt = bad.equals("99999999999999999999") ? "9999999999" : bad; // beyond an int, not a long
    problem(postJson("/api/v1/clients", "{\"clientId\":\"a\",\"trainSamples\":" + badInt
        + ",\"testSamples\":30}"), 400, "").andExpect(jsonPath("$.detail").value(Matchers.not(
            Matchers.containsString("CoercionConfig"))));
    problem(postJson("/api/v1/clients", "{\"clientId\":\"a\",\"trainSamples\":100,\"testSamples\":" + badInt
        + "}"), 400, "");
    problem(postJson("/api/v1/rounds/1/updates", "{\"clientId\":\"a\",\"numSamples\":" + bad + "," + SHAPE
        + ",\"weights\":[1,1,1,1,1,1],\"trainLoss\":0.5,\"trainAccuracy\":0.8}"), 400, "");
    problem(postJson("/api/v1/rounds/1/updates", "{\"clientId\":\"a\",\"numSamples\":10,\"layerSizes\":[2,"
        + badInt + "],\"weights\":[1,1,1,1,1,1],\"trainLoss\":0.5,\"trainAccuracy\":0.8}"), 400, "");
    problem(postJson("/api/v1/rounds/1/evaluations", "{\"clientId\":\"a\",\"numSamples\":" + bad
        + ",\"loss\":0.1,\"accuracy\":0.9}"), 400, "");
    String param = bad.startsWith("\"") ? "five" : bad;
    problem(postJson("/api/v1/rounds/" + param + "/updates", update("a", "[1,1,1,1,1,1]")), 400, "");
    problem(postJson("/api/v1/rounds/" + param + "/evaluations",
        "{\"clientId\":\"a\",\"numSamples\":5,\"loss\":0.1,\"accuracy\":0.9}"), 400, "");
    problem(mvc.perform(get("/api/v1/rounds/" + param)), 400, "");
    problem(model(get("/api/v1/model").param("after", param)), 400, "");
    problem(model(get("/api/v1/model").param("wait", param)), 400, "");
    assertThat(runs.current().status().updatesReceived()).isZero(); // nothing was taken
  }

  @Test
  void missingFieldsAndNullsAreRefused() throws Exception {
    problem(postJson("/api/v1/clients", "{\"clientId\":\"c\",\"trainSamples\":100}"), 400, "testSamples");
    problem(postJson("/api/v1/rounds/1/updates", "{\"clientId\":\"a\",\"numSamples\":null," + SHAPE
        + ",\"weights\":[1,1,1,1,1,1],\"trainLoss\":0.5,\"trainAccuracy\":0.8}"), 400, "");
    problem(postJson("/api/v1/rounds/1/evaluations", "{\"clientId\":\"a\",\"loss\":0.1,\"accuracy\":0.9}"), 400,
        "numSamples");
    problem(postJson("/api/v1/rounds/1/updates", "{\"clientId\":\"a\",\"numSamples\":10," + SHAPE
        + ",\"weights\":[1,1,1,1,1,1],\"trainAccuracy\":0.8}"), 400, "trainLoss");
    assertThat(runs.current().status().updatesReceived()).isZero();
  }

  @Test
  void perEpochFiguresAreOptionalAndChecked() throws Exception {
    String update = "{\"clientId\":\"%s\",\"numSamples\":10," + SHAPE
        + ",\"weights\":[1,1,1,1,1,1],\"trainLoss\":0.5,\"trainAccuracy\":0.8%s}";
    problem(postJson("/api/v1/rounds/1/updates", update.formatted("a",
        ",\"epochs\":[{\"epoch\":2,\"loss\":0.5,\"accuracy\":0.8}]")), 400, "epochs[0] must be epoch 1");
    problem(postJson("/api/v1/rounds/1/updates", update.formatted("a",
        ",\"epochs\":[{\"epoch\":1,\"loss\":0.5,\"accuracy\":1.5}]")), 400, "accuracy in [0, 1]");
    problem(postJson("/api/v1/rounds/1/updates", update.formatted("a", ",\"epochs\":[{\"epoch\":1,\"loss\":0.5,"
        + "\"accuracy\":0.8},{\"epoch\":2,\"loss\":0.5,\"accuracy\":0.8}]")), 400, "the plan has 1");
    postJson("/api/v1/rounds/1/updates", update.formatted("a",
        ",\"epochs\":[{\"epoch\":1,\"loss\":0.5,\"accuracy\":0.8}]")).andExpect(status().isAccepted());
    postJson("/api/v1/rounds/1/updates", update.formatted("b", "")).andExpect(status().isAccepted());
    assertThat(runs.current().round(1).training()).extracting(t -> t.epochs().size()).containsExactly(1, 0);
  }
}
