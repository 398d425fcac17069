package dev.fedlearn.cli;

import dev.fedlearn.Defaults;
import picocli.CommandLine.Option;

/** Which column of a table is the label. */
final class TableOptions {
  @Option(names = "--label-column", paramLabel = "NAME", defaultValue = Defaults.LABEL_COLUMN,
      description = "A table's label column; every other column is a numeric feature (default: ${DEFAULT-VALUE}). "
          + "A CSV whose header is label,p0,...,p783 holds MNIST images instead.")
  String labelColumn;
}
