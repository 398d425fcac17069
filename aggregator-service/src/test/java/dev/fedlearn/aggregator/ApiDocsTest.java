package dev.fedlearn.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document declares the bearer scheme (Swagger UI's Authorize button), says nothing as raw HTML, and
 * offers both forms of the weights.
 */
class ApiDocsTest {
  @TempDir
  Path state;

  @Test
  void theDocumentDeclaresBearerSecurity() throws Exception {
    try (TestApp app = new TestApp(state)) {
      JsonNode doc = JsonMapper.builder().build().readTree(app.get("/v3/api-docs").body());
      assertThat(doc.at("/components/securitySchemes/bearer/type").asString()).isEqualTo("http");
      assertThat(doc.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
      assertThat(doc.at("/security/0/bearer").isArray()).isTrue();
      assertThat(doc.at("/info/title").asString()).isEqualTo("fedlearn aggregator");
      assertThat(doc.at("/info/description").asString()).contains("Authorization: Bearer").doesNotContain("<");
      // Weights in JSON or in the safetensors layout, both documented.
      assertThat(doc.at("/paths/~1api~1v1~1model/get/responses/200/content").propertyNames())
          .contains("application/json", "application/octet-stream");
      assertThat(doc.at("/paths/~1api~1v1~1rounds~1{round}~1updates/post/requestBody/content").propertyNames())
          .contains("application/json", "application/octet-stream");
      // The event stream is part of the documented API, its events described by the RunEvent schema.
      assertThat(doc.at("/paths/~1api~1v1~1events/get/responses/200/content").propertyNames())
          .containsExactly("text/event-stream");
      assertThat(doc.at("/components/schemas/RunEvent/properties").propertyNames())
          .contains("at", "type", "round", "clientId", "detail", "figures");
      assertThat(doc.at("/components/schemas/RoundView/properties").propertyNames()).contains("deadline");
      assertThat(doc.at("/components/schemas/ClientTraining/properties").propertyNames()).contains("epochs");
      // Every kept run, each described by its definition.
      assertThat(doc.at("/paths/~1api~1v1~1runs~1{id}~1model/get/responses/200/content").propertyNames())
          .contains("application/json", "application/octet-stream");
      assertThat(doc.at("/components/schemas/RunSummary/properties").propertyNames())
          .contains("id", "state", "current", "definition", "roundsDone", "latestAccuracy", "bestAccuracy");
      assertThat(doc.at("/components/schemas/Training/properties").propertyNames()).as("a run's training settings")
          .contains("localEpochs", "learningRates");
    }
  }
}
