package dev.fedlearn.aggregator.config;

import dev.fedlearn.aggregator.security.TokenConfigurationException;
import dev.fedlearn.engine.data.DataException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Short "what is wrong / what to do" reports instead of stack traces for the aggregator's startup failures. */
public final class StartupFailureAnalyzers {
  private StartupFailureAnalyzers() {}

  /** The held-out test set cannot be read. */
  public static class TestSet extends AbstractFailureAnalyzer<DataException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DataException cause) {
      return new FailureAnalysis("The held-out MNIST test set cannot be used: " + cause.getMessage(),
          "Set FL_DATA_DIR (fl.data-dir) to the folder that holds mnist/t10k-images-idx3-ubyte.gz and "
              + "mnist/t10k-labels-idx1-ubyte.gz, e.g. the repository's data folder.", cause);
    }
  }

  /** The client tokens are malformed or their file cannot be used. */
  public static class Tokens extends AbstractFailureAnalyzer<TokenConfigurationException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, TokenConfigurationException cause) {
      return new FailureAnalysis("The client tokens cannot be used: " + cause.getMessage(),
          "Give each client one entry client-id:secret, in FL_CLIENT_TOKENS (comma-separated) or in the file "
              + "FL_CLIENT_TOKENS_FILE (one per line; when set it wins and FL_CLIENT_TOKENS is ignored). "
              + "scripts/make-tokens.sh writes both forms.", cause);
    }
  }
}
