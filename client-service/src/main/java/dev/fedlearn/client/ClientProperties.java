package dev.fedlearn.client;

import dev.fedlearn.Defaults;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The client's settings, {@code fl.*} (environment: {@code FL_CLIENT_ID}, {@code FL_CLIENT_SHARD},
 * {@code FL_AGGREGATOR_URL}, ...).
 *
 * @param clientId this site's id, required
 * @param clientShard path of this site's CSV shard ({@code .csv} or {@code .csv.gz}), the only data it reads
 * @param aggregatorUrl the aggregator's base URL (without {@code /api/v1})
 * @param splitSeed seed of the local train/test split ({@code FL_SPLIT_SEED}); unset, the run's seed from the
 *     aggregator's training plan (so the services split as {@code fl simulate} does with the same seed)
 * @param trainFraction share of the shard used for local training, the rest is the local test split
 * @param threads threads used to score global models on the local test split
 * @param pollWaitSeconds how long the aggregator may hold a model long-poll (at most 60)
 * @param connectTimeout connect timeout of calls to the aggregator (the read timeout is the poll wait plus 30 s)
 * @param retry back-off while the aggregator is unreachable or failing
 * @param autoStart whether the worker starts when the application is ready
 * @param clientToken this site's secret ({@code FL_CLIENT_TOKEN}), sent as a bearer token on every call; empty when
 *     the aggregator runs open; ignored when {@code clientTokenFile} is set
 * @param clientTokenFile a file holding the secret instead ({@code FL_CLIENT_TOKEN_FILE}, e.g. a Docker secret); it
 *     wins over {@code clientToken} and is read again before every call (see
 *     {@link dev.fedlearn.client.aggregator.ClientToken})
 * @param wireFormat how weights travel ({@code FL_WIRE_FORMAT}): {@code binary} (safetensors) or {@code json}
 * @param tls HTTPS to the aggregator ({@code FL_TLS_CA}, {@code FL_TLS_CERT}, {@code FL_TLS_KEY})
 * @param requireSecureAggregation whether this client refuses a run without secure aggregation
 *     ({@code FL_REQUIRE_SECURE_AGGREGATION}, default false)
 * @param minSecaggThreshold the lowest Shamir threshold of a secure aggregation session this client takes part in
 *     ({@code FL_MIN_SECAGG_THRESHOLD}, default 0: none); it applies to secure aggregation sessions only, so set
 *     {@code FL_REQUIRE_SECURE_AGGREGATION} too to refuse plain runs
 * @param labelColumn the label column of a table shard ({@code FL_LABEL_COLUMN}); a shard whose header is
 *     {@code label,p0,...,p783} holds MNIST images
 * @param minDpNoise the lowest differential privacy noise multiplier this client takes part with
 *     ({@code FL_MIN_DP_NOISE}, default 0: none); above 0, the client refuses a run without differential privacy and
 *     a run without secure aggregation (there the aggregator adds the noise, which the client cannot check); see
 *     {@link dev.fedlearn.client.worker.PlanFloors}
 * @param personalize fine-tuning of the final global model on this site's data ({@code FL_PERSONALIZE_EPOCHS})
 * @param clientSlowdown how many times longer this client's training takes than it needs ({@code FL_CLIENT_SLOWDOWN},
 *     default 1): it waits the difference after training, to show a slow site in a demonstration or a test
 */
@Validated
@ConfigurationProperties(prefix = "fl")
public record ClientProperties(
    @NotBlank(message = "is required: set FL_CLIENT_ID (fl.client-id), e.g. client-1") String clientId,
    @NotBlank(message = "is required: set FL_CLIENT_SHARD (fl.client-shard) to the path of this client's CSV shard")
    String clientShard,
    @DefaultValue("http://localhost:8080") @NotBlank
    @Pattern(regexp = "\\s*https?://[^\\s/?#]+(/\\S*)?\\s*",
        message = "must be an http(s) URL such as http://aggregator:8080: set FL_AGGREGATOR_URL")
    String aggregatorUrl,
    Long splitSeed,
    @DefaultValue(Defaults.TRAIN_FRACTION) @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false)
    double trainFraction,
    @DefaultValue("1") @Min(1) int threads,
    @DefaultValue("30") @Min(0) @Max(60) int pollWaitSeconds,
    @DefaultValue("5s") @NotNull Duration connectTimeout,
    @DefaultValue @Valid @NotNull Retry retry,
    @DefaultValue("true") boolean autoStart,
    String clientToken,
    Path clientTokenFile,
    @DefaultValue("binary") @NotNull WireFormat wireFormat,
    @DefaultValue @NotNull Tls tls,
    @DefaultValue("false") boolean requireSecureAggregation,
    @DefaultValue("0") @Min(value = 0, message = "must be 0 (no floor) or more: set FL_MIN_SECAGG_THRESHOLD "
        + "(fl.min-secagg-threshold) to the lowest secure aggregation threshold this client accepts")
    int minSecaggThreshold,
    @DefaultValue("0") @DecimalMin(value = "0", message = "must be 0 (no floor) or more: set FL_MIN_DP_NOISE "
        + "(fl.min-dp-noise) to the lowest noise multiplier this client accepts")
    double minDpNoise,
    @DefaultValue(Defaults.LABEL_COLUMN) @NotBlank(message = "must name the label column of a table shard: set "
        + "FL_LABEL_COLUMN (fl.label-column)") String labelColumn,
    @DefaultValue @Valid @NotNull Personalize personalize,
    @DefaultValue("1") @DecimalMin(value = "1", message = "must be 1 (full speed) or more: set FL_CLIENT_SLOWDOWN "
        + "(fl.client-slowdown)") double clientSlowdown) {

  public ClientProperties {
    if (tls != null && tls.configured() && aggregatorUrl != null
        && !aggregatorUrl.strip().regionMatches(true, 0, "https://", 0, 8)) {
      throw new IllegalArgumentException("FL_TLS_CA, FL_TLS_CERT and FL_TLS_KEY are for HTTPS, but FL_AGGREGATOR_URL "
          + "is " + aggregatorUrl.strip() + ": use its https:// URL");
    }
  }

  /**
   * Personalization once a run completed: the client fine-tunes the final global model for {@code epochs} epochs on
   * its own training split, scores it beside the global model, and keeps it ({@code model}: a file it writes the
   * personalized model to as safetensors, replaced at every run; null: not kept once scored).
   *
   * @param epochs {@code FL_PERSONALIZE_EPOCHS}: 0, the default, for none
   * @param model {@code FL_PERSONALIZE_MODEL}
   */
  public record Personalize(@DefaultValue("0") @Min(value = 0, message = "must be 0 (none) or more: set "
      + "FL_PERSONALIZE_EPOCHS (fl.personalize.epochs)")
      @Max(value = dev.fedlearn.protocol.PersonalizedReport.MAX_EPOCHS, message = "must be at most 10000: set "
          + "FL_PERSONALIZE_EPOCHS (fl.personalize.epochs)") int epochs, Path model) {
    /** No personalization. */
    public static final Personalize NONE = new Personalize(0, null);
  }

  /**
   * HTTPS to the aggregator. Without {@code ca} an {@code https://} aggregator must have a certificate the JVM's
   * default trust store accepts; with it, only certificates that chain to it are accepted, and the host name in
   * {@code FL_AGGREGATOR_URL} must be one the certificate names.
   *
   * @param ca the certificate(s) the aggregator's certificate must chain to (PEM), e.g. {@code certs/ca.crt}
   * @param cert this client's certificate (PEM), for mutual TLS: its common name is the client id and stands in
   *     for the token
   * @param key the private key of {@code cert} (PEM)
   */
  public record Tls(Path ca, Path cert, Path key) {
    /** No TLS settings: plain HTTP, or the JVM's defaults for an {@code https://} URL. */
    public static final Tls NONE = new Tls(null, null, null);

    public Tls {
      if ((cert == null) != (key == null)) {
        throw new IllegalArgumentException("FL_TLS_CERT and FL_TLS_KEY go together: set both (this client's "
            + "certificate and its private key, e.g. from scripts/make-certs.sh) or neither");
      }
      for (Path p : new Path[] {ca, cert, key}) {
        if (p != null && !(java.nio.file.Files.isRegularFile(p) && java.nio.file.Files.isReadable(p))) {
          throw new IllegalArgumentException("cannot read the TLS file " + p + " (FL_TLS_CA, FL_TLS_CERT, "
              + "FL_TLS_KEY; scripts/make-certs.sh makes them)");
        }
      }
    }

    /** Whether any TLS setting is given. */
    public boolean configured() {
      return ca != null || cert != null;
    }
  }

  /** Slack added to the long-poll wait to get the read timeout of calls to the aggregator. */
  public static final Duration READ_TIMEOUT_MARGIN = Duration.ofSeconds(30);

  /**
   * Exponential back-off: the first wait, doubled after each failure up to the maximum.
   *
   * @param initialBackoff the first wait
   * @param maxBackoff the longest wait
   */
  public record Retry(@DefaultValue("500ms") @NotNull Duration initialBackoff,
      @DefaultValue("10s") @NotNull Duration maxBackoff) {}

  public Path shardPath() {
    return Path.of(clientShard.trim());
  }

  /** The aggregator's base URL without a trailing slash. */
  public String aggregatorBaseUrl() {
    String url = aggregatorUrl.trim();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    return url;
  }

  /** Read timeout of calls to the aggregator: longer than the long-poll wait. */
  public Duration readTimeout() {
    return Duration.ofSeconds(pollWaitSeconds).plus(READ_TIMEOUT_MARGIN);
  }
}
