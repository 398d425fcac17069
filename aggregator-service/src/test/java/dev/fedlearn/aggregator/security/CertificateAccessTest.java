package dev.fedlearn.aggregator.security;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.fedlearn.aggregator.api.WorkbookBuilds;
import dev.fedlearn.aggregator.metrics.WorkbookWriter;
import dev.fedlearn.aggregator.config.TinyRunConfig;
import java.security.cert.X509Certificate;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;

/**
 * {@code FL_TLS_CLIENT_AUTH=want} with no tokens: a client's calls need its certificate, reads need nothing (the
 * dashboard in a browser without a certificate). The files only need to be readable here: no server is started.
 */
@WebMvcTest(properties = {"fl.tls.cert=src/test/resources/tls/client-a.crt",
    "fl.tls.key=src/test/resources/tls/client-a.crt", "fl.tls.ca=src/test/resources/tls/client-a.crt",
    "fl.tls.client-auth=want"})
@Import({TinyRunConfig.class, ClientTokens.class, WorkbookWriter.class, WorkbookBuilds.class,
    SecurityConfiguration.class,
    ClientIdentity.class, Refusals.class, dev.fedlearn.aggregator.api.TestBeans.class})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class CertificateAccessTest {
  @Autowired
  MockMvc mvc;

  @Test
  void aClientsCallsNeedItsCertificateAndReadsDoNot() throws Exception {
    X509Certificate[] a = AccessRulesTest.certificate("client-a.crt");
    mvc.perform(post("/api/v1/clients").contentType(MediaType.APPLICATION_JSON).content(AccessRulesTest.REGISTER_A))
        .andExpect(status().isUnauthorized())
        .andExpect(jsonPath("$.detail").value(Matchers.containsString("or its certificate")));
    mvc.perform(post("/api/v1/clients").contentType(MediaType.APPLICATION_JSON).content(AccessRulesTest.REGISTER_A)
        .requestAttr(AccessRulesTest.X509, a)).andExpect(status().isOk())
        .andExpect(jsonPath("$.authentication").value("certificates"));
    mvc.perform(get("/api/v1/model").param("clientId", "a")).andExpect(status().isUnauthorized());
    mvc.perform(get("/api/v1/status")).andExpect(status().isOk());
  }
}
