package dev.fedlearn.federation;

import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.TrainingConfig;

/**
 * Personalization by fine-tuning: after the federated run, a site trains the final global model a few more epochs on
 * its own training split, as it trained in the rounds (the run's learning rate, batch size and momentum, no proximal
 * term), and scores both models on its own test split. The personalized model stays on the site. Its shuffling is
 * drawn as a round's, for the round after the run's last, so a seed reproduces it bit for bit in {@code fl simulate}
 * and in the services.
 */
public final class Personalization {
  private Personalization() {}

  /** A site's scores of the global model and of its personalized model, and that model. */
  public record Result(Evaluation global, Evaluation personalized, Model model) {}

  /**
   * Fine-tunes {@code global} (not modified) for {@code epochs} epochs on {@code train} as client {@code clientId} of a
   * run of {@code rounds} rounds trained with {@code config}, and scores both models on {@code test}.
   *
   * @throws IllegalArgumentException when {@code epochs} is below 1
   */
  public static Result fineTune(Model global, Features train, Features test, TrainingConfig config, int epochs,
      String clientId, int rounds, int threads) {
    if (epochs < 1) {
      throw new IllegalArgumentException("personalization fine-tunes for at least 1 epoch, got " + epochs);
    }
    LocalTraining.Result tuned = LocalTraining.run(global, train, config.withEpochs(epochs), clientId, rounds + 1,
        stats -> { });
    Model personal = new Model(global.sizes(), tuned.weights());
    return new Result(Evaluator.evaluate(global, test, threads), Evaluator.evaluate(personal, test, threads), personal);
  }
}
