package dev.fedlearn.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The OpenAPI document declares the bearer scheme (Swagger UI's Authorize button) and says nothing as raw HTML. */
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
      assertThat(doc.at("/info/description").asString()).contains("Authorization: Bearer").doesNotContain("<");
    }
  }
}
