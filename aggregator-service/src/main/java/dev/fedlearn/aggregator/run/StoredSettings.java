package dev.fedlearn.aggregator.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The settings a run is stored with, as the {@code Map.toString()} text the store keeps. */
public final class StoredSettings {
  private StoredSettings() {}

  /**
   * The settings that differ, as {@code name: stored S, now N} ({@code none} for a setting only one side has), joined
   * by {@code ; }.
   */
  public static String differences(String stored, Map<String, String> now) {
    Map<String, String> was = parse(stored);
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, String> e : now.entrySet()) {
      String before = was.get(e.getKey());
      if (!e.getValue().equals(before)) {
        changed.add(e.getKey() + ": stored " + (before == null ? "none" : before) + ", now " + e.getValue());
      }
    }
    for (Map.Entry<String, String> e : was.entrySet()) {
      if (!now.containsKey(e.getKey())) {
        changed.add(e.getKey() + ": stored " + e.getValue() + ", now none");
      }
    }
    return changed.isEmpty() ? "the same values, written differently" : String.join("; ", changed);
  }

  /**
   * The entries of a {@code Map.toString()} text: split at the {@code ", "} outside brackets, braces and parentheses
   * (values such as {@code [0.01, 0.01]}, {@code {eta=0.1, tau=0.001}} or {@code 1.0E-4 (added to ..., ...)} stay
   * whole), each at its first {@code =}.
   */
  static Map<String, String> parse(String text) {
    String body = text.startsWith("{") && text.endsWith("}") ? text.substring(1, text.length() - 1) : text;
    Map<String, String> entries = new LinkedHashMap<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i <= body.length(); i++) {
      char c = i < body.length() ? body.charAt(i) : ',';
      if (c == '[' || c == '{' || c == '(') {
        depth++;
      } else if (c == ']' || c == '}' || c == ')') {
        depth = Math.max(0, depth - 1);
      } else if (c == ',' && depth == 0 && (i == body.length() || body.startsWith(", ", i))) {
        String entry = body.substring(start, i);
        int eq = entry.indexOf('=');
        if (eq > 0) {
          entries.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        start = i + 2;
      }
    }
    return entries;
  }
}
