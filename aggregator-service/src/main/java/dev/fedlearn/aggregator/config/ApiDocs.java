package dev.fedlearn.aggregator.config;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document's header ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}). */
@Configuration
class ApiDocs {
  @Bean
  OpenAPI fedlearnApi() {
    return new OpenAPI().info(new Info()
        .title("fedlearn aggregator")
        .version("v1")
        .description("Coordinates a federated run: clients register, long-poll the global model, post their "
            + "trained weights and their scores. Models and figures only: no endpoint accepts samples. Errors are "
            + "RFC 9457 problem details. With client tokens configured, client calls need "
            + "'Authorization: Bearer <token>'.")
        .license(new License().name("MNIST data: CC BY-SA 3.0")));
  }
}
