package dev.fedlearn.cli;

import dev.fedlearn.data.Dataset;
import dev.fedlearn.data.Mnist;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where MNIST is. */
final class DataOptions {
  @Option(names = "--mnist", paramLabel = "DIR",
      description = "Folder with the four MNIST idx files, .gz or plain (default: ${DEFAULT-VALUE}).")
  Path mnist = Path.of("data", "mnist");

  Dataset train() throws IOException {
    return Mnist.load(mnist, Mnist.Part.TRAIN);
  }

  Dataset test() throws IOException {
    return Mnist.load(mnist, Mnist.Part.TEST);
  }
}
