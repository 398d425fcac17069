package dev.fedlearn.fl;

import dev.fedlearn.nn.Model;
import java.util.List;

/**
 * How a round's client results become the next global model (after Flower's {@code Strategy.aggregate_fit}). A
 * strategy is pure: it reads the current global model and the results, modifies neither, and either returns a new
 * model or throws {@link AggregationException}, so a bad round never corrupts the global model.
 */
public interface Strategy {
  String name();

  Model aggregate(Model global, List<ClientResult> results);
}
