package dev.fedlearn.federation.run;

import dev.fedlearn.federation.secagg.SecAggSession;
import dev.fedlearn.protocol.SecAggComplaint;
import java.util.ArrayList;
import java.util.List;

/** A client's complaint about another's share in a secure aggregation session ({@link SecureRounds}). */
final class SessionComplaints {
  private SessionComplaints() {}

  /**
   * A client's report that another client of the session sent it a share it cannot use. The aggregator cannot read
   * shares, so it cannot tell which of the two lies: both sit the rest of the round out, and the round goes on in a
   * new session with the others, or, when that would leave fewer than two or the run adds DP noise in the clients'
   * shares (whose amount and accounting assume the round's picked clients), closes with no update. Taken while the
   * session waits for masked updates (a client learns its shares only then), once per client and session.
   */
  static void take(SecureRounds w, RunCoordinator c, int round, SecAggSession s, SecAggComplaint complaint) {
    s.complaint(complaint.clientId(), complaint.against());
    RunLedger.Round open = c.openRound(round);
    open.excluded.add(complaint.clientId());
    open.excluded.add(complaint.against());
    String why = "client " + complaint.clientId() + " reports that client " + complaint.against()
        + " sent it a share it cannot use (" + RequestChecks.clip(complaint.reason()) + "): both sit the rest of "
        + "round " + round + " out";
    List<String> left = new ArrayList<>(open.picked);
    left.removeAll(open.excluded);
    if (s.plan().sumsColumns()) {
      left = new ArrayList<>(c.run.clients.keySet()); // a column-sum session's members are all the run's clients
      left.removeAll(open.excluded);
    }
    if (s.plan().sumsColumns() && left.size() < 2) {
      s.abandon(why);
      c.fail(why + ", which leaves " + left.size() + " to sum the table's column sums securely");
    } else if (left.size() < 2 || s.plan().privacy()) {
      s.abandon(why);
      RoundClosing.closeWithoutUpdate(c, open, why + (s.plan().privacy()
          ? " (with DP in the clients' shares a round keeps its picked clients)" : ", which leaves " + left.size()));
    } else {
      w.newSession(open, c.now(), why);
    }
    c.changed();
  }
}
