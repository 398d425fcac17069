package dev.fedlearn.federation.run;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.Refusal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a request must be on its own, before the run's state is looked at: each check throws a {@link Refusal} of
 * kind {@code INVALID} that says what is wrong, and changes nothing.
 */
final class RequestChecks {
  private RequestChecks() {}

  /** {@code text} cut to 200 characters, for a message that repeats what a caller sent. */
  static String clip(String text) {
    return text == null ? "" : text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  static void registration(ClientRegistration r) {
    if (r == null || r.clientId() == null || r.clientId().isBlank()) {
      throw Refusal.invalid("clientId is required");
    }
    String id = r.clientId();
    if (id.length() > 100 || !id.matches("[A-Za-z0-9._-]+")) {
      throw Refusal.invalid("clientId must be 1-100 letters, digits, '.', '_' or '-', got '" + clip(id) + "'");
    }
    if (r.trainSamples() < 1 || r.testSamples() < 0) {
      throw Refusal.invalid("trainSamples must be positive and testSamples not negative, got "
          + r.trainSamples() + " and " + r.testSamples());
    }
  }

  /**
   * A table's run takes a client's column sums of all its rows, one per feature column; a run on images takes none.
   */
  static void sums(ClientRegistration r, TableSchema schema) {
    Standardization.Sums sums = r.sums();
    if (schema == null) {
      if (sums != null) {
        throw Refusal.invalid("this run learns from images: a registration brings no column sums");
      }
      return;
    }
    if (sums == null) {
      throw Refusal.invalid("this run learns from a table: a registration brings the count, sums and sums of "
          + "squares of its rows' " + schema.inputs() + " feature columns");
    }
    if (sums.sum().length != schema.inputs()) {
      throw Refusal.invalid("sums must hold the run's " + schema.inputs() + " feature columns, got "
          + sums.sum().length);
    }
    if (sums.count() != (long) r.trainSamples() + r.testSamples()) {
      throw Refusal.invalid("sums.count must be the " + ((long) r.trainSamples() + r.testSamples())
          + " rows of the local train and test splits, got " + sums.count());
    }
    possible(sums);
  }

  /** Refuses sums that no rows of floats have: beyond the float range, or squares below what the sums need. */
  static void possible(Standardization.Sums sums) {
    double most = Float.MAX_VALUE; // a table's numbers are floats: so are their means and deviations
    for (int j = 0; j < sums.sum().length; j++) { // n * sum(x^2) >= (sum x)^2 holds for any real rows
      double s = sums.sum()[j];
      if (Math.abs(s) > most * sums.count() || sums.sumSquares()[j] > most * most * sums.count()) {
        throw Refusal.invalid("sums of column " + j + " cannot be of " + sums.count() + " rows of numbers within "
            + "+-" + Float.MAX_VALUE + ": sum " + s + ", sum of squares " + sums.sumSquares()[j]);
      }
      if (sums.sumSquares()[j] * sums.count() < s * s * (1 - 1e-9)) {
        throw Refusal.invalid("sums of column " + j + " cannot be of " + sums.count() + " rows: the sum of squares "
            + sums.sumSquares()[j] + " is below the square of the sum " + s + " over the count");
      }
    }
  }

  static void named(ClientUpdate u) {
    if (u == null || u.clientId() == null) {
      throw Refusal.invalid("clientId is required");
    }
  }

  static void named(EvaluationReport e) {
    if (e == null || e.clientId() == null) {
      throw Refusal.invalid("clientId is required");
    }
  }

  /**
   * An update of a registered client: its sample count, its shape, finite weights within the norm bound, figures, and
   * at most {@code epochs} per-epoch figures, numbered from 1.
   */
  static void update(ClientUpdate u, RunCoordinator.Client client, LayerSizes sizes, double maxWeightNorm,
      int epochs) {
    if (u.numSamples() < 1 || u.numSamples() > client.trainSamples()) {
      throw Refusal.invalid("numSamples must be between 1 and the " + client.trainSamples()
          + " training samples client " + client.clientId() + " registered, got " + u.numSamples());
    }
    if (u.layerSizes() == null || !Arrays.equals(u.layerSizes(), sizes.toArray())) {
      throw Refusal.invalid("layerSizes must be " + sizes + ", got "
          + (u.layerSizes() == null ? "none" : Arrays.toString(u.layerSizes())));
    }
    float[] w = u.weights();
    if (w == null || w.length != sizes.parameterCount()) {
      throw Refusal.invalid("weights must hold " + sizes.parameterCount() + " numbers, got "
          + (w == null ? "none" : w.length));
    }
    double squares = 0;
    for (int j = 0; j < w.length; j++) {
      if (!Float.isFinite(w[j])) {
        throw Refusal.invalid("weight " + j + " (" + sizes.describe(j) + ") is " + w[j]
            + "; weights must be finite");
      }
      squares += (double) w[j] * w[j];
    }
    double norm = Math.sqrt(squares);
    if (norm > maxWeightNorm) {
      throw Refusal.invalid(String.format(Locale.ROOT, "the weights' L2 norm %.4g is above the bound %.4g "
          + "(FL_MAX_WEIGHT_NORM)", norm, maxWeightNorm));
    }
    figures(u.trainLoss(), u.trainAccuracy(), u.epochs(), epochs);
  }

  /** A score's {@code numSamples}: between 1 and the test samples {@code client} registered. */
  static void scoredSamples(long numSamples, RunCoordinator.Client client) {
    if (numSamples < 1 || numSamples > client.testSamples()) {
      throw Refusal.invalid("numSamples must be between 1 and the " + client.testSamples() + " test samples client "
          + client.clientId() + " registered, got " + numSamples);
    }
  }

  /** The L2 norm of {@code weights}, summed in double. */
  static double norm(float[] weights) {
    double squares = 0;
    for (float w : weights) {
      squares += (double) w * w;
    }
    return Math.sqrt(squares);
  }

  /** An update's training figures: finite, accuracies in [0, 1], at most {@code epochs} epochs numbered from 1. */
  static void figures(double trainLoss, double trainAccuracy, List<ClientUpdate.Epoch> figures, int epochs) {
    if (!Double.isFinite(trainLoss) || !(trainAccuracy >= 0 && trainAccuracy <= 1)) {
      throw Refusal.invalid("trainLoss must be finite and trainAccuracy in [0, 1], got " + trainLoss
          + " and " + trainAccuracy);
    }
    if (figures.size() > epochs) {
      throw Refusal.invalid("epochs holds " + figures.size() + " epochs' figures; the plan has " + epochs);
    }
    for (int i = 0; i < figures.size(); i++) {
      ClientUpdate.Epoch e = figures.get(i);
      if (e.epoch() != i + 1 || !Double.isFinite(e.loss()) || e.loss() < 0
          || !(e.accuracy() >= 0 && e.accuracy() <= 1)) {
        throw Refusal.invalid("epochs[" + i + "] must be epoch " + (i + 1) + " with a finite loss >= 0 and "
            + "accuracy in [0, 1], got " + e);
      }
    }
  }

  /** A score of a global model on at most the {@code testSamples} test samples its client registered. */
  static void evaluation(EvaluationReport e, int testSamples, int classes) {
    if (e.numSamples() < 1 || !Double.isFinite(e.loss()) || e.loss() < 0 || !(e.accuracy() >= 0 && e.accuracy() <= 1)) {
      throw Refusal.invalid("an evaluation needs numSamples >= 1, a finite loss >= 0 and accuracy in [0, 1]");
    }
    if (e.numSamples() > testSamples) {
      throw Refusal.invalid("numSamples must be at most the " + testSamples + " test samples client "
          + e.clientId() + " registered, got " + e.numSamples());
    }
    long[] confusion = e.confusion();
    if (confusion == null) {
      return;
    }
    if (confusion.length != (long) classes * classes) {
      throw Refusal.invalid("confusion must hold " + classes + " x " + classes + " counts (true class by predicted "
          + "class, row by row), got " + confusion.length);
    }
    long total = 0;
    long correct = 0;
    for (int i = 0; i < confusion.length; i++) {
      if (confusion[i] < 0 || confusion[i] > e.numSamples()) {
        throw Refusal.invalid("confusion counts must be between 0 and the " + e.numSamples() + " samples scored, got "
            + confusion[i]);
      }
      total += confusion[i];
      correct += i % (classes + 1) == 0 ? confusion[i] : 0;
    }
    if (total != e.numSamples() || Math.abs((double) correct / total - e.accuracy()) > 1e-9) {
      throw Refusal.invalid("confusion must count the " + e.numSamples() + " samples scored, its diagonal the "
          + "accuracy's share; got " + total + " samples, " + correct + " on the diagonal");
    }
  }
}
