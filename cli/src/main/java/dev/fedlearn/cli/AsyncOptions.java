package dev.fedlearn.cli;

import dev.fedlearn.Defaults;
import dev.fedlearn.federation.RunDefinition;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * {@code fl simulate}'s asynchronous mode (FedBuff) and the sites' simulated speeds, which give each round, or each
 * change, its simulated time.
 */
final class AsyncOptions {
  /** How the clients' updates are aggregated. */
  enum Mode {
    sync, async
  }

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "sync",
      description = "sync: rounds, each waiting for its picked clients; async: buffered asynchronous aggregation "
          + "(FedBuff, Nguyen et al. 2022): clients never wait for a round, every --buffer-size changes make the next "
          + "version, and --rounds counts versions (default: ${DEFAULT-VALUE}).")
  Mode mode;

  @Option(names = "--buffer-size", paramLabel = "K",
      description = "With --mode async: changes per version, 1 to the clients (default: half the clients, rounded "
          + "up, at least 2).")
  Integer bufferSize;

  @Option(names = "--max-staleness", paramLabel = "S", defaultValue = Defaults.MAX_STALENESS,
      description = "With --mode async: a change trained on a version more than S versions behind the newest is "
          + "dropped (default: ${DEFAULT-VALUE}).")
  int maxStaleness;

  @Option(names = "--server-learning-rate", paramLabel = "ETA", defaultValue = Defaults.SERVER_LEARNING_RATE,
      description = "With --mode async: each version is x + ETA * sum(n * change / sqrt(1 + staleness)) / sum(n) "
          + "(default: ${DEFAULT-VALUE}).")
  double serverLearningRate;

  @Option(names = "--client-speeds", paramLabel = "S1,S2,...", split = ",",
      description = "Each client's simulated milliseconds per sample and epoch, one per client in order, e.g. "
          + "1,1,1,5 for a fourth client five times slower; the simulated time to the target is in the JSON line "
          + "(default: 1 each).")
  List<Double> clientSpeeds;

  /** The asynchrony of a run of {@code clients} (null: synchronous); refuses async options without --mode async. */
  RunDefinition.Asynchrony asynchrony(int clients, ParseResult given) {
    if (mode == Mode.sync) {
      for (String name : List.of("--buffer-size", "--max-staleness", "--server-learning-rate")) {
        if (given.hasMatchedOption(name)) {
          throw new IllegalArgumentException(name + " needs --mode async");
        }
      }
      return null;
    }
    try {
      return new RunDefinition.Asynchrony(bufferSize == null ? RunDefinition.Asynchrony.defaultBufferSize(clients)
          : bufferSize, maxStaleness, serverLearningRate);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--mode async: " + e.getMessage(), e);
    }
  }

  /** The clients' speeds, checked against their number; null when not given. */
  List<Double> speeds(int clients) {
    if (clientSpeeds != null && clientSpeeds.size() != clients) {
      throw new IllegalArgumentException("--client-speeds gives " + clientSpeeds.size() + " speeds for " + clients
          + " clients: give one each");
    }
    return clientSpeeds;
  }
}
