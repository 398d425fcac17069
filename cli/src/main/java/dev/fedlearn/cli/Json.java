package dev.fedlearn.cli;

import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON line a command ends with. */
final class Json {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  static String line(Map<String, ?> fields) {
    return MAPPER.writeValueAsString(fields);
  }

  /** Rounds to the given number of decimals, for display. */
  static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
