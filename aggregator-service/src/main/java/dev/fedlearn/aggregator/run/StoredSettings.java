package dev.fedlearn.aggregator.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The settings a run is stored with, as the {@code Map.toString()} text the store keeps. */
public final class StoredSettings {
  private StoredSettings() {}

  /**
   * The settings that differ, as {@code name: stored S, now N}, joined by {@code ; }. A stored value is read from
   * after {@code name=} up to the next setting's {@code , next=} (the names in {@code now}'s order, which is the
   * order they are stored in), so values holding commas, equals signs or braces are read whole.
   */
  public static String differences(String stored, Map<String, String> now) {
    List<String> names = new ArrayList<>(now.keySet());
    List<String> changed = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String was = valueOf(stored, name, i + 1 < names.size() ? names.get(i + 1) : null);
      if (!now.get(name).equals(was)) {
        changed.add(name + ": stored " + (was == null ? "none" : was) + ", now " + now.get(name));
      }
    }
    return changed.isEmpty() ? "the same values, written differently" : String.join("; ", changed);
  }

  private static String valueOf(String stored, String name, String next) {
    String key = name + "=";
    int start = stored.startsWith("{" + key) ? 1 + key.length() : stored.indexOf(", " + key);
    if (start < 0) {
      return null;
    }
    if (start > 0 && !stored.startsWith("{" + key)) {
      start += 2 + key.length();
    }
    int end = next == null ? -1 : stored.indexOf(", " + next + "=", start);
    if (end < 0) {
      end = stored.endsWith("}") ? stored.length() - 1 : stored.length();
    }
    return stored.substring(start, end);
  }
}
