package dev.fedlearn.client.worker;

/** Told of each round this client trained: how many samples, how many epochs, how long it took. */
@FunctionalInterface
public interface TrainingListener {
  TrainingListener NONE = (round, samples, epochs, seconds) -> {};

  void trained(int round, int samples, int epochs, double seconds);
}
