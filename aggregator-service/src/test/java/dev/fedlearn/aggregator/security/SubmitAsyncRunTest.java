package dev.fedlearn.aggregator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.fedlearn.aggregator.api.TestBeans;
import dev.fedlearn.aggregator.api.WorkbookBuilds;
import dev.fedlearn.aggregator.config.TinyRunConfig;
import dev.fedlearn.aggregator.metrics.WorkbookWriter;
import dev.fedlearn.federation.RunDefinition;
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
 * Runs submitted to an asynchronous aggregator ({@code FL_MODE=async}): they keep its mode; another number of clients
 * takes the default buffer for that number unless the run gives {@code bufferSize}, which must fit its clients.
 */
@WebMvcTest(properties = {"fl.admin-token=boss", "fl.mode=async", "fl.clients=2"})
@Import({TinyRunConfig.class, ClientTokens.class, WorkbookWriter.class, WorkbookBuilds.class,
    SecurityConfiguration.class, ClientIdentity.class, Refusals.class, TestBeans.class})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class SubmitAsyncRunTest {
  @Autowired
  MockMvc mvc;

  @Autowired
  Runs runs;

  private ResultActions submit(String body) throws Exception {
    return mvc.perform(post("/api/v1/runs").contentType(MediaType.APPLICATION_JSON).content(body)
        .header("Authorization", "Bearer boss"));
  }

  @Test
  void aSubmittedRunKeepsTheModeWithABufferThatFitsItsClients() throws Exception {
    assertThat(runs.environment().asynchrony()).isEqualTo(new RunDefinition.Asynchrony(2, 10, 1.0));
    submit("{\"clients\": 10}").andExpect(status().isCreated())
        .andExpect(jsonPath("$.definition.asynchrony.bufferSize").value(5));
    submit("{\"clients\": 3, \"bufferSize\": 3}").andExpect(status().isCreated())
        .andExpect(jsonPath("$.definition.asynchrony.bufferSize").value(3));
    submit("{}").andExpect(status().isCreated()).andExpect(jsonPath("$.definition.asynchrony.bufferSize").value(2));
    submit("{\"bufferSize\": 5}").andExpect(status().isBadRequest()).andExpect(jsonPath(
        "$.errors[?(@.field == 'run')].message").value(Matchers.hasItem(Matchers.containsString(
            "between 1 and the run's 2 clients, got 5"))));
    submit("{\"strategy\": {\"name\": \"krum\"}}").andExpect(status().isBadRequest()).andExpect(jsonPath(
        "$.errors[?(@.field == 'run')].message").value(Matchers.hasItem(Matchers.containsString(
            "stale changes from older versions are not comparable"))));
  }
}
