package dev.fedlearn.client.worker;

import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.protocol.GlobalModel;
import java.util.Locale;

/** The client's log lines of a round: what it trained and sent, how it scored the global model. */
final class RoundLog {
  /** A round this client trained: its samples, epochs and time, its last epoch's figures, whether it was taken. */
  record Trained(int round, int samples, int epochs, double seconds, double loss, double accuracy,
      boolean accepted) {}

  /** A global model's score on the local test split; {@code sent} false when it stayed on this site. */
  record Scored(int round, Evaluation evaluation, boolean sent) {}

  private RoundLog() {}

  /** The line of a round in which this client trained, scored, or both. */
  static String round(GlobalModel model, Trained trained, Scored scored) {
    StringBuilder line = new StringBuilder();
    if (trained != null) {
      line.append(String.format(Locale.ROOT,
          "round %d/%d: trained %d samples x %d epochs in %.1f s, train loss %.4f acc %.2f%%", trained.round(),
          model.rounds(), trained.samples(), trained.epochs(), trained.seconds(), trained.loss(),
          100 * trained.accuracy()));
      if (!trained.accepted()) {
        line.append(" (update not accepted)");
      }
    }
    if (scored != null) {
      line.append(trained != null ? "; " : "").append(scored(scored));
    }
    return line.toString();
  }

  /** The line of a completed run, with the last model's score when this client just made it. */
  static String completed(GlobalModel model, Scored scored) {
    String line = "run completed after " + model.round() + (model.round() == 1 ? " round" : " rounds");
    return scored == null ? line : line + "; " + scored(scored);
  }

  private static String scored(Scored scored) {
    Evaluation e = scored.evaluation();
    return String.format(Locale.ROOT, "global model round %d scored on %d local test samples: acc %.2f%% loss %.4f%s",
        scored.round(), e.count(), 100 * e.accuracy(), e.loss(), scored.sent() ? "" : " (private run: not sent)");
  }
}
