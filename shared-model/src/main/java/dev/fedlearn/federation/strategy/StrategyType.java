package dev.fedlearn.federation.strategy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The strategies, in one place: each one's id (as {@code --strategy} and {@code FL_STRATEGY} name it), what it does
 * in one line, its parameters in order with their defaults and meanings, how it is built from their values, and
 * whether it needs only the weighted mean of the updates, so that it can run behind differential privacy and secure
 * aggregation. {@link Strategies} builds strategies from it, each strategy's {@link Strategy#name} is its id,
 * differential privacy and secure aggregation ask it which strategies they take, and {@code fl strategies} prints it
 * (with {@code --markdown}, as the table in docs/strategies.md). Descriptions and meanings put code and formulas
 * between backticks, as Markdown does.
 */
public enum StrategyType {
  FEDAVG("fedavg", "sample-weighted mean of the clients' weights (McMahan et al. 2017; the seed's)", true,
      v -> new FedAvg()),
  FEDAVGM("fedavgm", "FedAvg with server momentum (Hsu et al. 2019): `u = m*u + (g - avg); g -= lr*u`", true,
      v -> new FedAvgM(v.number("serverLearningRate"), v.number("serverMomentum")),
      new Parameter("serverLearningRate", "1.0", "server learning rate `lr`, positive"),
      new Parameter("serverMomentum", "0.0", "server momentum `m`, in [0, 1)")),
  FEDPROX("fedprox", "FedAvg; every client adds `mu/2 ||w - w_global||^2` to its loss (Li et al. 2020)", true,
      v -> new FedProx(v.number("mu")),
      new Parameter("mu", "0.01", "proximal coefficient, 0 or more")),
  FEDADAGRAD("fedadagrad", optimizer("v += d^2"), true,
      v -> new FedOpt(FedOpt.Rule.ADAGRAD, v.number("eta"), v.number("etaL"), v.number("beta1"),
          0, v.number("tau")),
      eta("0.1"), etaL(), beta1("0.0"), tau()),
  FEDADAM("fedadam", optimizer("v = beta2*v + (1-beta2)*d^2"), true,
      v -> new FedOpt(FedOpt.Rule.ADAM, v.number("eta"), v.number("etaL"), v.number("beta1"),
          v.number("beta2"), v.number("tau")),
      eta("0.1"), etaL(), beta1("0.9"), beta2(), tau()),
  FEDYOGI("fedyogi", optimizer("v -= (1-beta2)*d^2*sign(v - d^2)"), true,
      v -> new FedOpt(FedOpt.Rule.YOGI, v.number("eta"), v.number("etaL"), v.number("beta1"),
          v.number("beta2"), v.number("tau")),
      eta("0.01"), etaL(), beta1("0.9"), beta2(), tau()),
  FEDMEDIAN("fedmedian", "coordinate-wise median, unweighted (Yin et al. 2018)", false, v -> new FedMedian()),
  FEDTRIMMEDAVG("fedtrimmedavg", "coordinate-wise mean after cutting `floor(trim*n)` values at each end, unweighted "
      + "(with 4 clients 0.2 cuts nothing: use 0.25)", false,
      v -> new FedTrimmedAvg(v.number("trim")),
      new Parameter("trim", "0.2", "share cut at each end, in [0, 0.5)")),
  KRUM("krum", "Blanchard et al. 2017: a client's score is the sum of the squared distances to its "
      + "`max(1, n-f-2)` nearest others; the model of the client with the lowest score", false,
      v -> Krum.krum(v.integer("byzantine")),
      byzantine()),
  MULTIKRUM("multikrum", "Krum's scores; the sample-weighted mean of the `keep` clients with the lowest scores", false,
      v -> Krum.multiKrum(v.integer("byzantine"), v.integer("keep")),
      byzantine(), new Parameter("keep", "0", "clients averaged (0: the clients less `f`)"));

  /** A parameter: its name (as {@code --strategy-param} writes it), its default value, and what it means. */
  public record Parameter(String name, String defaultValue, String meaning) {}

  /** Builds a strategy from every parameter's value (defaults filled in). */
  @FunctionalInterface
  interface Factory {
    Strategy create(Values values);
  }

  /** Every parameter's value of strategy {@code id}, read as a number on demand; a bad value is refused by name. */
  record Values(String id, Map<String, String> values) {
    double number(String name) {
      String v = values.get(name);
      try {
        double d = Double.parseDouble(v);
        if (Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException e) {
        // refused below
      }
      throw new IllegalArgumentException(id + ": " + name + " must be a number, got '" + v + "'");
    }

    int integer(String name) {
      String v = values.get(name);
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(id + ": " + name + " must be a whole number, got '" + v + "'");
      }
    }
  }

  private final String id;
  private final String description;
  private final boolean needsOnlyTheMean;
  private final Factory factory;
  private final List<Parameter> parameters;

  StrategyType(String id, String description, boolean needsOnlyTheMean, Factory factory, Parameter... parameters) {
    this.id = id;
    this.description = description;
    this.needsOnlyTheMean = needsOnlyTheMean;
    this.factory = factory;
    this.parameters = List.of(parameters);
  }

  /** The id, as {@code --strategy} and {@code FL_STRATEGY} name it, e.g. {@code fedadam}. */
  public String id() {
    return id;
  }

  /** What the strategy does, in one line (code between backticks). */
  public String description() {
    return description;
  }

  /** The parameters, in the order {@link Strategy#parameters} lists them. */
  public List<Parameter> parameters() {
    return parameters;
  }

  /**
   * Whether the strategy needs only the weighted mean of the updates, so that it can take the one result of
   * differential privacy and of secure aggregation; false for a strategy that looks at each update.
   */
  public boolean needsOnlyTheMean() {
    return needsOnlyTheMean;
  }

  /** The strategy built from every parameter's value (defaults filled in), by name. */
  Strategy create(Map<String, String> values) {
    return factory.create(new Values(id, values));
  }

  /** The strategy whose id is {@code id}, exactly; empty for an unknown id. */
  public static Optional<StrategyType> find(String id) {
    return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
  }

  /** The strategies that need only the weighted mean of the updates, in the registry's order. */
  public static List<StrategyType> needingOnlyTheMean() {
    return Arrays.stream(values()).filter(StrategyType::needsOnlyTheMean).toList();
  }

  /** The description of one of Reddi et al.'s server optimizers, whose second moment follows {@code rule}. */
  private static String optimizer(String rule) {
    return "server optimizer of Reddi et al. 2021 (Algorithm 2, no bias correction, `m` and `v` from zero as in "
        + "Flower) on the sample-weighted mean `avg`: `d = avg - g; m = beta1*m + (1-beta1)*d; " + rule
        + "; g += eta*m/(sqrt(v) + tau)`";
  }

  private static Parameter eta(String defaultValue) {
    return new Parameter("eta", defaultValue, "server learning rate, positive");
  }

  private static Parameter etaL() {
    return new Parameter("etaL", "0.1", "client learning rate, reported only: clients use the run's learning rate");
  }

  private static Parameter beta1(String defaultValue) {
    return new Parameter("beta1", defaultValue, "first-moment decay, in [0, 1)");
  }

  private static Parameter beta2() {
    return new Parameter("beta2", "0.99", "second-moment decay, in [0, 1)");
  }

  private static Parameter tau() {
    return new Parameter("tau", "0.001", "adaptivity, positive");
  }

  private static Parameter byzantine() {
    return new Parameter("byzantine", "0", "`f`, the Byzantine clients tolerated, 0 or more");
  }
}
