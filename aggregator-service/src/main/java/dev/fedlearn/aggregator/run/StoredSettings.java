package dev.fedlearn.aggregator.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The settings a run is stored with, as the {@code Map.toString()} text the store keeps. */
public final class StoredSettings {
  private StoredSettings() {}

  /** The settings that differ, as {@code name: stored S, now N}, joined by {@code ; }. */
  public static String differences(String stored, Map<String, String> now) {
    Map<String, String> before = new LinkedHashMap<>();
    String body = stored.startsWith("{") && stored.endsWith("}") ? stored.substring(1, stored.length() - 1) : stored;
    for (String entry : body.split(", (?=[A-Za-z]+=)")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        before.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, String> e : now.entrySet()) {
      String was = before.remove(e.getKey());
      if (!e.getValue().equals(was)) {
        changed.add(e.getKey() + ": stored " + (was == null ? "none" : was) + ", now " + e.getValue());
      }
    }
    before.forEach((k, v) -> changed.add(k + ": stored " + v + ", now none"));
    return String.join("; ", changed);
  }
}
