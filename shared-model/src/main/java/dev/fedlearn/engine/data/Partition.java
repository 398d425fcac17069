package dev.fedlearn.engine.data;

import java.util.List;
import java.util.Locale;

/**
 * How a training set is dealt out to clients, as {@code --partition} writes it: {@code iid}, {@code dirichlet:ALPHA}
 * (each client's label mix ~ Dirichlet(ALPHA)) or {@code shards:K} (McMahan et al.'s split: sorted by label, cut into
 * clients*K equal shards, K per client). {@link #toString} gives the written form back.
 */
public record Partition(Kind kind, double alpha, int perClient) {
  public enum Kind { IID, DIRICHLET, SHARDS }

  public static final Partition IID = new Partition(Kind.IID, 0, 0);

  public Partition {
    if (kind == Kind.DIRICHLET && !(alpha > 0 && Double.isFinite(alpha))) {
      throw new IllegalArgumentException("dirichlet:ALPHA needs a positive ALPHA, got " + alpha);
    }
    if (kind == Kind.SHARDS && perClient < 1) {
      throw new IllegalArgumentException("shards:K needs K of at least 1, got " + perClient);
    }
  }

  /** Reads {@code iid}, {@code dirichlet:ALPHA} or {@code shards:K}. */
  public static Partition parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("iid")) {
      return IID;
    }
    int colon = t.indexOf(':');
    String name = colon < 0 ? t : t.substring(0, colon);
    String arg = colon < 0 ? "" : t.substring(colon + 1);
    try {
      return switch (name) {
        case "dirichlet" -> new Partition(Kind.DIRICHLET, Double.parseDouble(arg), 0);
        case "shards" -> new Partition(Kind.SHARDS, 0, Integer.parseInt(arg));
        default -> throw new IllegalArgumentException("unknown partition '" + text
            + "': use iid, dirichlet:ALPHA or shards:K");
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("partition '" + text + "': " + name + " needs a number after the colon, e.g. "
          + (name.equals("shards") ? "shards:2" : "dirichlet:0.5"), e);
    }
  }

  /** The shards of {@code data} for clients of {@code sizes}, drawn from {@code seed}. */
  public List<int[]> split(Dataset data, int[] sizes, long seed) {
    return switch (kind) {
      case IID -> Partitioner.iid(data.size(), sizes, seed);
      case DIRICHLET -> Partitioner.dirichlet(data, sizes, alpha, seed);
      case SHARDS -> Partitioner.shards(data, sizes, perClient, seed);
    };
  }

  @Override
  public String toString() {
    return switch (kind) {
      case IID -> "iid";
      case DIRICHLET -> "dirichlet:" + alpha;
      case SHARDS -> "shards:" + perClient;
    };
  }
}
