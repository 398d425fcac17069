package dev.fedlearn.cli;

import dev.fedlearn.Defaults;
import dev.fedlearn.engine.data.CsvData;
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
    description = "Draw client shards from the MNIST training set and write one CSV per client "
        + "(label, then 784 pixels 0..255; gzip-compressed).")
final class ShardsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Mixin
  ShardOptions drawing;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = Defaults.SEED,
      description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "data/shards",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Partition partition = drawing.partition(spec.commandLine().getParseResult());
    Dataset train = data.train();
    List<int[]> shards = drawing.draw(train, partition, seed);
    Files.createDirectories(out);
    var w = spec.commandLine().getOut();
    for (int c = 0; c < shards.size(); c++) {
      Dataset shard = train.subset(shards.get(c));
      Path file = out.resolve(Sizes.clientId(c) + ".csv.gz");
      CsvData.write(file, shard);
      w.println(file + ": " + shard.size() + " samples, per digit " + Arrays.toString(shard.labelCounts()));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("shards", shards.size());
    json.put("samples", shards.stream().mapToInt(s -> s.length).sum());
    json.put("partition", partition.toString());
    json.put("seed", seed);
    json.put("out", out.toString());
    w.println(Json.line(json));
    return Main.OK;
  }
}
