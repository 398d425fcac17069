package dev.fedlearn.aggregator.api;

import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.secagg.SecureAggregation;
import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.federation.strategy.Strategy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A run as {@code POST /api/v1/runs} takes it: every field may be left out, and then takes the value of the run the
 * aggregator's environment defines (its {@code FL_*} settings), so that {@code {"strategy": {"name": "fedavgm"}}} is
 * the environment's run with another strategy (that strategy's parameters at their defaults unless given), and
 * {@code {"strategy": {"parameters": {"serverMomentum": 0.5}}}} the environment's strategy with one parameter changed.
 * Differential privacy and secure aggregation, given, turn on (or change); left out, they are as the environment has
 * them. {@code bufferSize}, on an aggregator with {@code FL_MODE=async}, is the changes each version is made of (left
 * out: the environment's, or for another number of clients the default for theirs).
 * {@code sites} names the clients that take part (their number is then the run's clients); left out, any
 * clients do, as many as {@code clients}. The bounds below keep one submission from tying up the federation for days or the aggregator's memory.
 */
record RunRequest(
    @Min(1) @Max(MAX_ROUNDS) Integer rounds,
    @Min(1) @Max(MAX_CLIENTS) Integer clients,
    @Min(1) @Max(MAX_EPOCHS) Integer localEpochs,
    @Min(1) @Max(MAX_BATCH) Integer batchSize,
    Float learningRate,
    Float momentum,
    Float l2,
    Long seed,
    @Size(max = 40) String preset,
    @Size(max = 200) String layers,
    @Valid StrategyRequest strategy,
    Double fractionFit,
    @Min(0) @Max(MAX_CLIENTS) Integer minFitClients,
    @Valid PrivacyRequest privacy,
    @Valid SecureAggregationRequest secureAggregation,
    @Size(min = 1, max = MAX_CLIENTS) java.util.List<@Size(max = 100) String> sites,
    @Min(1) @Max(MAX_CLIENTS) Integer bufferSize) {

  static final int MAX_ROUNDS = 10_000;
  static final int MAX_CLIENTS = 1_000;
  static final int MAX_EPOCHS = 1_000;
  static final int MAX_BATCH = 60_000;

  /**
   * The strategy's id (left out: the environment's strategy, its parameters as the environment sets them) and the
   * parameters given (the others take the strategy's defaults, or the environment's for its own strategy).
   */
  record StrategyRequest(@Size(min = 1, max = 40) String name, @Size(max = 20) Map<String, Object> parameters) {}

  /**
   * Differential privacy (DP-FedAvg): the clip norm, the noise multiplier and the delta; each left out takes the
   * environment's value, or the default (the clip has none: it must be given unless the environment sets it).
   */
  record PrivacyRequest(Double clip, Double noise, Double delta) {}

  /** Secure aggregation, the clients clipping every weight to {@code [-bound, bound]} (the default when left out). */
  record SecureAggregationRequest(Float bound) {}

  /**
   * The definition of this run on the environment's run {@code base}; every field that cannot be is named in the
   * {@link InvalidRun} thrown, with why.
   *
   * @param maxParameters the most weights a network may have (its updates must fit the aggregator's request bound)
   */
  RunDefinition definition(RunDefinition base, long maxParameters) {
    Map<String, String> errors = new LinkedHashMap<>();
    TrainingConfig was = base.trainingConfig();
    Preset network = preset == null ? was.preset() : checked(errors, "preset", () -> Preset.parse(preset));
    boolean samePreset = network == was.preset();
    Float rate = learningRate != null ? learningRate : samePreset ? was.learningRate() : null;
    Float decay = l2 != null ? l2 : samePreset ? was.l2() : null;
    int epochs = or(localEpochs, was.epochs());
    int batch = or(batchSize, was.batchSize());
    float mom = momentum == null ? was.momentum() : momentum;
    long seedValue = seed == null ? was.seed() : seed;
    if (learningRate != null) {
      checked(errors, "learningRate", () -> new TrainingConfig(1, 1, learningRate, 0f, null, 0, was.preset()));
    }
    if (momentum != null) {
      checked(errors, "momentum", () -> new TrainingConfig(1, 1, null, momentum, null, 0, was.preset()));
    }
    if (l2 != null) {
      checked(errors, "l2", () -> new TrainingConfig(1, 1, null, 0f, l2, 0, was.preset()));
    }
    LayerSizes sizes = layers == null ? base.layerSizes() : checked(errors, "layers", () -> network(base,
        maxParameters));
    Strategy chosen = strategy == null ? base.plainStrategy() : checked(errors, "strategy", () -> strategy(base));
    ClientSampler sampling = fractionFit == null && minFitClients == null ? base.sampling()
        : checked(errors, fractionFit != null ? "fractionFit" : "minFitClients", () -> new ClientSampler(
            fractionFit == null ? base.sampling().fraction() : fractionFit,
            minFitClients == null ? base.sampling().minClients() : minFitClients));
    DifferentialPrivacy.Settings dp = privacy == null ? base.privacy() : checked(errors, "privacy",
        () -> privacy(base.privacy()));
    Float wasBound = base.secureAggregation() == null ? null : base.secureAggregation().bound();
    Float bound = secureAggregation == null ? wasBound : secureAggregation.bound() != null ? secureAggregation.bound()
        : wasBound != null ? wasBound : Float.valueOf(dev.fedlearn.Defaults.SECAGG_BOUND);
    if (!errors.isEmpty()) {
      throw new InvalidRun(errors);
    }
    if (bound != null) {
      checked(errors, "secureAggregation", () -> {
        SecureAggregation.check(chosen.name(), bound, dp);
        return bound;
      });
    }
    if (sites != null && clients != null && clients != sites.size()) {
      errors.put("clients", "the run names " + sites.size() + " sites, so it has " + sites.size() + " clients, not "
          + clients + " (leave clients out)");
      throw new InvalidRun(errors);
    }
    int runClients = sites != null ? sites.size() : or(clients, base.clients());
    RunDefinition.Asynchrony async = base.asynchrony(); // the environment's mode (FL_MODE)
    if (async == null && bufferSize != null) {
      errors.put("bufferSize", "this aggregator runs rounds (FL_MODE=sync): a buffer size needs FL_MODE=async");
      throw new InvalidRun(errors);
    }
    if (async != null && (bufferSize != null || runClients != base.clients())) { // else the default for its clients
      async = checked(errors, "bufferSize", () -> new RunDefinition.Asynchrony(bufferSize != null ? bufferSize
          : RunDefinition.Asynchrony.defaultBufferSize(runClients), base.asynchrony().maxStaleness(),
          base.asynchrony().serverLearningRate()));
    }
    RunDefinition.Asynchrony mode = async;
    RunDefinition any = checked(errors, "run", () -> RunDefinition.of(or(rounds, base.rounds()), runClients,
        base.data(), sizes, new TrainingConfig(epochs, batch, rate, mom, decay, seedValue, network), chosen, sampling,
        dp, bound).withAsynchrony(mode));
    RunDefinition definition = any == null || sites == null ? any : checked(errors, "sites", () -> any.onSites(sites));
    if (!errors.isEmpty()) {
      throw new InvalidRun(errors);
    }
    return definition;
  }

  /** The network {@code layers} gives: its input and output as the data's ({@code base}'s), and not too many weights. */
  private LayerSizes network(RunDefinition base, long maxParameters) {
    LayerSizes sizes = LayerSizes.parse(layers);
    int[] s = sizes.toArray();
    int[] was = base.layerSizes().toArray();
    if (s[0] != was[0] || s[s.length - 1] != was[was.length - 1]) {
      throw new IllegalArgumentException("the data (" + base.data().dataset() + ") takes " + was[0]
          + " inputs and " + was[was.length - 1] + " classes: the layers must start with " + was[0] + " and end with "
          + was[was.length - 1] + ", got " + Arrays.toString(s));
    }
    long weights = 0;
    for (int i = 1; i < s.length; i++) {
      weights += (long) s[i - 1] * s[i] + s[i];
    }
    if (weights > maxParameters) {
      throw new IllegalArgumentException("a network of " + weights + " weights is too large: its updates would not "
          + "fit the aggregator's request bound (FL_MAX_REQUEST_BYTES), which allows " + maxParameters);
    }
    return sizes;
  }

  /** The strategy asked for: another one with its defaults, or the environment's with its parameters as set there. */
  private Strategy strategy(RunDefinition base) {
    Map<String, String> given = new LinkedHashMap<>();
    String id = strategy.name() == null ? base.strategy().name() : strategy.name();
    if (id.equals(base.strategy().name())) {
      given.putAll(base.strategy().parameters());
    }
    given.putAll(parameters(strategy.parameters()));
    return Strategies.create(id, given);
  }

  /** Differential privacy as asked for, each value left out the environment's (or the default). */
  private DifferentialPrivacy.Settings privacy(DifferentialPrivacy.Settings was) {
    if (privacy.clip() == null && was == null) {
      throw new IllegalArgumentException("clip is needed to turn differential privacy on (the environment has it off)");
    }
    return new DifferentialPrivacy.Settings(privacy.clip() != null ? privacy.clip() : was.clip(),
        privacy.noise() != null ? privacy.noise() : was != null ? was.noise()
            : Double.parseDouble(dev.fedlearn.Defaults.DP_NOISE),
        privacy.delta() != null ? privacy.delta() : was != null ? was.delta()
            : Double.parseDouble(dev.fedlearn.Defaults.DP_DELTA));
  }

  /** The strategy's parameters as text; numbers, text and booleans only. */
  private static Map<String, String> parameters(Map<String, Object> given) {
    Map<String, String> out = new LinkedHashMap<>();
    if (given != null) {
      given.forEach((name, value) -> {
        if (!(value instanceof Number || value instanceof String || value instanceof Boolean)) {
          throw new IllegalArgumentException("parameter '" + name + "' must be a number or text, got "
              + (value == null ? "null" : "a " + (value instanceof Map ? "JSON object" : "JSON array")));
        }
        out.put(name, value.toString());
      });
    }
    return out;
  }

  private static int or(Integer given, int otherwise) {
    return given == null ? otherwise : given;
  }

  /** What {@code make} makes; null, with {@code field}'s error noted, when it refuses. */
  private static <T> T checked(Map<String, String> errors, String field, Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      errors.putIfAbsent(field, e.getMessage());
      return null;
    }
  }

  /** A request whose fields cannot make a run: each wrong field (by its JSON path) and why. */
  static final class InvalidRun extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Map<String, String> errors;

    InvalidRun(Map<String, String> errors) {
      super(String.join("; ", errors.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()));
      this.errors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    }

    Map<String, String> errors() {
      return errors;
    }
  }
}
