package dev.fedlearn.federation;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.secagg.SecureAggregation;
import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.federation.strategy.Strategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What defines a federated run, in one record: the data, the network, the local training, the strategy and its
 * parameters, the client sampling, differential privacy and secure aggregation (each null when off), the rounds and
 * the clients. The aggregator builds it from its environment and {@code fl simulate} from its command line, each
 * with {@link #of}; the aggregator stores it as JSON ({@link #toJson}) with the run and resumes a stored run only
 * when the definition it starts with {@linkplain #equals equals} the stored one. The operational rules (deadlines,
 * quorum, bounds on requests) are not part of it: they may change between restarts.
 *
 * @param rounds rounds of the run, at least 1
 * @param clients clients that take part, at least 1
 * @param data the data the run learns from and is scored on
 * @param network the layer sizes and the preset (initialisation, input scaling, default rates)
 * @param training how each client trains each round
 * @param strategy the strategy's id and every parameter's value (defaults filled in)
 * @param sampling which clients train each round
 * @param privacy differential privacy (DP-FedAvg), or null
 * @param secureAggregation secure aggregation, or null
 * @param sites the ids of the clients that take part, as many as {@code clients}; null: any clients that register
 * @param asynchrony buffered asynchronous aggregation (FedBuff), in which {@code rounds} counts the global model's
 *     versions; null: synchronous rounds
 */
public record RunDefinition(int rounds, int clients, Data data, Network network, Training training,
    StrategyChoice strategy, ClientSampler sampling, DifferentialPrivacy.Settings privacy,
    SecureAggregationChoice secureAggregation, List<String> sites, Asynchrony asynchrony) {

  /**
   * The data: the dataset's name ({@code mnist}, {@code fashion-mnist}, {@code csv}, ...), the size of the server's
   * test set the global model is scored on (0: the server holds none, and the clients' scores are the run's), and for
   * a table its schema (null for images).
   */
  public record Data(String dataset, int testSamples, TableSchema schema) {
    /** Images. */
    public Data(String dataset, int testSamples) {
      this(dataset, testSamples, null);
    }

    public Data {
      Objects.requireNonNull(dataset, "dataset");
      if (testSamples < 0) {
        throw new IllegalArgumentException("testSamples must not be negative, got " + testSamples);
      }
    }
  }

  /** The network: its layer sizes, input first, and its preset's id. */
  public record Network(List<Integer> layers, String preset) {
    public Network {
      layers = List.copyOf(layers);
    }
  }

  /**
   * A client's local training each round, with the values in effect: each weight layer's learning rate and the weight
   * decay, whether given or the preset's (so a run started with the preset's rates equals one given them, and a
   * release whose preset changed does not resume a run stored with the old ones).
   */
  public record Training(int localEpochs, int batchSize, List<Float> learningRates, float momentum, float l2,
      long seed) {
    public Training {
      learningRates = List.copyOf(learningRates);
    }
  }

  /** The strategy's id and its parameters, every one, in the order the strategy lists them. */
  public record StrategyChoice(String name, Map<String, String> parameters) {
    public StrategyChoice {
      parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }
  }

  /** Secure aggregation: the clients clip every weight to {@code [-bound, bound]} before the fixed-point encoding. */
  public record SecureAggregationChoice(float bound) {}

  /**
   * Buffered asynchronous aggregation (Nguyen et al. 2022, FedBuff): every client trains on the newest global model it
   * has and sends its change at once; each change is weighted by its samples and by {@code 1/sqrt(1 + tau)}, tau the
   * versions it is behind, and every {@code bufferSize} changes make the next version, {@code x += eta * sum(n_i *
   * s(tau_i) * change_i) / sum(n_i)}. A change more than {@code maxStaleness} versions behind is dropped.
   *
   * @param bufferSize changes per version, 1 to the run's clients
   * @param maxStaleness the most versions a change may be behind, 0 to {@link #MAX_STALENESS}
   * @param serverLearningRate {@code eta}, positive
   */
  public record Asynchrony(int bufferSize, int maxStaleness, double serverLearningRate) {
    /** The most versions a change may be behind: the aggregator keeps this many versions back. */
    public static final int MAX_STALENESS = 100;

    public Asynchrony {
      if (bufferSize < 1) {
        throw new IllegalArgumentException("the buffer size must be at least 1, got " + bufferSize);
      }
      if (maxStaleness < 0 || maxStaleness > MAX_STALENESS) {
        throw new IllegalArgumentException("the maximum staleness must be between 0 and " + MAX_STALENESS + ", got "
            + maxStaleness);
      }
      if (!(serverLearningRate > 0) || !Double.isFinite(serverLearningRate)) {
        throw new IllegalArgumentException("the server learning rate must be positive, got " + serverLearningRate);
      }
    }

    /**
     * The default buffer: half the clients, rounded up, so that the slower half never holds a version up; at least 2
     * with 2 clients or more, so that no one client makes a version alone.
     */
    public static int defaultBufferSize(int clients) {
      return Math.min(clients, Math.max(2, (clients + 1) / 2));
    }

    /** Adds these settings to {@code shown} parameters, by the names the status and the JSON line give them. */
    public void addTo(Map<String, String> shown) {
      shown.put("bufferSize", Integer.toString(bufferSize));
      shown.put("maxStaleness", Integer.toString(maxStaleness));
      shown.put("serverLearningRate", Double.toString(serverLearningRate));
    }

    /** A change's weight beside its samples when it is {@code staleness} versions behind: {@code 1/sqrt(1 + tau)}. */
    public static double weight(int staleness) {
      return 1 / Math.sqrt(1 + staleness);
    }
  }

  /** Refuses a property it does not know: a definition this release cannot see whole is not this run's. */
  private static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  public RunDefinition {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(sampling, "sampling");
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
    }
    if (clients < 1) {
      throw new IllegalArgumentException("clients must be at least 1, got " + clients);
    }
    if (sites != null) {
      sites = List.copyOf(sites);
      for (String site : sites) {
        if (site.length() > 100 || !site.matches("[A-Za-z0-9._-]+")) {
          throw new IllegalArgumentException("a site is a client id of 1-100 letters, digits, '.', '_' or '-', got '"
              + (site.length() > 40 ? site.substring(0, 40) + "..." : site) + "'");
        }
      }
      if (sites.stream().distinct().count() != sites.size() || sites.size() != clients) {
        throw new IllegalArgumentException("sites must name " + clients + " different clients (the run's clients), "
            + "got " + sites.size() + (sites.stream().distinct().count() != sites.size() ? " with repeats" : ""));
      }
    }
    trainingConfig(training, network); // refuses bad training values and an unknown preset
    TableSchema schema = data.schema();
    if (schema != null) {
      List<Integer> layers = network.layers();
      if (layers.get(0) != schema.inputs() || layers.get(layers.size() - 1) != schema.outputs()) {
        throw new IllegalArgumentException("the network " + layers + " must take the table's " + schema.inputs()
            + " feature columns and give its " + schema.outputs() + " classes");
      }
      if (privacy != null) {
        throw new IllegalArgumentException("a run on a table standardizes its inputs by the means and deviations of "
            + "the sites' rows, which differential privacy's noise does not cover: the epsilon would not hold for "
            + "them; use secure aggregation alone, which hides each site's column sums");
      }
    }
    Strategy plain = Strategies.create(strategy.name(), strategy.parameters());
    if (secureAggregation != null) {
      SecureAggregation.check(plain.name(), secureAggregation.bound(), privacy);
    }
    if (asynchrony != null) {
      checkAsynchrony(asynchrony, clients, plain.name(), sampling, privacy, secureAggregation);
    }
  }

  /**
   * Refuses asynchronous aggregation {@code a} of {@code clients} with what it cannot keep the promises of, saying why:
   * a buffer larger than the clients, secure aggregation, differential privacy, a strategy other than FedAvg or
   * FedProx, client sampling.
   */
  public static void checkAsynchrony(Asynchrony a, int clients, String strategy, ClientSampler sampling,
      DifferentialPrivacy.Settings privacy, SecureAggregationChoice secureAggregation) {
    if (a.bufferSize() > clients) {
      throw new IllegalArgumentException("the buffer size must be between 1 and the run's " + clients + " clients, got "
          + a.bufferSize());
    }
    if (secureAggregation != null) {
      throw new IllegalArgumentException("asynchronous aggregation takes each change on its own, weighted by how "
          + "stale it is, while secure aggregation unmasks only the sum of a fixed set of clients: use the "
          + "synchronous mode with secure aggregation");
    }
    if (privacy != null) {
      throw new IllegalArgumentException("asynchronous aggregation applies whichever changes arrive first, while "
          + "differential privacy's accountant counts rounds of clients sampled at random: the epsilon would not "
          + "hold; use the synchronous mode with differential privacy");
    }
    if (!strategy.equals("fedavg") && !strategy.equals("fedprox")) {
      throw new IllegalArgumentException("asynchronous aggregation makes each version from its buffer's changes, "
          + "weighted by samples and staleness, with its own server learning rate; " + strategy + " ("
          + (List.of("fedmedian", "fedtrimmedavg", "krum", "multikrum").contains(strategy)
              ? "which compares the clients of one round with one another, and stale changes from older versions are "
                  + "not comparable" : "a server optimizer of its own") + ") does not fit it: use fedavg or fedprox");
    }
    if (sampling.fraction() < 1) {
      throw new IllegalArgumentException("asynchronous aggregation takes every client's changes as they come; it "
          + "samples no clients: leave the client fraction at 1");
    }
  }

  /**
   * The definition of a run of {@code strategy} (as created from its id and parameters; plain, without privacy or
   * secure aggregation).
   */
  public static RunDefinition of(int rounds, int clients, Data data, LayerSizes layers, TrainingConfig training,
      Strategy strategy, ClientSampler sampling, DifferentialPrivacy.Settings privacy, Float secureAggregationBound) {
    return new RunDefinition(rounds, clients, data,
        new Network(Arrays.stream(layers.toArray()).boxed().toList(), training.preset().id()),
        new Training(training.epochs(), training.batchSize(), rates(training.learningRates(layers.depth())),
            training.momentum(), training.effectiveL2(), training.seed()),
        new StrategyChoice(strategy.name(), strategy.parameters()), sampling, privacy,
        secureAggregationBound == null ? null : new SecureAggregationChoice(secureAggregationBound), null, null);
  }

  /** The same run with asynchronous aggregation {@code asynchrony} (null: synchronous rounds). */
  public RunDefinition withAsynchrony(Asynchrony asynchrony) {
    return new RunDefinition(rounds, clients, data, network, training, strategy, sampling, privacy,
        secureAggregation, sites, asynchrony);
  }

  /** The same run on the named {@code sites} only (null: any clients), as many clients as it names. */
  public RunDefinition onSites(List<String> sites) {
    return new RunDefinition(rounds, sites == null ? clients : sites.size(), data, network, training, strategy,
        sampling, privacy, secureAggregation, sites, asynchrony);
  }

  /** What a client is told to do each round. */
  public TrainingConfig trainingConfig() {
    return trainingConfig(training, network);
  }

  /**
   * The training as a client runs it: one learning rate for every layer when they are all equal, else the preset's
   * (which must be the stored ones); the weight decay as stored.
   */
  private static TrainingConfig trainingConfig(Training t, Network n) {
    Preset preset = Preset.parse(n.preset());
    List<Float> rates = t.learningRates();
    if (rates.size() != n.layers().size() - 1) {
      throw new IllegalArgumentException("training.learningRates must give one rate for each of the "
          + (n.layers().size() - 1) + " weight layers, got " + rates);
    }
    boolean uniform = rates.stream().distinct().count() == 1;
    if (!uniform && !rates.equals(rates(preset.learningRates(rates.size())))) {
      throw new IllegalArgumentException("training.learningRates " + rates + " differ by layer and are not the "
          + preset.id() + " preset's " + rates(preset.learningRates(rates.size())));
    }
    return new TrainingConfig(t.localEpochs(), t.batchSize(), uniform ? rates.get(0) : null, t.momentum(), t.l2(),
        t.seed(), preset);
  }

  private static List<Float> rates(float[] rates) {
    List<Float> out = new ArrayList<>();
    for (float r : rates) {
      out.add(r);
    }
    return out;
  }

  public LayerSizes layerSizes() {
    return LayerSizes.of(network.layers().stream().mapToInt(Integer::intValue).toArray());
  }

  /** The strategy itself, without privacy or secure aggregation. */
  public Strategy plainStrategy() {
    return Strategies.create(strategy.name(), strategy.parameters());
  }

  /**
   * The strategy the aggregator runs: with differential privacy and no secure aggregation, DP-FedAvg around the
   * strategy, its noise from {@code noise}; else the strategy (with secure aggregation the clients add the noise).
   */
  public Strategy serverStrategy(IntFunction<RandomGenerator> noise) {
    Strategy plain = plainStrategy();
    return privacy != null && secureAggregation == null ? new DifferentialPrivacy(plain, privacy, noise) : plain;
  }

  /**
   * The strategy's parameters as the run shows them: its own, then secure aggregation's bound ({@code secAggBound})
   * and differential privacy's settings, when the run has them.
   */
  public Map<String, String> shownParameters() {
    Map<String, String> shown = new LinkedHashMap<>(plainStrategy().parameters());
    if (secureAggregation != null) {
      shown.put("secAggBound", Float.toString(secureAggregation.bound()));
    }
    if (privacy != null) {
      privacy.addTo(shown);
    }
    if (asynchrony != null) {
      asynchrony.addTo(shown);
    }
    return shown;
  }

  /** Whether the run's updates are private: secure aggregation or differential privacy. */
  @JsonIgnore
  public boolean isPrivate() {
    return privacy != null || secureAggregation != null;
  }

  /** The definition as JSON, as it is stored with the run. */
  public String toJson() {
    return JSON.writeValueAsString(this);
  }

  /**
   * A definition stored as JSON.
   *
   * @throws IllegalArgumentException when {@code json} is not a definition this release can read
   */
  public static RunDefinition fromJson(String json) {
    try {
      return JSON.readValue(json, RunDefinition.class);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not a run definition: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * What differs from {@code other}, one {@code path: this X, other Y} per value ({@code none} for a value only one
   * side has), joined by {@code ; }; empty when the two are equal.
   */
  public String differences(RunDefinition other, String thisName, String otherName) {
    Map<String, String> mine = flatten(JSON.valueToTree(this));
    Map<String, String> theirs = flatten(JSON.valueToTree(other));
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, String> e : mine.entrySet()) {
      String that = theirs.get(e.getKey());
      if (!e.getValue().equals(that)) {
        changed.add(e.getKey() + ": " + thisName + " " + e.getValue() + ", " + otherName + " "
            + (that == null ? "none" : that));
      }
    }
    for (Map.Entry<String, String> e : theirs.entrySet()) {
      if (!mine.containsKey(e.getKey())) {
        changed.add(e.getKey() + ": " + thisName + " none, " + otherName + " " + e.getValue());
      }
    }
    return String.join("; ", changed);
  }

  /** Every value of the definition by its dotted path ({@code strategy.parameters.mu}), in order; none for null. */
  public Map<String, String> flattened() {
    return flatten(JSON.valueToTree(this));
  }

  /** Every leaf of a JSON tree by its dotted path (arrays as one value). */
  private static Map<String, String> flatten(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", node, out);
    return out;
  }

  private static void flatten(String path, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out);
      }
    } else if (!node.isNull()) {
      out.put(path, node.isValueNode() ? node.asString() : node.toString());
    }
  }
}
