package dev.fedlearn.client.data;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad shard at startup into a short "what is wrong / what to do" report instead of a stack trace. */
public class ShardFailureAnalyzer extends AbstractFailureAnalyzer<ShardUnreadableException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ShardUnreadableException cause) {
    return new FailureAnalysis(cause.getMessage(),
        "Set FL_CLIENT_SHARD (fl.client-shard) to the path of this client's shard, a CSV file (.csv or .csv.gz): "
            + "images with the header label,p0,...,p783 (e.g. data/shards/client-1.csv.gz), or a table with a header "
            + "row, its label column named by FL_LABEL_COLUMN (default label) and numbers in every other column.",
        cause);
  }
}
