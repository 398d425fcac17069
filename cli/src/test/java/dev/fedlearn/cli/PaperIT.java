package dev.fedlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * McMahan et al. 2017's IID row, shortened: the 2NN (784-200-200-10) on 100 clients of 600 images, one local epoch
 * of batch 10, a tenth of the clients a round, FedAvg with plain SGD at the learning rate of the sweep in docs/cli.md,
 * run to 95% global test accuracy (docs/cli.md runs it to the paper's 97%). It must get there well within the 87
 * rounds the paper needs for 97%.
 */
class PaperIT {
  static final String LEARNING_RATE = "0.2";
  static final double TARGET = 0.95;
  static final int PAPER_ROUNDS_TO_97 = 87;

  @Test
  void theIidRowReaches95PercentWithinThePapersRounds() {
    CliTest.Result r = CliTest.run("simulate", "--mnist", CliTest.MNIST, "--clients", "100", "--layers",
        "784,200,200,10", "--batch-size", "10", "--epochs", "1", "--fraction", "0.1", "--train-fraction", "1.0",
        "--momentum", "0", "--learning-rate", LEARNING_RATE, "--rounds", Integer.toString(PAPER_ROUNDS_TO_97),
        "--target-accuracy", Double.toString(TARGET));
    assertThat(r.code()).as(r.err()).isZero();
    var json = r.json();
    assertThat(json.get("roundsToTarget").isNull()).as("95%% reached within %d rounds: %s", PAPER_ROUNDS_TO_97,
        r.out()).isFalse();
    assertThat(json.get("globalTestAccuracy").asDouble()).isGreaterThanOrEqualTo(TARGET);
    assertThat(json.get("clientsPerRound").get(0)).hasSize(10);
    assertThat(json.get("trainSamples")).hasSize(100);
  }
}
