package dev.fedlearn.protocol;

import static dev.fedlearn.protocol.SafeTensors.CLIENT_UPDATE;
import static dev.fedlearn.protocol.SafeTensors.FORMAT;
import static dev.fedlearn.protocol.SafeTensors.GLOBAL_MODEL;
import static dev.fedlearn.protocol.SafeTensors.JSON;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;

/**
 * The records a safetensors file holds ({@link GlobalModel}, {@link ClientUpdate}) and its {@code __metadata__}: the
 * record's fields other than the layer sizes and weights, as strings, under a {@code format} that names the record.
 * Read strictly: a missing, unexpected or malformed field throws {@link IllegalArgumentException} with the reason.
 */
final class SafeTensorsMetadata {
  private SafeTensorsMetadata() {}

  /** The metadata of a global model: every field but its layer sizes and weights. */
  static Map<String, String> of(GlobalModel m) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(FORMAT, GLOBAL_MODEL);
    meta.put("round", Integer.toString(m.round()));
    meta.put("rounds", Integer.toString(m.rounds()));
    meta.put("state", m.state().name());
    if (m.plan() != null) {
      meta.put("plan", JSON.writeValueAsString(m.plan()));
    }
    meta.put("submitted", Boolean.toString(m.submitted()));
    meta.put("evaluated", Boolean.toString(m.evaluated()));
    if (m.picked() != null) {
      meta.put("picked", Boolean.toString(m.picked()));
    }
    if (m.run() != null) {
      meta.put("run", Integer.toString(m.run()));
    }
    if (m.crossSite() != null) {
      meta.put("crossSite", m.crossSite().name());
    }
    return meta;
  }

  /** The metadata of a client's update: every field but its layer sizes and weights. */
  static Map<String, String> of(ClientUpdate u) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(FORMAT, CLIENT_UPDATE);
    meta.put("clientId", u.clientId());
    meta.put("numSamples", Long.toString(u.numSamples()));
    meta.put("trainLoss", Double.toString(u.trainLoss()));
    meta.put("trainAccuracy", Double.toString(u.trainAccuracy()));
    if (!u.epochs().isEmpty()) {
      meta.put("epochs", Wire.epochs(u.epochs()));
    }
    return meta;
  }

  /** The global model of a decoded file, its metadata read strictly. */
  static GlobalModel globalModel(SafeTensors.Decoded d) {
    Fields f = new Fields(d.metadata(), GLOBAL_MODEL);
    TrainingPlan plan = null;
    String planJson = f.optional("plan");
    if (planJson != null) {
      try {
        plan = JSON.readValue(planJson, TrainingPlan.class);
      } catch (JacksonException e) {
        throw new IllegalArgumentException("safetensors: metadata plan is not a training plan ("
            + e.getOriginalMessage() + ")", e);
      }
    }
    RunState state;
    try {
      state = RunState.valueOf(f.required("state"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("safetensors: metadata state '" + f.required("state") + "' is not a run "
          + "state", e);
    }
    String picked = f.optional("picked");
    String run = f.optional("run");
    String crossSite = f.optional("crossSite");
    CrossSiteStep step;
    try {
      step = crossSite == null ? null : CrossSiteStep.valueOf(crossSite);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("safetensors: metadata crossSite '" + crossSite + "' is not a cross-site "
          + "step", e);
    }
    return new GlobalModel(f.integer("round"), f.integer("rounds"), state, d.sizes().toArray(), d.params(), plan,
        f.bool("submitted"), f.bool("evaluated"), picked == null ? null : f.bool("picked"),
        run == null ? null : f.integer("run"), step);
  }

  /** The client's update of a decoded file, its metadata read strictly. */
  static ClientUpdate clientUpdate(SafeTensors.Decoded d) {
    Fields f = new Fields(d.metadata(), CLIENT_UPDATE);
    List<ClientUpdate.Epoch> epochs;
    try {
      epochs = f.optional("epochs") == null ? List.of() : Wire.epochs(f.optional("epochs"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("safetensors: metadata epochs: " + e.getMessage(), e);
    }
    return new ClientUpdate(f.required("clientId"), f.longInteger("numSamples"), d.sizes().toArray(), d.params(),
        f.decimal("trainLoss"), f.decimal("trainAccuracy"), epochs);
  }

  /** The metadata of a record, read strictly. */
  private record Fields(Map<String, String> meta, String format) {
    Fields {
      if (!format.equals(meta.get(FORMAT))) {
        throw new IllegalArgumentException("safetensors: metadata format is " + (meta.get(FORMAT) == null ? "missing"
            : "'" + meta.get(FORMAT) + "'") + ", expected '" + format + "'");
      }
    }

    String optional(String name) {
      return meta.get(name);
    }

    String required(String name) {
      String v = meta.get(name);
      if (v == null) {
        throw new IllegalArgumentException("safetensors: metadata " + name + " is missing");
      }
      return v;
    }

    int integer(String name) {
      try {
        return Integer.parseInt(required(name));
      } catch (NumberFormatException e) {
        throw bad(name, "a whole number", e);
      }
    }

    long longInteger(String name) {
      try {
        return Long.parseLong(required(name));
      } catch (NumberFormatException e) {
        throw bad(name, "a whole number", e);
      }
    }

    double decimal(String name) {
      try {
        return Double.parseDouble(required(name));
      } catch (NumberFormatException e) {
        throw bad(name, "a number", e);
      }
    }

    boolean bool(String name) {
      String v = required(name);
      if (!v.equals("true") && !v.equals("false")) {
        throw bad(name, "true or false", null);
      }
      return Boolean.parseBoolean(v);
    }

    private IllegalArgumentException bad(String name, String what, Exception cause) {
      return new IllegalArgumentException("safetensors: metadata " + name + " '" + meta.get(name) + "' is not "
          + what, cause);
    }
  }
}
