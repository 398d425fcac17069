package dev.fedlearn.cli;

import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.IdxCache;
import dev.fedlearn.engine.data.Mnist;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where MNIST is. */
final class DataOptions {
  @Option(names = "--mnist", paramLabel = "DIR",
      description = "Folder with the four MNIST idx files, .gz or plain (default: ${DEFAULT-VALUE}). Their checked, "
          + "decompressed copies are kept in $FL_CACHE_DIR (default: $XDG_CACHE_HOME/fedlearn or ~/.cache/fedlearn; "
          + "empty: no copies) and read in their place.")
  Path mnist = Path.of("data", "mnist");

  Dataset train() throws IOException {
    return Mnist.load(mnist, Mnist.Part.TRAIN, IdxCache.standard());
  }

  Dataset test() throws IOException {
    return Mnist.load(mnist, Mnist.Part.TEST, IdxCache.standard());
  }
}
