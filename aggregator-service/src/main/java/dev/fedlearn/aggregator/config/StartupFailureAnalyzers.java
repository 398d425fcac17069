package dev.fedlearn.aggregator.config;

import dev.fedlearn.engine.data.DataException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Short "what is wrong / what to do" reports instead of stack traces for the aggregator's startup failures (the client
 * tokens' own is {@code security.TokenFailureAnalyzer}).
 */
public final class StartupFailureAnalyzers {
  private StartupFailureAnalyzers() {}

  /** The held-out test set cannot be read. */
  public static class TestSet extends AbstractFailureAnalyzer<DataException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DataException cause) {
      return new FailureAnalysis("The held-out test set cannot be used: " + cause.getMessage(),
          "Set FL_DATA_DIR (fl.data-dir) to the folder that holds mnist/t10k-images-idx3-ubyte.gz and "
              + "mnist/t10k-labels-idx1-ubyte.gz (fashion-mnist/t10k-* with FL_DATASET=fashion-mnist), e.g. the "
              + "repository's data folder.", cause);
    }
  }

  /** {@code FL_SCHEMA_FILE} is missing or not a table's schema. */
  public static final class BadSchemaFile extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadSchemaFile(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The table's schema cannot be read. */
  public static class Schema extends AbstractFailureAnalyzer<BadSchemaFile> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BadSchemaFile cause) {
      return new FailureAnalysis("The table's schema cannot be used: " + cause.getMessage(),
          "Set FL_SCHEMA_FILE (fl.schema-file) to the schema.json that fl shards --csv writes beside the shards, or "
              + "leave it unset for a run on images.", cause);
    }
  }
}
