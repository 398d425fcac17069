package dev.fedlearn.client.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.client.ClientApplication;
import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.client.TestShards;
import dev.fedlearn.client.aggregator.ClientTokenException;
import java.nio.file.Files;
import dev.fedlearn.engine.data.CsvData;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.LocalSplit;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The client refuses to start without a client id or a usable shard, and says why. */
@ExtendWith(OutputCaptureExtension.class)
class StartupValidationTest {
  @TempDir
  Path dir;

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(ClientProperties.class)
  @Import(LocalData.class)
  static class DataConfig {}

  private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(DataConfig.class);

  @Test
  void startsWithAClientIdAndAReadableShard() throws Exception {
    Path shard = TestShards.write(dir.resolve("client-1.csv.gz"), 20, 3);
    runner.withPropertyValues("fl.client-id=client-1", "fl.client-shard=" + shard).run(context -> {
      assertThat(context).hasNotFailed();
      LocalData data = context.getBean(LocalData.class);
      assertThat(data.trainSize()).isEqualTo(14);
      assertThat(data.testSize()).isEqualTo(6);
      assertThat(data.features(42, 0f)).isSameAs(data.features(42, 0f)).isNotSameAs(data.features(42, 10f));
      ClientProperties properties = context.getBean(ClientProperties.class);
      assertThat(properties.aggregatorBaseUrl()).isEqualTo("http://localhost:8080");
      assertThat(properties.splitSeed()).as("unset: the run's seed").isNull();
      assertThat(properties.trainFraction()).isEqualTo(0.7);
      assertThat(properties.threads()).isEqualTo(1);
      assertThat(properties.pollWaitSeconds()).isEqualTo(30);
      assertThat(properties.retry().initialBackoff()).hasMillis(500);
      assertThat(properties.retry().maxBackoff()).hasSeconds(10);
      assertThat(properties.readTimeout()).isGreaterThan(java.time.Duration.ofSeconds(30));
      assertThat(properties.autoStart()).isTrue();
      assertThat(properties.requireSecureAggregation()).as("no floors by default").isFalse();
      assertThat(properties.minSecaggThreshold()).isZero();
      assertThat(properties.minDpNoise()).isZero();
    });
  }

  @Test
  void theFloorsBindFromTheirEnvironmentVariables() throws Exception {
    Path shard = TestShards.write(dir.resolve("client-1.csv"), 20, 3);
    Map<String, Object> environment = Map.of("FL_CLIENT_ID", "client-1", "FL_CLIENT_SHARD", shard.toString(),
        "FL_REQUIRE_SECURE_AGGREGATION", "true", "FL_MIN_SECAGG_THRESHOLD", "3", "FL_MIN_DP_NOISE", "0.8");
    runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
        new SystemEnvironmentPropertySource("systemEnvironment", environment))).run(context -> {
          assertThat(context).hasNotFailed();
          ClientProperties properties = context.getBean(ClientProperties.class);
          assertThat(properties.requireSecureAggregation()).isTrue();
          assertThat(properties.minSecaggThreshold()).isEqualTo(3);
          assertThat(properties.minDpNoise()).isEqualTo(0.8);
        });
  }

  @Test
  void failsOnANegativeOrUndefinedFloor() throws Exception {
    Path shard = TestShards.write(dir.resolve("client-1.csv"), 20, 3);
    String[][] bad = {{"fl.min-secagg-threshold=-1", "FL_MIN_SECAGG_THRESHOLD"},
        {"fl.min-dp-noise=-0.5", "FL_MIN_DP_NOISE"}, {"fl.min-dp-noise=NaN", "FL_MIN_DP_NOISE"}};
    for (String[] setting : bad) {
      runner.withPropertyValues("fl.client-id=client-1", "fl.client-shard=" + shard, setting[0]).run(context -> {
        assertThat(context).as(setting[0]).hasFailed();
        assertThat(context.getStartupFailure()).hasStackTraceContaining(setting[1])
            .hasStackTraceContaining("must be 0 (no floor) or more");
      });
    }
    runner.withPropertyValues("fl.client-id=client-1", "fl.client-shard=" + shard, "fl.min-secagg-threshold=0",
        "fl.min-dp-noise=0").run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void theApplicationReportsANegativeFloorInOneLine(CapturedOutput output) throws Exception {
    Path shard = TestShards.write(dir.resolve("client-1.csv"), 20, 3);
    assertThatThrownBy(() -> new SpringApplicationBuilder(ClientApplication.class)
        .web(WebApplicationType.NONE)
        .properties("fl.client-id=client-1", "fl.client-shard=" + shard, "fl.auto-start=false",
            "fl.min-dp-noise=-1")
        .run()).isNotNull();
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("must be 0 (no floor) or more: set FL_MIN_DP_NOISE (fl.min-dp-noise) to the lowest noise "
            + "multiplier this client accepts")
        .doesNotContain("\tat ");
  }

  @Test
  void failsOnAMissingShard() {
    Path missing = dir.resolve("nope.csv.gz");
    runner.withPropertyValues("fl.client-id=client-1", "fl.client-shard=" + missing).run(context -> {
      assertThat(context).hasFailed();
      assertThat(shardFailure(context.getStartupFailure()))
          .hasMessageContaining(missing.toString())
          .hasMessageContaining("no such file");
    });
  }

  @Test
  void failsOnATableWithoutItsLabelColumnOrWithACellThatIsNotANumber() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.csv"), "a,b,c\n1,2,3\n");
    runner.withPropertyValues("fl.client-id=client-1", "fl.client-shard=" + bad).run(context -> {
      assertThat(context).hasFailed();
      assertThat(shardFailure(context.getStartupFailure()))
          .hasMessageContaining(bad.toString())
          .hasMessageContaining("no column 'label' (the label column, --label-column or FL_LABEL_COLUMN)");
    });
    Path text = Files.writeString(dir.resolve("text.csv"), "a,kind\n1,x\n2,y\nabc,x\n");
    runner.withPropertyValues("fl.client-id=client-1", "fl.client-shard=" + text, "fl.label-column=kind")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(shardFailure(context.getStartupFailure()))
              .hasMessageContaining(text + ": line 4, column 'a': 'abc' is not a number");
        });
  }

  @Test
  void failsOnABlankClientId() throws Exception {
    Path shard = TestShards.write(dir.resolve("client-1.csv"), 20, 3);
    runner.withPropertyValues("fl.client-id= ", "fl.client-shard=" + shard).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasStackTraceContaining("fl.client-id")
          .hasStackTraceContaining("FL_CLIENT_ID");
    });
  }

  @Test
  void failsOnAnAggregatorUrlThatIsNotAnHttpUrl() throws Exception {
    Path shard = TestShards.write(dir.resolve("client-1.csv"), 20, 3);
    for (String bad : new String[] {"not a url", "localhost:8080", "ftp://host"}) {
      runner.withPropertyValues("fl.client-id=client-1", "fl.client-shard=" + shard, "fl.aggregator-url=" + bad)
          .run(context -> {
            assertThat(context).as(bad).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("FL_AGGREGATOR_URL");
          });
    }
    runner.withPropertyValues("fl.client-id=client-1", "fl.client-shard=" + shard,
        "fl.aggregator-url=http://aggregator:8080/").run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void failsWithoutAShardSetting() {
    runner.withPropertyValues("fl.client-id=client-1").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasStackTraceContaining("fl.client-shard")
          .hasStackTraceContaining("FL_CLIENT_SHARD");
    });
  }

  @Test
  void theApplicationReportsAMissingShardClearly(CapturedOutput output) {
    Path missing = dir.resolve("missing.csv");
    assertThatThrownBy(() -> new SpringApplicationBuilder(ClientApplication.class)
        .web(WebApplicationType.NONE)
        .properties("fl.client-id=client-1", "fl.client-shard=" + missing, "fl.auto-start=false")
        .run()).satisfies(e -> shardFailure(e));
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("cannot use the client shard " + missing + ": no such file")
        .contains("Set FL_CLIENT_SHARD");
  }

  @Test
  void theApplicationReportsAnEmptyTokenFileClearly(CapturedOutput output) throws Exception {
    Path shard = TestShards.write(dir.resolve("client-1.csv"), 20, 3);
    Path token = Files.writeString(dir.resolve("client-1.token"), "\n");
    assertThatThrownBy(() -> new SpringApplicationBuilder(ClientApplication.class)
        .web(WebApplicationType.NONE)
        .properties("fl.client-id=client-1", "fl.client-shard=" + shard, "fl.auto-start=false",
            "fl.client-token-file=" + token)
        .run()).hasRootCauseInstanceOf(ClientTokenException.class);
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("FL_CLIENT_TOKEN_FILE " + token + " is empty")
        .contains("Write this client's token (one line) to the file FL_CLIENT_TOKEN_FILE names")
        .doesNotContain("\tat ");
  }

  private static ShardUnreadableException shardFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ShardUnreadableException e) {
        return e;
      }
    }
    throw new AssertionError("no ShardUnreadableException in " + failure, failure);
  }

  @Test
  void theSplitFollowsTheRunsSeedUnlessFlSplitSeedOverridesIt() throws Exception {
    Path shard = TestShards.write(dir.resolve("client-1.csv.gz"), 40, 3);
    Dataset all = CsvData.readMnist(shard);
    Features seven = LocalSplit.of(all, 0.7, 7, "client-1").train().features(0f);
    Features five = LocalSplit.of(all, 0.7, 5, "client-1").train().features(0f);
    assertThat(new LocalData(shard, "client-1", 0.7, null).features(7, 0f).train().x())
        .as("the run's seed 7").isEqualTo(seven.x()).isNotEqualTo(five.x());
    assertThat(new LocalData(shard, "client-1", 0.7, 5L).features(7, 0f).train().x())
        .as("FL_SPLIT_SEED=5 wins").isEqualTo(five.x());
  }
}
