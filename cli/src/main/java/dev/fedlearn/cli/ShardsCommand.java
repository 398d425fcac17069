package dev.fedlearn.cli;

import dev.fedlearn.Defaults;
import dev.fedlearn.engine.data.CsvData;
import dev.fedlearn.engine.data.CsvTable;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Partition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "shards", mixinStandardHelpOptions = true,
    exitCodeListHeading = "Exit codes:%n", exitCodeList = {Main.EXIT_OK, Main.EXIT_FAILED, Main.EXIT_USAGE},
    description = {"Draw client shards from the training set of MNIST (or of --dataset's) and write one CSV per client "
        + "(label, then 784 pixels 0..255; gzip-compressed).", "", "With --csv, split any labelled table instead: "
        + "--clients N shares all its rows out (or --sizes), each shard client-N.csv with the table's header, and "
        + "writes schema.json (the label, the feature columns and the classes), the aggregator's FL_SCHEMA_FILE."})
final class ShardsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Mixin
  ShardOptions drawing;

  @Mixin
  TableOptions table;

  @Option(names = "--csv", paramLabel = "FILE",
      description = "Split this table (a CSV with a header row and the label column) instead of the images.")
  Path csv;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = Defaults.SEED,
      description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "data/shards",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    var given = spec.commandLine().getParseResult();
    Partition partition = drawing.partition(given);
    Tables.Read read = null;
    Dataset train;
    if (csv != null) {
      if (!given.hasMatchedOption("--clients") && !given.hasMatchedOption("--sizes")) {
        throw new IllegalArgumentException("--csv needs --clients N (or --sizes): how many shards to cut");
      }
      read = Tables.read(csv, table.labelColumn);
      train = read.tables().get(csv.toString());
    } else {
      train = data.train();
    }
    List<int[]> shards = drawing.draw(train, partition, seed, csv != null);
    Files.createDirectories(out);
    var w = spec.commandLine().getOut();
    for (int c = 0; c < shards.size(); c++) {
      Dataset shard = train.subset(shards.get(c));
      if (read != null) {
        Path file = out.resolve(Sizes.clientId(c) + ".csv");
        CsvTable.write(file, shard, read.schema());
        w.println(file + ": " + shard.size() + " rows, " + Tables.classCounts(read.schema(), shard));
      } else {
        Path file = out.resolve(Sizes.clientId(c) + ".csv.gz");
        CsvData.write(file, shard);
        w.println(file + ": " + shard.size() + " samples, per class " + Arrays.toString(shard.labelCounts()));
      }
    }
    if (read == null) { // which dataset the shards come from, for fl simulate --shards
      DataOptions.mark(out, data.dataset);
    }
    if (read != null) { // the schema every site and the aggregator take the table by (FL_SCHEMA_FILE)
      Path schemaFile = out.resolve(Tables.SCHEMA_FILE);
      Tables.writeSchema(schemaFile, read.schema());
      w.println(schemaFile + ": label '" + read.schema().label() + "', " + read.schema().inputs()
          + " feature columns, classes " + read.schema().classes());
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("shards", shards.size());
    json.put("samples", shards.stream().mapToInt(s -> s.length).sum());
    json.put("partition", partition.toString());
    if (read != null) {
      json.put("csv", csv.toString());
      json.put("label", read.schema().label());
      json.put("features", read.schema().inputs());
      json.put("classes", read.schema().classes());
    }
    json.put("seed", seed);
    json.put("out", out.toString());
    w.println(Json.line(json));
    return Main.OK;
  }
}
