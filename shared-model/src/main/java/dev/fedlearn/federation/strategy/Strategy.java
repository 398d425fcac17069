package dev.fedlearn.federation.strategy;

import dev.fedlearn.engine.nn.Model;
import java.util.List;
import java.util.Map;

/**
 * How a round's client results become the next global model (after Flower's {@code Strategy}). A strategy is a pure
 * function of its inputs: it reads the current global model, the results and its own state as stored after the
 * previous round, modifies none of them, and returns the next model with its next state, or throws
 * {@link AggregationException}, so a bad round never corrupts the global model or the state. Because the state
 * travels in and out, the coordinator stores it with each round and a resumed run continues bit for bit.
 */
public interface Strategy {
  /** The next global model and the strategy's state after this round (empty for stateless strategies). */
  record Aggregation(Model model, Map<String, float[]> state) {}

  /** The strategy's id, as {@code FL_STRATEGY} and {@code --strategy} name it, e.g. {@code fedadam}. */
  String name();

  /** Every parameter with the value in force (defaults filled in), in a fixed order: for settings and workbooks. */
  Map<String, String> parameters();

  /** FedProx's {@code mu}: the proximal term {@code mu/2 ||w - w_global||^2} clients add locally; 0 for the others. */
  default float proximalMu() {
    return 0f;
  }

  /**
   * Aggregates round {@code round}'s results.
   *
   * @param round the round (1-based)
   * @param global the global model the clients started from
   * @param results the updates received, in any order
   * @param failures the picked clients that sent nothing this round
   * @param state the strategy's state after the previous round (empty before the first)
   */
  Aggregation aggregate(int round, Model global, List<ClientResult> results, List<String> failures,
      Map<String, float[]> state);
}
