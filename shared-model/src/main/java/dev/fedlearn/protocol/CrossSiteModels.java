package dev.fedlearn.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The models a completed run's cross-site evaluation scores ({@code GET /cross-site/models}, to the run's clients
 * only): the final global model first, named {@code global}, then each site's last local model that was collected,
 * named by its client id, in site order; all of shape {@code layerSizes}. A client scores them in this order and
 * posts one accuracy each ({@link CrossSiteScores}); {@code run} is the run they belong to (null when the aggregator
 * does not name its runs).
 */
public record CrossSiteModels(Integer run, @JsonProperty(required = true) int[] layerSizes,
    @JsonProperty(required = true) List<Entry> models) {

  /** The name of the global model's column. */
  public static final String GLOBAL = "global";

  public CrossSiteModels {
    models = List.copyOf(models);
  }

  /** One model: its name ({@link #GLOBAL} or a client id) and its flat parameters in the engine's order. */
  public record Entry(@JsonProperty(required = true) String name, @JsonProperty(required = true) float[] weights) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && Objects.equals(name, e.name) && Arrays.equals(weights, e.weights);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, Arrays.hashCode(weights));
    }

    @Override
    public String toString() {
      return "Entry[name=" + name + ", weights=" + Wire.length(weights) + "]";
    }
  }

  /** The same models, said to be of run {@code id}. */
  public CrossSiteModels withRun(int id) {
    return new CrossSiteModels(id, layerSizes, models);
  }

  /** The models' names, in order. */
  public List<String> names() {
    return models.stream().map(Entry::name).toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CrossSiteModels m && Objects.equals(run, m.run) && Arrays.equals(layerSizes, m.layerSizes)
        && models.equals(m.models);
  }

  @Override
  public int hashCode() {
    return Objects.hash(run, Arrays.hashCode(layerSizes), models);
  }

  @Override
  public String toString() {
    return "CrossSiteModels[run=" + run + ", layerSizes=" + Arrays.toString(layerSizes) + ", models=" + names() + "]";
  }
}
