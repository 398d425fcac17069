package dev.fedlearn.aggregator.security;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.fedlearn.aggregator.api.WorkbookBuilds;
import dev.fedlearn.aggregator.metrics.WorkbookWriter;
import java.io.InputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import dev.fedlearn.aggregator.config.TinyRunConfig;
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
 * Who may call what (Spring Security, {@link SecurityConfiguration}) and the limits at the door, with tokens
 * configured, through MockMvc; {@code HostileRequestsTest} attacks the same rules over real HTTP.
 */
@WebMvcTest(properties = {"fl.client-tokens=a:secret-a, b:secret-b", "fl.read-token=reader",
    "fl.max-request-bytes=2000"})
@Import({TinyRunConfig.class, ClientTokens.class, WorkbookWriter.class, WorkbookBuilds.class,
    SecurityConfiguration.class,
    ClientIdentity.class, Refusals.class, dev.fedlearn.aggregator.api.TestBeans.class})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class AccessRulesTest {
  @Autowired
  MockMvc mvc;

  static final String REGISTER_A = "{\"clientId\":\"a\",\"trainSamples\":100,\"testSamples\":30}";

  private ResultActions send(MockHttpServletRequestBuilder r) throws Exception {
    return mvc.perform(r);
  }

  private static MockHttpServletRequestBuilder postJson(String path, String body, String token) {
    MockHttpServletRequestBuilder b = post(path).contentType(MediaType.APPLICATION_JSON).content(body);
    return token == null ? b : b.header("Authorization", "Bearer " + token);
  }

  private static void problem(ResultActions r, int status, String detail) throws Exception {
    r.andExpect(status().is(status))
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.status").value(status))
        .andExpect(jsonPath("$.detail").value(Matchers.containsString(detail)));
  }

  @Test
  void clientCallsNeedTheClientsOwnToken() throws Exception {
    problem(send(postJson("/api/v1/clients", REGISTER_A, null)), 401, "needs the client's token");
    problem(send(postJson("/api/v1/clients", REGISTER_A, "wrong")), 401, "not any client's");
    send(postJson("/api/v1/clients", REGISTER_A, "wrong")).andExpect(header().string("WWW-Authenticate",
        Matchers.startsWith("Bearer")));
    problem(send(postJson("/api/v1/clients", REGISTER_A, "secret-b")), 403, "belongs to client b");
    send(postJson("/api/v1/clients", REGISTER_A, "secret-a")).andExpect(status().isOk())
        .andExpect(jsonPath("$.authentication").value("tokens"));
    problem(send(get("/api/v1/model")), 401, "token");
    problem(send(get("/api/v1/model").param("clientId", "a").header("Authorization", "Bearer secret-b")), 403,
        "belongs to client b");
    send(get("/api/v1/model").header("Authorization", "Bearer secret-a")).andExpect(status().isOk());
  }

  /** With tokens and no admin token, nobody submits or stops a run: not a reader, not a client. */
  @Test
  void withoutAnAdminTokenNoRunIsTakenOverTheApi() throws Exception {
    problem(send(postJson("/api/v1/runs", "{}", null)), 401, "takes no runs over the API");
    problem(send(postJson("/api/v1/runs", "{}", "reader")), 403, "set FL_ADMIN_TOKEN");
    problem(send(postJson("/api/v1/runs", "{}", "secret-a")), 403, "set FL_ADMIN_TOKEN");
    problem(send(postJson("/api/v1/runs/1/stop", "{}", "reader")), 403, "set FL_ADMIN_TOKEN");
    send(get("/api/v1/runs").header("Authorization", "Bearer reader")).andExpect(status().isOk())
        .andExpect(jsonPath("$.length()").value(1));
  }

  @Test
  void aClientCannotSendAnUpdateOrAScoreInAnotherClientsName() throws Exception {
    send(postJson("/api/v1/clients", REGISTER_A, "secret-a")).andExpect(status().isOk());
    String update = "{\"clientId\":\"a\",\"numSamples\":1,\"layerSizes\":[2,2],\"weights\":[1,1,1,1,1,1],"
        + "\"trainLoss\":0.5,\"trainAccuracy\":0.5}";
    problem(send(postJson("/api/v1/rounds/1/updates", update, "secret-b")), 403, "belongs to client b");
    String score = "{\"clientId\":\"a\",\"numSamples\":5,\"loss\":0.1,\"accuracy\":0.9}";
    problem(send(postJson("/api/v1/rounds/1/evaluations", score, "secret-b")), 403, "belongs to client b");
    String personal = "{\"clientId\":\"a\",\"epochs\":1,\"numSamples\":5,\"globalAccuracy\":0.8,\"loss\":0.1,"
        + "\"accuracy\":0.9}";
    problem(send(postJson("/api/v1/rounds/1/personalized", personal, "secret-b")), 403, "belongs to client b");
    problem(send(postJson("/api/v1/rounds/1/personalized", personal, null)), 401, "needs the client's token");
    problem(send(postJson("/api/v1/rounds/1/personalized", personal, "secret-a")), 409, "once the run has completed");
    problem(send(postJson("/api/v1/rounds/1/personalized", personal.replace("}", ",\"run\":99}"), "secret-a")), 409,
        "this report is for run 99");
    problem(send(get("/api/v1/personalized")), 401, "read token");
    send(get("/api/v1/personalized").header("Authorization", "Bearer reader")).andExpect(status().isOk())
        .andExpect(jsonPath("$.length()").value(0));
  }

  /**
   * Cross-site evaluation: asking for it is an admin call (none here: nobody may), the matrix a read, and the local
   * models go up and down between the run's clients only, each acting as itself; a reader never gets them.
   */
  @Test
  void crossSiteEvaluationsRoutes() throws Exception {
    problem(send(post("/api/v1/cross-site").content("")), 401, "takes no runs over the API");
    problem(send(post("/api/v1/cross-site").content("").header("Authorization", "Bearer reader")), 403,
        "set FL_ADMIN_TOKEN");
    problem(send(post("/api/v1/cross-site").content("").header("Authorization", "Bearer secret-a")), 403,
        "set FL_ADMIN_TOKEN");
    problem(send(get("/api/v1/cross-site")), 401, "read token");
    send(get("/api/v1/cross-site").header("Authorization", "Bearer reader")).andExpect(status().isOk())
        .andExpect(jsonPath("$.state").value("NONE"));
    send(get("/api/v1/cross-site").header("Authorization", "Bearer secret-b")).andExpect(status().isOk());

    send(postJson("/api/v1/clients", REGISTER_A, "secret-a")).andExpect(status().isOk());
    String model = "{\"clientId\":\"a\",\"numSamples\":1,\"layerSizes\":[2,2],\"weights\":[1,1,1,1,1,1],"
        + "\"trainLoss\":0.5,\"trainAccuracy\":0.5}";
    problem(send(postJson("/api/v1/cross-site/models", model, null)), 401, "needs the client's token");
    problem(send(postJson("/api/v1/cross-site/models", model, "reader")), 403, "may not POST");
    problem(send(postJson("/api/v1/cross-site/models", model, "secret-b")), 403, "belongs to client b");
    problem(send(postJson("/api/v1/cross-site/models", model, "secret-a")), 409, "no cross-site evaluation");
    problem(send(get("/api/v1/cross-site/models").param("clientId", "a")), 401, "needs the client's token");
    problem(send(get("/api/v1/cross-site/models").header("Authorization", "Bearer reader")), 403, "may not GET");
    problem(send(get("/api/v1/cross-site/models").param("clientId", "a").header("Authorization", "Bearer secret-b")),
        403, "belongs to client b");
    problem(send(get("/api/v1/cross-site/models").header("Authorization", "Bearer secret-a")), 409,
        "no cross-site evaluation");
    String row = "{\"clientId\":\"a\",\"numSamples\":5,\"accuracy\":[0.8]}";
    problem(send(postJson("/api/v1/cross-site/scores", row, null)), 401, "needs the client's token");
    problem(send(postJson("/api/v1/cross-site/scores", row, "secret-b")), 403, "belongs to client b");
    problem(send(postJson("/api/v1/cross-site/scores", row, "secret-a")), 409, "no cross-site evaluation");
  }

  /** A browser's reads may carry the token in the query (RFC 6750); a client's calls may not. */
  @Test
  void theQueryTokenIsTakenForReadsOnly() throws Exception {
    send(get("/api/v1/status").param("access_token", "reader")).andExpect(status().isOk());
    problem(send(get("/api/v1/status").param("access_token", "wrong")), 401, "read token");
    problem(send(get("/api/v1/model").param("access_token", "secret-a")), 401, "needs the client's token");
    problem(send(postJson("/api/v1/clients?access_token=secret-a", REGISTER_A, null)), 401,
        "needs the client's token");
    problem(send(get("/")), 401, "open /?access_token=<FL_READ_TOKEN>");
  }

  @Test
  void readsNeedTheReadTokenOrAClientsToken() throws Exception {
    problem(send(get("/api/v1/status")), 401, "read token");
    problem(send(get("/api/v1/rounds").header("Authorization", "Bearer nope")), 401, "read token");
    send(get("/api/v1/status").header("Authorization", "Bearer reader")).andExpect(status().isOk());
    send(get("/api/v1/rounds").header("Authorization", "Bearer secret-b")).andExpect(status().isOk());
  }

  @Test
  void bodiesMustSayTheirLengthAndStayUnderTheLimit() throws Exception {
    String big = "{\"clientId\":\"a\",\"pad\":\"" + "x".repeat(3000) + "\"}";
    problem(send(postJson("/api/v1/clients", big, "secret-a")), 413, "more than the 2000 allowed");
    problem(send(post("/api/v1/clients").contentType(MediaType.APPLICATION_JSON).header("Authorization",
        "Bearer secret-a")), 411, "Content-Length");
  }

  /** A verified client certificate (as the servlet container hands it on) names its client in place of a token. */
  @Test
  void aClientCertificateStandsInForTheToken() throws Exception {
    X509Certificate[] a = certificate("client-a.crt");
    send(postJson("/api/v1/clients", REGISTER_A, null).requestAttr(X509, a)).andExpect(status().isOk());
    send(get("/api/v1/status").requestAttr(X509, a)).andExpect(status().isOk());
    String registerB = "{\"clientId\":\"b\",\"trainSamples\":100,\"testSamples\":30}";
    problem(send(postJson("/api/v1/clients", registerB, null).requestAttr(X509, a)), 403, "belongs to client a");
    problem(send(postJson("/api/v1/clients", REGISTER_A, "secret-b").requestAttr(X509, a)), 401,
        "the bearer token is b's, the client certificate names a");
    send(postJson("/api/v1/clients", REGISTER_A, "secret-a").requestAttr(X509, a)).andExpect(status().isOk());
  }

  static final String X509 = "jakarta.servlet.request.X509Certificate";

  static X509Certificate[] certificate(String name) throws Exception {
    try (InputStream in = AccessRulesTest.class.getResourceAsStream("/tls/" + name)) {
      return new X509Certificate[] {(X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)};
    }
  }
}
