package dev.fedlearn.client.data;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad shard at startup into a short "what is wrong / what to do" report instead of a stack trace. */
public class ShardFailureAnalyzer extends AbstractFailureAnalyzer<ShardUnreadableException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ShardUnreadableException cause) {
    return new FailureAnalysis(cause.getMessage(),
        "Set FL_CLIENT_SHARD (fl.client-shard) to the path of this client's shard: a CSV file (.csv or .csv.gz) "
            + "with the header label,p0,...,p783 and one MNIST image per row, e.g. data/shards/client-1.csv.gz.",
        cause);
  }
}
