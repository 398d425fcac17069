package dev.fedlearn.cli;

import dev.fedlearn.Defaults;
import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.IdxCache;
import dev.fedlearn.engine.data.ImageSet;
import dev.fedlearn.engine.data.Mnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/** Which image dataset, and where its files are: {@code --mnist DIR}, else {@code data/<id>}. */
final class DataOptions {
  @Option(names = "--dataset", paramLabel = "ID", defaultValue = Defaults.DATASET, converter = Ids.class,
      description = "The image dataset: mnist (handwritten digits) or fashion-mnist (Zalando's article images), "
          + "read from data/ID unless --mnist says where (default: ${DEFAULT-VALUE}).")
  ImageSet dataset;

  @Option(names = "--mnist", paramLabel = "DIR",
      description = "Folder with the image dataset's four idx files, .gz or plain (default: data/ID, ID the "
          + "--dataset). Their checked, decompressed copies are kept in $FL_CACHE_DIR (default: $XDG_CACHE_HOME/"
          + "fedlearn or ~/.cache/fedlearn; empty: no copies) and read in their place.")
  Path mnist;

  /** The file {@code fl shards} writes beside shards of images: the dataset they were drawn from. */
  static final String DATASET_FILE = "dataset.txt";

  /**
   * Takes the dataset of the shards in {@code shards} ({@value #DATASET_FILE}, when there) unless {@code --dataset}
   * was given; refuses a {@code --dataset} that is not theirs, which would score them on another dataset's test set.
   */
  void follow(Path shards, ParseResult given) throws IOException {
    Path marker = shards.resolve(DATASET_FILE);
    if (!Files.isRegularFile(marker)) {
      return;
    }
    ImageSet theirs;
    try {
      theirs = ImageSet.of(Files.readString(marker).strip());
    } catch (IllegalArgumentException e) {
      throw new DataException(marker + ": " + e.getMessage(), e);
    }
    if (given.hasMatchedOption("--dataset") && theirs != dataset) {
      throw new IllegalArgumentException("--dataset " + dataset.id() + ": the shards in " + shards + " are "
          + theirs.id() + "'s (" + marker + "), and would be scored on the other dataset's test set");
    }
    dataset = theirs;
  }

  /** Writes the marker {@link #follow} reads beside shards drawn from {@code set}. */
  static void mark(Path shards, ImageSet set) throws IOException {
    Files.writeString(shards.resolve(DATASET_FILE), set.id() + "\n");
  }

  /** The folder the dataset's files are read from. */
  Path dir() {
    return mnist != null ? mnist : Path.of("data", dataset.id());
  }

  Dataset train() throws IOException {
    return Mnist.load(dir(), dataset, Mnist.Part.TRAIN, IdxCache.standard());
  }

  Dataset test() throws IOException {
    return Mnist.load(dir(), dataset, Mnist.Part.TEST, IdxCache.standard());
  }

  /** An {@link ImageSet} from its id, a bad one refused as a bad argument. */
  static final class Ids implements ITypeConverter<ImageSet> {
    @Override
    public ImageSet convert(String value) {
      try {
        return ImageSet.of(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
