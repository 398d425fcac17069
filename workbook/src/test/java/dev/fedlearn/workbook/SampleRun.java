package dev.fedlearn.workbook;

import dev.fedlearn.engine.nn.LayerSizes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A realistic run for looking at the workbook: global accuracy rising from 88% to 94% over the rounds, clients a few
 * points around it, each client's training accuracy climbing within a round's epochs. {@code main} writes it to a
 * file (default {@code /tmp/wb/sample.xlsx}) to open or render with LibreOffice.
 */
final class SampleRun {
  private SampleRun() {}

  /** A run of {@code clients} clients (all picked every round), {@code rounds} rounds of {@code epochs} epochs. */
  static RunReport report(int clients, int rounds, int epochs) {
    Random random = new Random(42);
    Instant start = Instant.parse("2026-03-14T09:26:53.589Z");
    List<RunReport.Client> sites = new ArrayList<>();
    List<RunReport.Event> events = new ArrayList<>();
    for (int c = 1; c <= clients; c++) {
      Instant at = start.plusMillis(250L * c);
      sites.add(new RunReport.Client("client-" + c, 12_000 + 1000 * c, 2000 + 100 * c, at));
      events.add(new RunReport.Event(at, "registered", null, "client-" + c, "client-" + c + " registered"));
    }
    List<RunReport.Round> list = new ArrayList<>();
    SortedMap<Integer, float[]> models = new TreeMap<>();
    LayerSizes sizes = LayerSizes.of(4, 3, 2);
    models.put(0, new float[sizes.parameterCount()]);
    Instant t = start.plusSeconds(5);
    for (int r = 1; r <= rounds; r++) {
      double global = 0.88 + 0.06 * (r - 1) / Math.max(1, rounds - 1);
      List<String> ids = sites.stream().map(RunReport.Client::clientId).toList();
      List<RunReport.Training> training = new ArrayList<>();
      List<RunReport.Evaluation> evaluations = new ArrayList<>();
      Instant started = t;
      events.add(new RunReport.Event(t, "state", r, null, "round " + r + " started"));
      for (int c = 0; c < clients; c++) {
        List<RunReport.Epoch> curve = new ArrayList<>();
        double from = global - 0.05 + 0.01 * c;
        for (int e = 1; e <= epochs; e++) {
          double accuracy = Math.min(0.995, from + (0.99 - from) * (1 - Math.exp(-3.0 * e / epochs))
              + 0.004 * random.nextGaussian());
          curve.add(new RunReport.Epoch(e, 0.05 + 2.5 * (1 - accuracy), accuracy));
        }
        RunReport.Epoch last = curve.get(curve.size() - 1);
        Instant received = t.plusMillis(1500 + 37L * c);
        training.add(new RunReport.Training(ids.get(c), 12_000 + 1000L * (c + 1), last.loss(), last.accuracy(),
            received, curve));
        events.add(new RunReport.Event(received, "update", r, ids.get(c), "update of " + (12_000 + 1000 * (c + 1))
            + " samples"));
      }
      if (r == 2) {
        events.add(new RunReport.Event(t.plusMillis(1700), "refused", r, "intruder", "unknown client: intruder"));
      }
      Instant aggregated = t.plusSeconds(2);
      events.add(new RunReport.Event(aggregated, "aggregated", r, null, "FedAvg of " + clients + " updates"));
      double sum = 0;
      long samples = 0;
      for (int c = 0; c < clients; c++) {
        double accuracy =
            Math.min(0.995, global + 0.015 * (c - (clients - 1) / 2.0) + 0.006 * random.nextGaussian());
        long n = 2100 + 100L * c;
        Instant received = aggregated.plusMillis(400 + 53L * c);
        evaluations.add(new RunReport.Evaluation(ids.get(c), n, 0.1 + 2 * (1 - accuracy), accuracy, received));
        events.add(new RunReport.Event(received, "evaluation", r, ids.get(c), "test accuracy " + accuracy));
        sum += n * accuracy;
        samples += n;
      }
      Instant ended = aggregated.plusSeconds(1);
      list.add(new RunReport.Round(r, ids, ids, global, 0.1 + 2 * (1 - global), sum / samples,
          Duration.between(started, ended).toMillis() / 1000.0, started, ended, training, evaluations));
      float[] model = new float[sizes.parameterCount()];
      for (int j = 0; j < model.length; j++) {
        model[j] = (float) random.nextGaussian() * 0.1f;
      }
      models.put(r, model);
      t = ended.plusMillis(300);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("rounds", Integer.toString(rounds));
    settings.put("epochs", Integer.toString(epochs));
    settings.put("strategy", "fedavg");
    return new RunReport(settings, "COMPLETED after " + rounds + " of " + rounds + " rounds", sites, list, 0.1012,
        2.3026, sizes, models, rounds, events);
  }

  /** Writes {@code report(4, 10, 50)} (or clients, rounds, epochs from the arguments) to /tmp/wb/sample.xlsx. */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args.length > 0 ? args[0] : "/tmp/wb/sample.xlsx");
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 50;
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      Workbook.write(report(clients, rounds, epochs), out);
    }
  }
}
