package dev.fedlearn.aggregator.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The settings a run is stored with, as the {@code Map.toString()} text the store keeps. */
public final class StoredSettings {
  private StoredSettings() {}

  /**
   * The settings that differ, as {@code name: stored S, now N}, joined by {@code ; }. A stored value is read from
   * after {@code name=} up to the nearest {@code , other=} of another setting's name, so values holding commas,
   * equals signs or braces are read whole.
   */
  public static String differences(String stored, Map<String, String> now) {
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, String> e : now.entrySet()) {
      String was = valueOf(stored, e.getKey(), now.keySet());
      if (!e.getValue().equals(was)) {
        changed.add(e.getKey() + ": stored " + (was == null ? "none" : was) + ", now " + e.getValue());
      }
    }
    return changed.isEmpty() ? "the same values, written differently" : String.join("; ", changed);
  }

  private static String valueOf(String stored, String name, Set<String> names) {
    int start;
    if (stored.startsWith("{" + name + "=")) {
      start = 1 + name.length() + 1;
    } else {
      int at = stored.indexOf(", " + name + "=");
      if (at < 0) {
        return null;
      }
      start = at + 2 + name.length() + 1;
    }
    int end = stored.endsWith("}") ? stored.length() - 1 : stored.length();
    for (String other : names) {
      int next = stored.indexOf(", " + other + "=", start);
      if (!other.equals(name) && next >= 0 && next < end) {
        end = next;
      }
    }
    return stored.substring(start, end);
  }
}
