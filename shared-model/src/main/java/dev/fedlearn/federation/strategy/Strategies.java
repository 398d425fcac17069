package dev.fedlearn.federation.strategy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a {@link Strategy} from its id and parameters as the settings give them ({@code --strategy} and
 * {@code --strategy-param}, {@code FL_STRATEGY} and {@code FL_STRATEGY_PARAMS}): parameters are written
 * {@code name=value,name=value}; a parameter left out takes its default. Unknown ids, unknown parameter names,
 * parameters given twice and bad values are refused with one {@link IllegalArgumentException} whose message names
 * what is allowed.
 *
 * <table>
 *   <caption>The strategies and their parameters (defaults)</caption>
 *   <tr><td>{@code fedavg}</td><td>none</td></tr>
 *   <tr><td>{@code fedavgm}</td><td>{@code serverLearningRate} (1.0), {@code serverMomentum} (0.0)</td></tr>
 *   <tr><td>{@code fedprox}</td><td>{@code mu} (0.01)</td></tr>
 *   <tr><td>{@code fedadagrad}</td><td>{@code eta} (0.1), {@code etaL} (0.1), {@code beta1} (0.0), {@code tau}
 *       (0.001)</td></tr>
 *   <tr><td>{@code fedadam}</td><td>{@code eta} (0.1), {@code etaL} (0.1), {@code beta1} (0.9), {@code beta2} (0.99),
 *       {@code tau} (0.001)</td></tr>
 *   <tr><td>{@code fedyogi}</td><td>as {@code fedadam}, but {@code eta} (0.01)</td></tr>
 *   <tr><td>{@code fedmedian}</td><td>none</td></tr>
 *   <tr><td>{@code fedtrimmedavg}</td><td>{@code trim} (0.2)</td></tr>
 *   <tr><td>{@code krum}</td><td>{@code byzantine} (0)</td></tr>
 *   <tr><td>{@code multikrum}</td><td>{@code byzantine} (0), {@code keep} (0: clients minus byzantine)</td></tr>
 * </table>
 */
public final class Strategies {
  /** The strategy of a run that names none. */
  public static final String DEFAULT = dev.fedlearn.Defaults.STRATEGY;

  /** Every strategy id with its parameters' defaults, in the order {@link Strategy#parameters} lists them. */
  private static final Map<String, Map<String, String>> DEFAULTS = defaults();

  private Strategies() {}

  private static Map<String, Map<String, String>> defaults() {
    Map<String, Map<String, String>> d = new LinkedHashMap<>();
    d.put("fedavg", Map.of());
    d.put("fedavgm", ordered("serverLearningRate", "1.0", "serverMomentum", "0.0"));
    d.put("fedprox", ordered("mu", "0.01"));
    d.put("fedadagrad", ordered("eta", "0.1", "etaL", "0.1", "beta1", "0.0", "tau", "0.001"));
    d.put("fedadam", ordered("eta", "0.1", "etaL", "0.1", "beta1", "0.9", "beta2", "0.99", "tau", "0.001"));
    d.put("fedyogi", ordered("eta", "0.01", "etaL", "0.1", "beta1", "0.9", "beta2", "0.99", "tau", "0.001"));
    d.put("fedmedian", Map.of());
    d.put("fedtrimmedavg", ordered("trim", "0.2"));
    d.put("krum", ordered("byzantine", "0"));
    d.put("multikrum", ordered("byzantine", "0", "keep", "0"));
    return d;
  }

  private static Map<String, String> ordered(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  /** The strategy ids, in a fixed order. */
  public static List<String> ids() {
    return List.copyOf(DEFAULTS.keySet());
  }

  /** The parameter names of strategy {@code id}, in order (empty for an unknown id). */
  public static List<String> parameterNames(String id) {
    return List.copyOf(DEFAULTS.getOrDefault(id, Map.of()).keySet());
  }

  /** The strategy {@code id} with the parameters {@code params}, written {@code name=value,...} (null or blank: none). */
  public static Strategy create(String id, String params) {
    return create(id, parse(params));
  }

  /** The strategy {@code id} with the given parameters (by name; the others take their defaults). */
  public static Strategy create(String id, Map<String, String> params) {
    String key = id == null ? "" : id.strip();
    Map<String, String> defaults = DEFAULTS.get(key);
    if (defaults == null) {
      throw new IllegalArgumentException("unknown strategy '" + id + "'; the strategies are "
          + String.join(", ", DEFAULTS.keySet()));
    }
    Map<String, String> values = new LinkedHashMap<>(defaults);
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (!defaults.containsKey(e.getKey())) {
        throw new IllegalArgumentException("strategy " + key + " has no parameter '" + e.getKey() + "'; "
            + (defaults.isEmpty() ? "it takes none" : "its parameters are " + String.join(", ", defaults.keySet())));
      }
      values.put(e.getKey(), e.getValue());
    }
    return switch (key) {
      case "fedavg" -> new FedAvg();
      case "fedavgm" -> wrap(key, () -> new FedAvgM(number(key, values, "serverLearningRate"),
          number(key, values, "serverMomentum")));
      case "fedprox" -> wrap(key, () -> new FedProx(number(key, values, "mu")));
      case "fedadagrad" -> wrap(key, () -> new FedOpt(FedOpt.Rule.ADAGRAD, number(key, values, "eta"),
          number(key, values, "etaL"), number(key, values, "beta1"), 0, number(key, values, "tau")));
      case "fedadam", "fedyogi" -> wrap(key, () -> new FedOpt(key.equals("fedadam") ? FedOpt.Rule.ADAM
          : FedOpt.Rule.YOGI, number(key, values, "eta"), number(key, values, "etaL"), number(key, values, "beta1"),
          number(key, values, "beta2"), number(key, values, "tau")));
      case "fedmedian" -> new FedMedian();
      case "fedtrimmedavg" -> wrap(key, () -> new FedTrimmedAvg(number(key, values, "trim")));
      case "krum" -> wrap(key, () -> Krum.krum(integer(key, values, "byzantine")));
      case "multikrum" -> wrap(key, () -> Krum.multiKrum(integer(key, values, "byzantine"),
          integer(key, values, "keep")));
      default -> throw new IllegalStateException("no constructor for " + key);
    };
  }

  /** Constructs, prefixing a refusal of a value with the strategy's id. */
  private static Strategy wrap(String id, java.util.function.Supplier<Strategy> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      throw new IllegalArgumentException(m.startsWith(id + ":") ? m : id + ": " + m, e);
    }
  }

  /**
   * The parameters written {@code name=value,name=value} (spaces around names and values ignored), in order; null or
   * blank is none. Refuses an entry without {@code =}, an empty name and a name given twice.
   */
  public static Map<String, String> parse(String params) {
    Map<String, String> out = new LinkedHashMap<>();
    if (params == null || params.isBlank()) {
      return out;
    }
    for (String entry : params.split(",", -1)) {
      int eq = entry.indexOf('=');
      String name = eq < 0 ? "" : entry.substring(0, eq).strip();
      if (eq < 0 || name.isEmpty()) {
        throw new IllegalArgumentException("strategy parameters are written name=value,name=value; got '"
            + entry.strip() + "' in '" + params.strip() + "'");
      }
      if (out.put(name, entry.substring(eq + 1).strip()) != null) {
        throw new IllegalArgumentException("strategy parameter " + name + " is given twice");
      }
    }
    return out;
  }

  private static double number(String id, Map<String, String> values, String name) {
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

  private static int integer(String id, Map<String, String> values, String name) {
    String v = values.get(name);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(id + ": " + name + " must be a whole number, got '" + v + "'");
    }
  }

  /** A parameter's value as {@link Strategy#parameters} shows it: whole numbers with one decimal, others as {@link Double#toString}. */
  static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.format(Locale.ROOT, "%.1f", value)
        : Double.toString(value);
  }
}
