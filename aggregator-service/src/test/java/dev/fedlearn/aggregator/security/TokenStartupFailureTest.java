package dev.fedlearn.aggregator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import dev.fedlearn.aggregator.tls.TlsProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** A bad token configuration stops the application with a short report (the failure analyzer), not a stack trace. */
@ExtendWith(OutputCaptureExtension.class)
class TokenStartupFailureTest {
  /** The tokens and a web server on a free port. */
  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties({AggregatorProperties.class, TlsProperties.class})
  @Import(ClientTokens.class)
  static class GuardedServer {
    @Bean
    TomcatServletWebServerFactory webServerFactory() {
      return new TomcatServletWebServerFactory(0);
    }
  }

  @Test
  void aClientListedTwiceIsReportedWithoutAStackTrace(CapturedOutput output) {
    assertThatThrownBy(() -> new SpringApplicationBuilder(GuardedServer.class)
        .web(WebApplicationType.SERVLET)
        .properties("fl.client-tokens=client-1:one,client-1:secret-value")
        .run()).hasRootCauseInstanceOf(TokenConfigurationException.class);
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("The client tokens cannot be used: FL_CLIENT_TOKENS: client client-1 has two tokens")
        .contains("FL_CLIENT_TOKENS_FILE (one per line; when set it wins and FL_CLIENT_TOKENS is ignored)")
        .doesNotContain("\tat ")
        .doesNotContain("Error starting Tomcat context")
        .doesNotContain("secret-value");
  }
}
