package dev.fedlearn.cli;

import dev.fedlearn.engine.nn.Kernels;
import picocli.CommandLine.Option;

/** How this machine computes what {@code train} and {@code simulate} run: the threads and the kernel. */
final class ComputeOptions {
  @Option(names = "--threads", paramLabel = "N",
      description = "Threads (default: the machine's cores, ${DEFAULT-VALUE} here). One model trains on one thread; "
          + "threads run clients side by side and score models.")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--kernel", paramLabel = "KIND", hidden = true,
      description = "auto, vector or scalar: the same results at different speeds (default: ${DEFAULT-VALUE}).")
  String kernel = "auto";

  /** Checks {@code --threads} and {@code --kernel}; sets {@code fl.kernel}, the kernel this JVM creates. */
  void apply() {
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
    }
    Kernels.create(kernel); // fails early on a bad choice
    System.setProperty("fl.kernel", kernel);
  }
}
