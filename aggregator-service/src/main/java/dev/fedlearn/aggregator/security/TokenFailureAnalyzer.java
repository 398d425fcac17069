package dev.fedlearn.aggregator.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A short "what is wrong / what to do" report instead of a stack trace when the client tokens are malformed or their
 * file cannot be used (beside the other startup reports, {@code config.StartupFailureAnalyzers}).
 */
public class TokenFailureAnalyzer extends AbstractFailureAnalyzer<TokenConfigurationException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, TokenConfigurationException cause) {
    return new FailureAnalysis("The client tokens cannot be used: " + cause.getMessage(),
        "Give each client one entry client-id:secret, in FL_CLIENT_TOKENS (comma-separated) or in the file "
            + "FL_CLIENT_TOKENS_FILE (one per line; when set it wins and FL_CLIENT_TOKENS is ignored). "
            + "scripts/make-tokens.sh writes both forms.", cause);
  }
}
