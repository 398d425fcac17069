package dev.fedlearn.bench;

import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.SafeTensors;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * One client update written and read in each wire form, JSON (Jackson, as the services use it) and binary
 * (safetensors), for the default network and McMahan et al.'s 2NN. Scores are microseconds per update; the setup
 * prints each form's size in bytes. Run: {@code java -jar benchmarks/target/benchmarks.jar WireBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WireBenchmark {
  @Param({"784,20,15,10", "784,200,200,10"})
  String layers;

  @Param({"json", "binary"})
  String format;

  private final JsonMapper json = JsonMapper.builder().build();
  private ClientUpdate update;
  private byte[] encoded;

  @Setup
  public void setUp() {
    LayerSizes sizes = LayerSizes.parse(layers);
    Model m = Model.initialise(sizes, Preset.DEFAULT, 42);
    update = new ClientUpdate("client-1", 600, sizes.toArray(), m.params(), 0.123456789, 0.987654321);
    encoded = write();
    System.out.printf(Locale.ROOT, "%n%s update of %s (%d weights): %d bytes%n", format, layers,
        m.params().length, encoded.length);
  }

  private byte[] write() {
    return format.equals("json") ? json.writeValueAsBytes(update) : SafeTensors.encode(update);
  }

  @Benchmark
  public byte[] encode() {
    return write();
  }

  @Benchmark
  public ClientUpdate decode() {
    return format.equals("json") ? json.readValue(encoded, ClientUpdate.class) : SafeTensors.clientUpdate(encoded);
  }
}
