package dev.fedlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The accuracy the issue asks of the seed's setup (4 clients of 1000/3000/2000/4000, 70/30 local split, 10 rounds
 * of 50 epochs, batch size 1), scored on the 10,000-image MNIST test set: the whole run, as a user starts it. About
 * 10 s per preset on two cores. Accuracy, not time, is asserted.
 */
class SeedSetupAccuracyIT {

  @ParameterizedTest(name = "{0} preset")
  @CsvSource({
      // the default preset must reach the 93.5%
      "default, 0.935, 1.0",
      // the seed preset must land near the original notebook's ~93.5% (93.1-93.6% over five seeds here)
      "seed,    0.925, 0.945"})
  void theSeedsSetupReachesItsAccuracy(String preset, double atLeast, double atMost) {
    CliTest.Result r = CliTest.run("simulate", "--mnist", CliTest.MNIST, "--preset", preset);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("round 10/10");
    double accuracy = r.json().get("globalTestAccuracy").asDouble();
    assertThat(accuracy).isBetween(atLeast, atMost);
  }
}
