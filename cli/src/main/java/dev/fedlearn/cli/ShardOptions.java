package dev.fedlearn.cli;

import dev.fedlearn.Defaults;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Partition;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** How client shards are drawn from the image training set, shared by {@code shards} and {@code simulate}. */
final class ShardOptions {
  static final List<String> NAMES = List.of("--sizes", "--clients", "--samples-per-client", "--partition",
      "--dirichlet");

  @Option(names = "--sizes", paramLabel = "N,N,...", split = ",", defaultValue = Defaults.CLIENT_SIZES,
      description = "Shard size of each client, drawn from the training set (default: ${DEFAULT-VALUE}).")
  int[] sizes;

  @Option(names = "--clients", paramLabel = "N",
      description = "Number of clients of --samples-per-client samples each, instead of --sizes.")
  Integer clients;

  @Option(names = "--samples-per-client", paramLabel = "S",
      description = "Shard size of each of the --clients clients (default: the training set shared out evenly).")
  Integer samplesPerClient;

  @Option(names = "--partition", paramLabel = "KIND",
      description = "How the shards are drawn: iid, dirichlet:ALPHA (each client's label mix ~ Dirichlet(ALPHA)) or "
          + "shards:K (sorted by label, cut into clients*K equal shards, K per client; McMahan et al.'s "
          + "pathological non-IID split) (default: iid).")
  String partitionText;

  @Option(names = "--dirichlet", paramLabel = "ALPHA", description = "The same as --partition dirichlet:ALPHA.")
  Double alpha;

  /** The partition asked for, checked against the other options. */
  Partition partition(ParseResult given) {
    if (alpha != null && partitionText != null) {
      throw new IllegalArgumentException("--dirichlet is --partition dirichlet:ALPHA: give one of them");
    }
    if (clients != null && given.hasMatchedOption("--sizes")) {
      throw new IllegalArgumentException("--clients and --sizes both say how many clients: give one of them");
    }
    if (samplesPerClient != null && clients == null) {
      throw new IllegalArgumentException("--samples-per-client needs --clients N");
    }
    if (clients != null && clients < 1) {
      throw new IllegalArgumentException("--clients must be at least 1, got " + clients);
    }
    try {
      return alpha != null ? new Partition(Partition.Kind.DIRICHLET, alpha, 0)
          : partitionText == null ? Partition.IID : Partition.parse(partitionText);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException((alpha != null ? "--dirichlet: " : "--partition: ") + e.getMessage(), e);
    }
  }

  /**
   * The clients' shard sizes: {@code --sizes}, or {@code --clients} of {@code --samples-per-client} (by default
   * {@code available} shared out evenly; with {@code everyRow}, the first ones a row more so that no row is left).
   */
  int[] sizes(int available, boolean everyRow) {
    int[] out = sizes;
    if (clients != null) {
      out = new int[clients];
      Arrays.fill(out, samplesPerClient != null ? samplesPerClient : available / clients);
      for (int c = 0; samplesPerClient == null && everyRow && c < available % clients; c++) {
        out[c]++;
      }
    }
    Sizes.check(out);
    return out;
  }

  /** The shards of {@code train}, as index arrays, drawn by {@code partition} from {@code seed}. */
  List<int[]> draw(Dataset train, Partition partition, long seed) {
    return draw(train, partition, seed, false);
  }

  /** The same, with {@code everyRow}: {@code --clients} alone shares out every row. */
  List<int[]> draw(Dataset train, Partition partition, long seed, boolean everyRow) {
    try {
      return partition.split(train, sizes(train.size(), everyRow), seed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--partition " + partition + ": " + e.getMessage(), e);
    }
  }
}
