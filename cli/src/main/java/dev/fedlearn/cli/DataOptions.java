package dev.fedlearn.cli;

import dev.fedlearn.Defaults;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.IdxCache;
import dev.fedlearn.engine.data.ImageSet;
import dev.fedlearn.engine.data.Mnist;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
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
