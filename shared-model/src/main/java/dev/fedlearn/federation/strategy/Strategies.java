package dev.fedlearn.federation.strategy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a {@link Strategy} from its id and parameters as the settings give them ({@code --strategy} and
 * {@code --strategy-param}, {@code FL_STRATEGY} and {@code FL_STRATEGY_PARAMS}): parameters are written
 * {@code name=value,name=value}; a parameter left out takes its default. Unknown ids, unknown parameter names,
 * parameters given twice and bad values are refused with one {@link IllegalArgumentException} whose message names
 * what is allowed. The strategies, their parameters and their defaults are those of {@link StrategyType}.
 */
public final class Strategies {
  /** The strategy of a run that names none. */
  public static final String DEFAULT = dev.fedlearn.Defaults.STRATEGY;

  private Strategies() {}

  /** The strategy ids, in the registry's order ({@link StrategyType}). */
  public static List<String> ids() {
    return Arrays.stream(StrategyType.values()).map(StrategyType::id).toList();
  }

  /** The parameter names of strategy {@code id}, in order (empty for an unknown id). */
  public static List<String> parameterNames(String id) {
    return StrategyType.find(id).map(t -> t.parameters().stream().map(StrategyType.Parameter::name).toList())
        .orElse(List.of());
  }

  /** The strategy {@code id} with the parameters {@code params}, written {@code name=value,...} (null or blank: none). */
  public static Strategy create(String id, String params) {
    return create(id, parse(params));
  }

  /** The strategy {@code id} with the given parameters (by name; the others take their defaults). */
  public static Strategy create(String id, Map<String, String> params) {
    String key = id == null ? "" : id.strip();
    StrategyType type = StrategyType.find(key).orElseThrow(() -> new IllegalArgumentException("unknown strategy '"
        + id + "'; the strategies are " + String.join(", ", ids())));
    List<String> names = parameterNames(key);
    Map<String, String> values = new LinkedHashMap<>();
    type.parameters().forEach(p -> values.put(p.name(), p.defaultValue()));
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (!values.containsKey(e.getKey())) {
        throw new IllegalArgumentException("strategy " + key + " has no parameter '" + e.getKey() + "'; "
            + (names.isEmpty() ? "it takes none" : "its parameters are " + String.join(", ", names)));
      }
      values.put(e.getKey(), e.getValue());
    }
    return wrap(key, () -> type.create(values));
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

  /** A parameter's value as {@link Strategy#parameters} shows it: whole numbers with one decimal, others as {@link Double#toString}. */
  static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.format(Locale.ROOT, "%.1f", value)
        : Double.toString(value);
  }
}
