package dev.fedlearn.aggregator.config;

import dev.fedlearn.Defaults;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.ImageSet;
import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.run.RunRules;
import dev.fedlearn.federation.run.SecAggSettings;
import dev.fedlearn.federation.secagg.SecureAggregation;
import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.federation.strategy.Strategy;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The run's settings ({@code fl.*}; as environment variables {@code FL_ROUNDS}, {@code FL_CLIENTS},
 * {@code FL_LOCAL_EPOCHS}, {@code FL_BATCH_SIZE}, {@code FL_LEARNING_RATE}, {@code FL_MOMENTUM}, {@code FL_L2},
 * {@code FL_SEED}, {@code FL_PRESET}, {@code FL_LAYERS} or {@code FL_HIDDEN}, {@code FL_SCHEMA_FILE},
 * {@code FL_DATA_DIR}, {@code FL_DATASET}).
 *
 * @param rounds rounds of the run
 * @param clients clients that must register before round 1; a round closes early once all of them reported
 * @param localEpochs local epochs per round
 * @param batchSize local batch size
 * @param learningRate one learning rate for all layers, or empty for the preset's
 * @param momentum momentum of the local optimiser
 * @param l2 weight decay, or empty for the preset's
 * @param seed the run's seed: initial model and the clients' shuffling
 * @param preset {@code default} or {@code seed}
 * @param layers layer sizes of the network, inputs first; none: the data's inputs, {@code hidden}, its classes
 * @param hidden the hidden layers' sizes between the data's inputs and classes ({@code FL_HIDDEN}; default
 *     {@value Defaults#HIDDEN})
 * @param schemaFile a table's schema as JSON ({@code FL_SCHEMA_FILE}, e.g. the {@code schema.json} that
 *     {@code fl shards --csv} writes): the run learns from the clients' tables and the server holds no test set;
 *     none: the run learns from MNIST
 * @param dataDir folder holding {@code <dataset>/t10k-*} (e.g. {@code mnist/t10k-*}): the held-out test sets
 * @param maxPollWait longest a {@code GET /model} long poll is held
 * @param threads threads that score global models
 * @param stateDir folder of the run's database (the default H2 file) and of the completed run's workbook
 *     ({@code FL_STATE_DIR})
 * @param minClients the quorum: at a round's deadline, it is aggregated with at least this many updates
 *     ({@code FL_MIN_CLIENTS}; 0, the default, means all clients, and so does a quorum above the run's clients)
 * @param roundTimeout a round's deadline ({@code FL_ROUND_TIMEOUT})
 * @param maxRoundWait how long a round below the quorum waits before the run fails ({@code FL_MAX_ROUND_WAIT})
 * @param maxWeightNorm the largest L2 norm an update's weights may have ({@code FL_MAX_WEIGHT_NORM})
 * @param maxRequestBytes the largest request body accepted ({@code FL_MAX_REQUEST_BYTES})
 * @param maxClientSamples the most training or test samples one client may register ({@code FL_MAX_CLIENT_SAMPLES})
 * @param maxRefusalsPerMinute how many refused requests (without credentials or with wrong ones) one address may
 *     cause in a minute before it is answered 429 until the minute ends, but for callers that had authenticated from
 *     it before ({@code FL_MAX_REFUSALS_PER_MINUTE})
 * @param clientTokens each client's secret, {@code client-1:secret,client-2:secret} ({@code FL_CLIENT_TOKENS});
 *     none: the aggregator runs open; ignored when {@code clientTokensFile} is set
 * @param clientTokensFile a file of such entries, one per line or comma-separated ({@code FL_CLIENT_TOKENS_FILE},
 *     e.g. a Docker secret); it wins over {@code clientTokens} and is read again when it changes (see
 *     {@link dev.fedlearn.aggregator.security.ClientTokens})
 * @param readToken when set, status and metrics reads need it (or a client's token) ({@code FL_READ_TOKEN})
 * @param adminToken submitting and stopping runs needs it ({@code FL_ADMIN_TOKEN}); without it, an aggregator with
 *     tokens or certificates takes no run over the API, an open one takes them from anyone
 * @param strategy the id of a {@link dev.fedlearn.federation.strategy.StrategyType} ({@code FL_STRATEGY})
 * @param strategyParams the strategy's parameters, {@code name=value,name=value} ({@code FL_STRATEGY_PARAMS})
 * @param fractionFit share of the clients picked to train each round ({@code FL_FRACTION_FIT})
 * @param minFitClients least number of clients picked each round ({@code FL_MIN_FIT_CLIENTS}), at least 1
 * @param dpClip differential privacy (DP-FedAvg): each client's change is clipped to this L2 norm and noise is added
 *     to their sum ({@code FL_DP_CLIP}); none: no differential privacy
 * @param dpNoise the noise multiplier: Gaussian noise of {@code dpNoise * dpClip} ({@code FL_DP_NOISE})
 * @param dpDelta the delta at which epsilon is reported ({@code FL_DP_DELTA})
 * @param secureAggregation updates go through secure aggregation: the aggregator learns only their weighted sum
 *     ({@code FL_SECURE_AGGREGATION})
 * @param secaggBound with it, clients clip every weight to {@code [-bound, bound]} ({@code FL_SECAGG_BOUND})
 * @param secaggTimeout with it, how long each step after the key exchange waits for all its clients
 *     ({@code FL_SECAGG_TIMEOUT})
 * @param healthPort when set, a plain-HTTP listener on 127.0.0.1 only, for a health check that cannot speak TLS (the
 *     image's {@code HEALTHCHECK}) ({@code FL_HEALTH_PORT})
 * @param dataset the image dataset a run without {@code schemaFile} learns from, an {@link ImageSet}'s id:
 *     {@code mnist} or {@code fashion-mnist} ({@code FL_DATASET}); its test set is {@code dataDir/<dataset>/t10k-*}
 * @param mode {@code sync}, rounds, or {@code async}, buffered asynchronous aggregation (FedBuff), in which
 *     {@code rounds} counts the global model's versions ({@code FL_MODE})
 * @param bufferSize with {@code async}, the changes each version is made of ({@code FL_BUFFER_SIZE}; none: half the
 *     clients, rounded up, at least 2)
 * @param maxStaleness with {@code async}, the most versions a change may be behind the newest ({@code FL_MAX_STALENESS})
 * @param serverLearningRate with {@code async}, the step applied to each version's buffered changes
 *     ({@code FL_SERVER_LEARNING_RATE})
 * @param crossSite every run that completes asks for its cross-site evaluation at once ({@code FL_CROSS_SITE},
 *     default false; never a private run's): each site scores the final global model and every site's last local
 *     model on its own test split; without it, {@code POST /api/v1/cross-site} asks for it
 */
@ConfigurationProperties("fl")
public record AggregatorProperties(
    @DefaultValue(Defaults.ROUNDS) int rounds,
    @DefaultValue(Defaults.CLIENTS) int clients,
    @DefaultValue(Defaults.LOCAL_EPOCHS) int localEpochs,
    @DefaultValue(Defaults.BATCH_SIZE) int batchSize,
    Float learningRate,
    @DefaultValue(Defaults.MOMENTUM) float momentum,
    Float l2,
    @DefaultValue(Defaults.SEED) long seed,
    @DefaultValue(Defaults.PRESET) String preset,
    String layers,
    String hidden,
    Path schemaFile,
    @DefaultValue("data") Path dataDir,
    @DefaultValue("60s") Duration maxPollWait,
    @DefaultValue("2") int threads,
    @DefaultValue("state") Path stateDir,
    @DefaultValue("0") int minClients,
    @DefaultValue(RunRules.ROUND_TIMEOUT) Duration roundTimeout,
    @DefaultValue(RunRules.MAX_ROUND_WAIT) Duration maxRoundWait,
    @DefaultValue(RunRules.MAX_WEIGHT_NORM) double maxWeightNorm,
    @DefaultValue("4000000") long maxRequestBytes,
    @DefaultValue(RunRules.MAX_CLIENT_SAMPLES) int maxClientSamples,
    @DefaultValue("60") int maxRefusalsPerMinute,
    String clientTokens,
    Path clientTokensFile,
    String readToken,
    String adminToken,
    @DefaultValue(Defaults.STRATEGY) String strategy,
    String strategyParams,
    @DefaultValue(Defaults.CLIENT_FRACTION) double fractionFit,
    @DefaultValue(Defaults.MIN_FIT_CLIENTS) int minFitClients,
    Double dpClip,
    @DefaultValue(Defaults.DP_NOISE) double dpNoise,
    @DefaultValue(Defaults.DP_DELTA) double dpDelta,
    @DefaultValue("false") boolean secureAggregation,
    @DefaultValue(Defaults.SECAGG_BOUND) float secaggBound,
    @DefaultValue(SecAggSettings.STEP_TIMEOUT) Duration secaggTimeout,
    Integer healthPort,
    @DefaultValue(Defaults.DATASET) String dataset,
    @DefaultValue("sync") String mode,
    Integer bufferSize,
    @DefaultValue(Defaults.MAX_STALENESS) int maxStaleness,
    @DefaultValue(Defaults.SERVER_LEARNING_RATE) double serverLearningRate,
    @DefaultValue("false") boolean crossSite) {

  public AggregatorProperties {
    layers = layers == null || layers.isBlank() ? null : layers; // compose passes a setting left out as empty
    hidden = hidden == null || hidden.isBlank() ? null : hidden;
    schemaFile = schemaFile == null || schemaFile.toString().isBlank() ? null : schemaFile;
    if (rounds < 1) {
      throw new IllegalArgumentException("fl.rounds (FL_ROUNDS) must be at least 1, got " + rounds);
    }
    if (clients < 1) {
      throw new IllegalArgumentException("fl.clients (FL_CLIENTS) must be at least 1, got " + clients);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("fl.threads must be at least 1, got " + threads);
    }
    trainingConfig(localEpochs, batchSize, learningRate, momentum, l2, seed, preset); // fails early on bad values
    if (layers != null && hidden != null) {
      throw new IllegalArgumentException("FL_LAYERS gives every layer and FL_HIDDEN the hidden ones: set one of them");
    }
    layerSizes(layers, hidden, Dataset.MNIST_PIXELS, Dataset.MNIST_CLASSES);
    if (maxRefusalsPerMinute < 1) {
      throw new IllegalArgumentException("FL_MAX_REFUSALS_PER_MINUTE must be at least 1, got " + maxRefusalsPerMinute);
    }
    if (maxRequestBytes < 1024) {
      throw new IllegalArgumentException("FL_MAX_REQUEST_BYTES must be at least 1024, got " + maxRequestBytes);
    }
    rules(rounds, clients, minClients, roundTimeout, maxRoundWait, maxWeightNorm, maxClientSamples);
    privacy(strategy(strategy, strategyParams), dpClip, dpNoise, dpDelta);
    sampler(fractionFit, minFitClients);
    secAgg(secureAggregation, secaggBound, secaggTimeout, strategy, dpClip, dpNoise, dpDelta);
    if (healthPort != null && (healthPort < 1 || healthPort > 65535)) {
      throw new IllegalArgumentException("FL_HEALTH_PORT must be a port number (1-65535), got " + healthPort);
    }
    dataset = dataset == null || dataset.isBlank() ? Defaults.DATASET : dataset;
    imageSet(dataset); // an unknown id stops the start
    mode = mode == null || mode.isBlank() ? "sync" : mode;
    RunDefinition.Asynchrony async = asynchrony(mode, bufferSize, maxStaleness, serverLearningRate, clients);
    if (async != null) {
      try {
        RunDefinition.checkAsynchrony(async, clients, strategy(strategy, strategyParams).name(),
            sampler(fractionFit, minFitClients), dpClip == null ? null
                : new DifferentialPrivacy.Settings(dpClip, dpNoise, dpDelta),
            secureAggregation ? new RunDefinition.SecureAggregationChoice(secaggBound) : null);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("FL_MODE=async: " + e.getMessage(), e);
      }
    }
  }

  /** The run's asynchrony ({@code FL_MODE=async}), or null for rounds. */
  private static RunDefinition.Asynchrony asynchrony(String mode, Integer bufferSize, int maxStaleness,
      double serverLearningRate, int clients) {
    if (!mode.equals("sync") && !mode.equals("async")) {
      throw new IllegalArgumentException("FL_MODE (fl.mode) must be sync or async, got '" + mode + "'");
    }
    if (mode.equals("sync")) {
      return null;
    }
    try {
      return new RunDefinition.Asynchrony(bufferSize == null ? RunDefinition.Asynchrony.defaultBufferSize(clients)
          : bufferSize, maxStaleness, serverLearningRate);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad asynchronous aggregation (FL_MODE=async, FL_BUFFER_SIZE, "
          + "FL_MAX_STALENESS, FL_SERVER_LEARNING_RATE): " + e.getMessage(), e);
    }
  }

  /**
   * The run these settings define, on {@code data}: the one composition of strategy, sampling, privacy and secure
   * aggregation ({@link RunDefinition}).
   */
  public RunDefinition definition(RunDefinition.Data data) {
    TableSchema schema = data.schema();
    LayerSizes sizes = schema == null ? layerSizes(layers, hidden, Dataset.MNIST_PIXELS, Dataset.MNIST_CLASSES)
        : layerSizes(layers, hidden, schema.inputs(), schema.outputs());
    return RunDefinition.of(rounds, clients, data, sizes, training(), strategy(strategy, strategyParams),
        sampler(fractionFit, minFitClients), dpClip == null ? null : new DifferentialPrivacy.Settings(dpClip, dpNoise,
            dpDelta), secureAggregation ? secaggBound : null)
        .withAsynchrony(asynchrony(mode, bufferSize, maxStaleness, serverLearningRate, clients));
  }

  private static void privacy(Strategy strategy, Double clip, double noise, double delta) {
    if (clip == null) {
      return;
    }
    try {
      new DifferentialPrivacy(strategy, new DifferentialPrivacy.Settings(clip, noise, delta), round -> null);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad differential privacy (FL_DP_CLIP, FL_DP_NOISE, FL_DP_DELTA, "
          + "FL_STRATEGY): " + e.getMessage(), e);
    }
  }

  private static void secAgg(boolean on, float bound, Duration timeout, String strategy, Double dpClip,
      double dpNoise, double dpDelta) {
    if (!on) {
      return;
    }
    try {
      SecureAggregation.check(strategy);
      new SecAggSettings(bound, timeout, dpClip == null ? null
          : new DifferentialPrivacy.Settings(dpClip, dpNoise, dpDelta));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad secure aggregation (FL_SECURE_AGGREGATION, FL_SECAGG_BOUND, "
          + "FL_SECAGG_TIMEOUT, FL_STRATEGY): " + e.getMessage(), e);
    }
  }

  private static Strategy strategy(String id, String params) {
    try {
      return Strategies.create(id, params == null ? "" : params);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad strategy (FL_STRATEGY, FL_STRATEGY_PARAMS): " + e.getMessage(), e);
    }
  }

  private static ClientSampler sampler(double fraction, int min) {
    try {
      return new ClientSampler(fraction, min);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad client sampling (FL_FRACTION_FIT, FL_MIN_FIT_CLIENTS): "
          + e.getMessage(), e);
    }
  }

  /** The run's rules: rounds, clients, quorum, deadlines, bounds. */
  public RunRules rules() {
    return rules(rounds, clients, minClients, roundTimeout, maxRoundWait, maxWeightNorm, maxClientSamples)
        .withCrossSite(crossSite);
  }

  /**
   * The rules of a run of {@code definition}: its rounds and clients, and these settings' deadlines and bounds; the
   * quorum as set ({@code FL_MIN_CLIENTS}, at most the run's clients), else every client.
   */
  public RunRules rules(RunDefinition definition) {
    return rules(definition.rounds(), definition.clients(), minClients, roundTimeout, maxRoundWait, maxWeightNorm,
        maxClientSamples).withCrossSite(crossSite);
  }

  private static RunRules rules(int rounds, int clients, int minClients, Duration roundTimeout,
      Duration maxRoundWait, double maxWeightNorm, int maxClientSamples) {
    // Compose's quorum of 3 with FL_CLIENTS=2 is every client, not a run that cannot start.
    return new RunRules(rounds, clients, minClients == 0 ? clients : Math.min(minClients, clients), roundTimeout,
        maxRoundWait, maxWeightNorm, maxClientSamples);
  }

  /** The image dataset ({@code FL_DATASET}). */
  public ImageSet imageSet() {
    return imageSet(dataset);
  }

  private static ImageSet imageSet(String id) {
    try {
      return ImageSet.of(id);
    } catch (IllegalArgumentException e) {
      // Without the cause: the start-up report gives the root cause's message, and this one names the setting.
      throw new IllegalArgumentException("FL_DATASET (fl.dataset): " + e.getMessage());
    }
  }

  /** What clients are told to do each round. */
  public TrainingConfig training() {
    return trainingConfig(localEpochs, batchSize, learningRate, momentum, l2, seed, preset);
  }

  /** {@code layers}, or {@code inputs}, {@code hidden} (or the default hidden layers) and {@code outputs}. */
  private static LayerSizes layerSizes(String layers, String hidden, int inputs, int outputs) {
    try {
      return LayerSizes.parse(layers != null ? layers
          : inputs + "," + (hidden == null ? Defaults.HIDDEN : hidden) + "," + outputs);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException((layers != null ? "FL_LAYERS: " : "FL_HIDDEN: ") + e.getMessage(), e);
    }
  }

  private static TrainingConfig trainingConfig(int epochs, int batchSize, Float lr, float momentum, Float l2,
      long seed, String preset) {
    try {
      return new TrainingConfig(epochs, batchSize, lr, momentum, l2, seed, Preset.parse(preset));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad training setting (FL_*): " + e.getMessage(), e);
    }
  }
}
