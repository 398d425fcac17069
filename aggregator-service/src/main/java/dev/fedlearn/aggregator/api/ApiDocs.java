package dev.fedlearn.aggregator.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's header ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}) and its bearer
 * security scheme, so that Swagger UI offers an Authorize button for a client's or the read token.
 */
@Configuration
class ApiDocs {
  static final String BEARER = "bearer";

  @Bean
  OpenAPI fedlearnApi() {
    return new OpenAPI().info(new Info()
        .title("fedlearn aggregator")
        .version("v1")
        .description("Coordinates a federated run: clients register, long-poll the global model, post their "
            + "trained weights and their scores. Models and figures only: no endpoint accepts samples. Errors are "
            + "RFC 9457 problem details. With client tokens configured (FL_CLIENT_TOKENS), client calls need the "
            + "client's token as `Authorization: Bearer TOKEN`; with FL_READ_TOKEN set, reads need the read token "
            + "or a client's token.")
        .license(new License().name("MNIST data: CC BY-SA 3.0")))
        .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
            .type(SecurityScheme.Type.HTTP).scheme("bearer")
            .description("A client's token (FL_CLIENT_TOKENS) or the read token (FL_READ_TOKEN); not needed when "
                + "the aggregator runs open")))
        .addSecurityItem(new SecurityRequirement().addList(BEARER));
  }
}
