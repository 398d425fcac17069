package dev.fedlearn.federation.run;

import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.RunStatus;
import java.time.Instant;
import java.util.Collection;

/**
 * How a run's rounds collect their updates for the strategy: {@link PlainRounds} (each client's weights),
 * {@link SecureRounds} (secure aggregation: only their sum) or {@link BufferedVersions} (asynchronous: each round a
 * version of the global model, made from the first changes to arrive). The {@link RunCoordinator} opens and closes rounds,
 * scores and stores them; the workflow drives the clients through the round's steps. Every call holds the
 * coordinator's lock.
 */
sealed interface RoundWorkflow permits PlainRounds, SecureRounds, BufferedVersions {
  /** Refuses a registration this workflow cannot take beside the clients registered already. */
  void admit(ClientRegistration registration, Collection<RunCoordinator.Client> registered);

  /** Round {@code open} opened. */
  void opened(RunLedger.Round open, Instant now);

  /** Round {@code open} is open again after the aggregator restarted. */
  void restarted(RunLedger.Round open, Instant now);

  /** Whether round {@code open} holds every update it waits for, so that it is aggregated. */
  default boolean full(RunLedger.Round open) {
    return open.updates.size() == open.picked.size();
  }

  /** Enforces the open round's deadlines (twice a second). */
  void tick(RunLedger.Round open);

  /** A registered client's plain update for {@code round}. */
  RunStatus submit(int round, ClientUpdate update, RunCoordinator.Client client);
}
