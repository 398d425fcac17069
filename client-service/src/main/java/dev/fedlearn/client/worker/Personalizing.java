package dev.fedlearn.client.worker;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.client.data.LocalData;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.federation.Personalization;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.PersonalizedReport;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Personalization once the run completed ({@code FL_PERSONALIZE_EPOCHS}): the client fine-tunes the final global
 * model on its own training split ({@link Personalization}), scores both models on its test split, shows both in its
 * status and log, keeps the personalized model (written to {@code FL_PERSONALIZE_MODEL} when set), and, unless the run
 * is private, reports the two scores to the aggregator. The personalized model never leaves the site.
 */
final class Personalizing {
  private static final Logger log = LoggerFactory.getLogger(FederatedClient.class);

  private final AggregatorClient aggregator;
  private final AggregatorCalls calls;
  private final StatusTracker tracker;
  private final LocalData data;
  private final String clientId;
  private final ClientProperties.Personalize settings;
  private final int threads;

  Personalizing(AggregatorClient aggregator, AggregatorCalls calls, StatusTracker tracker, LocalData data,
      String clientId, ClientProperties.Personalize settings, int threads) {
    this.aggregator = aggregator;
    this.calls = calls;
    this.tracker = tracker;
    this.data = data;
    this.clientId = clientId;
    this.settings = settings;
    this.threads = threads;
  }

  /**
   * Personalizes {@code model}, the completed run's final global model, when asked to. A failure is said in the log
   * and status and ends the personalization, never the client's part in the next runs.
   */
  void after(GlobalModel model) throws InterruptedException {
    if (settings.epochs() == 0 || model.state() != RunState.COMPLETED || model.plan() == null) {
      return;
    }
    try {
      personalize(model);
    } catch (RuntimeException e) {
      String why = "personalization failed: " + Reasons.describe(e);
      log.warn(why);
      tracker.error(why);
    }
  }

  private void personalize(GlobalModel model) throws InterruptedException {
    var split = data.features(model.plan().seed(), model.plan());
    Features test = split.test();
    if (test.size() == 0) {
      log.warn("personalization: no local test split to score the personalized model on; skipped");
      return;
    }
    tracker.state(ClientState.TRAINING);
    Personalization.Result r = Personalization.fineTune(model.toModel(), split.train(), test,
        model.plan().toConfig(), settings.epochs(), clientId, model.rounds(), threads);
    String saved = save(model, r);
    tracker.update(s -> s.withPersonalized(new ClientStatus.Personalized(model.round(), settings.epochs(),
        r.global().accuracy(), r.personalized().accuracy(), r.personalized().loss(), saved)));
    log.info(String.format(Locale.ROOT, "personalized: the final global model fine-tuned %d epochs on the local "
        + "training split scores %.2f%% on the local test split (the global model %.2f%%)%s", settings.epochs(),
        100 * r.personalized().accuracy(), 100 * r.global().accuracy(), saved == null ? "" : "; saved to " + saved));
    if (!model.plan().isPrivate()) { // a private run takes no figures of a client's own
      PersonalizedReport report = new PersonalizedReport(clientId, settings.epochs(), test.size(),
          r.global().accuracy(), r.personalized().loss(), r.personalized().accuracy(), model.run());
      calls.deliver("send the personalization's scores", () -> aggregator.submitPersonalized(model.round(), report),
          () -> { });
    }
  }

  /** Writes the personalized model where asked (safetensors, with the run's plan), replacing it; its path or null. */
  private String save(GlobalModel model, Personalization.Result r) {
    Path file = settings.model();
    if (file == null) {
      return null;
    }
    GlobalModel personal = GlobalModel.of(model.round(), model.rounds(), RunState.COMPLETED, r.model(),
        model.plan());
    Path partial = null;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent == null) {
        throw new IOException("not a file's path");
      }
      Files.createDirectories(parent);
      partial = Files.createTempFile(parent, file.getFileName().toString(), ".partial");
      Files.write(partial, SafeTensors.encode(personal));
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return file.toString();
    } catch (IOException e) {
      try {
        if (partial != null) {
          Files.deleteIfExists(partial);
        }
      } catch (IOException ignored) {
        // the message below already says the model was not kept
      }
      String why = "personalization: could not write the personalized model to " + file + ": " + e.getMessage();
      log.warn(why);
      tracker.error(why);
      return null;
    }
  }
}
