package dev.fedlearn.client.aggregator;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an unusable token file at startup into a short "what is wrong / what to do" report. */
public class ClientTokenFailureAnalyzer extends AbstractFailureAnalyzer<ClientTokenException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ClientTokenException cause) {
    return new FailureAnalysis(cause.getMessage(),
        "Write this client's token (one line) to the file FL_CLIENT_TOKEN_FILE names, or unset FL_CLIENT_TOKEN_FILE "
            + "to use FL_CLIENT_TOKEN (when both are set the file wins). scripts/make-tokens.sh writes both forms.",
        cause);
  }
}
