package dev.fedlearn.federation.secagg;

import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.SecAggStep;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The refusals of one {@link SecAggSession}, each naming the session and its round: a message at the wrong step or
 * from a client outside the step's set, a message sent twice, and a message from a client dropped for breaking the
 * protocol. It keeps the dropped clients, with the reason.
 */
final class SessionRefusals {
  private final SecAggPlan plan;
  /** The clients dropped from the session for a message that broke the protocol, with the reason. */
  private final Map<String, String> dropped = new TreeMap<>();

  SessionRefusals(SecAggPlan plan) {
    this.plan = plan;
  }

  /** Refuses a message the session does not take at {@code step} ({@code abandoned}: why it was, or null). */
  void expect(SecAggStep step, String abandoned, SecAggStep wanted, String what) {
    if (step == SecAggStep.ABANDONED) {
      throw new Refusal(Refusal.Kind.CONFLICT, "Session abandoned", "secure aggregation session "
          + plan.session() + " of round " + plan.round() + " was abandoned (" + abandoned + "): start again with the "
          + "round's new session", ProblemTypes.SECAGG_START_AGAIN);
    }
    if (step != wanted) {
      throw new Refusal(Refusal.Kind.CONFLICT, "Wrong step", "session " + plan.session() + " of round "
          + plan.round() + " is at step " + step.name().toLowerCase(Locale.ROOT) + ", not taking " + what
          + ": the step closed without this client, which sits this round out", ProblemTypes.SECAGG_EXCLUDED);
    }
  }

  /** Refuses a client that is not in {@code set}, called {@code name}. */
  void member(Collection<String> set, String clientId, String name) {
    if (!set.contains(clientId)) {
      throw new Refusal(Refusal.Kind.CONFLICT, "Not in the session", "client " + clientId + " is not in "
          + name + " of session " + plan.session() + " of round " + plan.round() + "; it sits this round out",
          ProblemTypes.SECAGG_EXCLUDED);
    }
  }

  /** Refuses a client's {@code what} when it {@code already} sent one. */
  void once(boolean already, String clientId, String what) {
    if (already) {
      throw Refusal.conflict("Duplicate", "client " + clientId + " already sent its " + what + " in session "
          + plan.session());
    }
  }

  /** Drops a client that broke the protocol: the refusal to answer it with. */
  Refusal drop(String clientId, String why) {
    dropped.put(clientId, why);
    return new Refusal(Refusal.Kind.INVALID, "Dropped from the session", "client " + clientId + " is dropped "
        + "from secure aggregation session " + plan.session() + " of round " + plan.round() + ": " + why,
        ProblemTypes.SECAGG_EXCLUDED);
  }

  /** Refuses a client dropped from the session. */
  void notDropped(String clientId) {
    String why = dropped.get(clientId);
    if (why != null) {
      throw new Refusal(Refusal.Kind.CONFLICT, "Dropped from the session", "client " + clientId + " was "
          + "dropped from session " + plan.session() + " of round " + plan.round() + " (" + why + "); it sits this "
          + "round out", ProblemTypes.SECAGG_EXCLUDED);
    }
  }

  /** The clients dropped from the session, with the reason. */
  Map<String, String> dropped() {
    return Map.copyOf(dropped);
  }

  /** How many of {@code clients} were dropped. */
  int droppedOf(Collection<String> clients) {
    int n = 0;
    for (String id : dropped.keySet()) {
      if (clients.contains(id)) {
        n++;
      }
    }
    return n;
  }
}
