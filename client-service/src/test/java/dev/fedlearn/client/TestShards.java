package dev.fedlearn.client;

import dev.fedlearn.engine.data.CsvData;
import dev.fedlearn.engine.data.Dataset;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/** Tiny shards of random images for tests, and client settings around them. */
public final class TestShards {
  private TestShards() {}

  /** Writes {@code rows} random MNIST-shaped samples as a shard CSV ({@code label,p0,...,p783}). */
  public static Path write(Path file, int rows, long seed) throws IOException {
    Random random = new Random(seed);
    byte[] pixels = new byte[rows * Dataset.MNIST_PIXELS];
    random.nextBytes(pixels);
    byte[] labels = new byte[rows];
    for (int i = 0; i < rows; i++) {
      labels[i] = (byte) random.nextInt(Dataset.MNIST_CLASSES);
    }
    CsvData.write(file, new Dataset(pixels, labels, Dataset.MNIST_PIXELS, Dataset.MNIST_CLASSES));
    return file;
  }

  /** Settings with the defaults, except a short back-off (500 ms doubling up to 2 s). */
  public static ClientProperties properties(String clientId, Path shard, String aggregatorUrl) {
    return properties(clientId, shard, aggregatorUrl, false, 0, 0);
  }

  /**
   * The same with floors: {@code FL_REQUIRE_SECURE_AGGREGATION}, {@code FL_MIN_SECAGG_THRESHOLD} and
   * {@code FL_MIN_DP_NOISE}.
   */
  public static ClientProperties properties(String clientId, Path shard, String aggregatorUrl,
      boolean requireSecureAggregation, int minSecaggThreshold, double minDpNoise) {
    return new ClientProperties(clientId, shard.toString(), aggregatorUrl, null, 0.7, 1, 30, Duration.ofSeconds(5),
        new ClientProperties.Retry(Duration.ofMillis(500), Duration.ofSeconds(2)), true, null, null,
        WireFormat.BINARY, ClientProperties.Tls.NONE, requireSecureAggregation,
        minSecaggThreshold, minDpNoise, "label", ClientProperties.Personalize.NONE, 1.0);
  }
}
