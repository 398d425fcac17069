package dev.fedlearn.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.engine.nn.TrainingConfig;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafeTensorsTest {
  /** A 1-2 network: layer1.weight [[1], [-2]], layer1.bias [0.5, 0.25]. */
  static final LayerSizes TINY = LayerSizes.of(1, 2);
  static final float[] TINY_PARAMS = {1.0f, -2.0f, 0.5f, 0.25f};

  @Test
  void theLayoutIsTheSafetensorsSpecToTheByte() {
    // Written by hand from the specification: u64 little-endian header size, the JSON header padded with spaces
    // to a multiple of 8, then the tensors' float32 little-endian bytes in order.
    String header = "{\"__metadata__\":{\"k\":\"v\"},"
        + "\"layer1.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]},"
        + "\"layer1.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
    int padded = (header.length() + 7) / 8 * 8;
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
    expected.writeBytes((header + " ".repeat(padded - header.length())).getBytes(StandardCharsets.UTF_8));
    expected.writeBytes(HexFormat.of().parseHex("0000803f" + "000000c0" + "0000003f" + "0000803e")); // 1, -2, 0.5, 0.25

    byte[] bytes = SafeTensors.encode(Map.of("k", "v"), TINY, TINY_PARAMS);
    assertThat(bytes).isEqualTo(expected.toByteArray());
    SafeTensors.Decoded d = SafeTensors.decode(bytes);
    assertThat(d.metadata()).containsExactly(Map.entry("k", "v"));
    assertThat(d.sizes()).isEqualTo(TINY);
    assertThat(d.params()).containsExactly(TINY_PARAMS);
  }

  @Test
  void tensorsStoredInAnotherOrderLandInTheirPlace() {
    // Python's writer sorts the tensors by name: the bias first in the data, then the weight.
    byte[] bytes = file("{\"layer1.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"layer1.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[8,16]}}", 4);
    assertThat(SafeTensors.decode(bytes).params()).as("weight [0.5, 0.25] from bytes 8..16, bias [1, -2] from 0..8")
        .containsExactly(0.5f, 0.25f, 1.0f, -2.0f);
  }

  @Test
  void anotherWritersFileReadsTheSame() {
    // Tensors listed in another order, no metadata, no padding (as some writers do): the same model.
    byte[] bytes = file("{\"layer1.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
        + "\"layer1.weight\":{\"shape\":[2,1],\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 4);
    SafeTensors.Decoded d = SafeTensors.decode(bytes);
    assertThat(d.metadata()).isEmpty();
    assertThat(d.params()).containsExactly(TINY_PARAMS);
  }

  @Test
  void globalModelsAndUpdatesSurviveTheRoundTripBitForBit() throws java.io.IOException {
    Model m = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 42);
    m.params()[3] = Float.MIN_VALUE;
    m.params()[4] = -0.0f;
    TrainingPlan plan = TrainingPlan.of(TrainingConfig.defaults(), 0.01f);
    GlobalModel g = new GlobalModel(3, 10, RunState.TRAINING, LayerSizes.DEFAULT.toArray(), m.params(), plan, true,
        false, false);
    GlobalModel back = SafeTensors.globalModel(SafeTensors.encode(g));
    assertThat(back).isEqualTo(g);
    ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    assertThat(SafeTensors.write(g, streamed)).isEqualTo(SafeTensors.size(g));
    assertThat(streamed.toByteArray()).as("streamed a chunk at a time, the same bytes")
        .isEqualTo(SafeTensors.encode(g));
    assertThat(Float.floatToRawIntBits(back.weights()[4])).isEqualTo(Float.floatToRawIntBits(-0.0f));
    GlobalModel unnamed = new GlobalModel(0, 10, RunState.WAITING_FOR_CLIENTS, LayerSizes.DEFAULT.toArray(),
        m.params(), null, false, false);
    assertThat(SafeTensors.globalModel(SafeTensors.encode(unnamed))).isEqualTo(unnamed);

    ClientUpdate u = new ClientUpdate("client-7", 2800, LayerSizes.DEFAULT.toArray(), m.params(), 0.1 + 0.2, 1.0 / 3);
    byte[] bytes = SafeTensors.encode(u);
    assertThat(SafeTensors.clientUpdate(bytes)).isEqualTo(u);
    assertThat(bytes.length).as("header and 4 bytes a weight").isBetween(4 * m.params().length,
        4 * m.params().length + 1024);
    assertThatThrownBy(() -> SafeTensors.globalModel(bytes)).hasMessageContaining("expected 'fedlearn.global-model'");

    ClientUpdate curves = new ClientUpdate("client-7", 2800, LayerSizes.DEFAULT.toArray(), m.params(), 0.25, 0.9,
        java.util.List.of(new ClientUpdate.Epoch(1, 1.0 / 3, 0.5), new ClientUpdate.Epoch(2, 0.25, 0.9)));
    byte[] withCurves = SafeTensors.encode(curves);
    assertThat(SafeTensors.clientUpdate(withCurves)).as("every epoch's figures, bit for bit").isEqualTo(curves);
    assertThat(SafeTensors.decode(withCurves).metadata()).containsEntry("epochs", "0.3333333333333333,0.5;0.25,0.9");
  }

  /** The caller's cross-site step travels in the metadata only when set: an older reader sees nothing new. */
  @Test
  void aCrossSiteStepSurvivesTheRoundTripAndIsLeftOutWhenNone() throws Exception {
    Model m = Model.initialise(LayerSizes.of(3, 2), Preset.DEFAULT, 1);
    GlobalModel completed = GlobalModel.of(2, 2, RunState.COMPLETED, m, TrainingPlan.of(TrainingConfig.defaults()))
        .withRun(4);
    assertThat(SafeTensors.decode(SafeTensors.encode(completed)).metadata()).doesNotContainKey("crossSite");
    assertThat(SafeTensors.globalModel(SafeTensors.encode(completed)).crossSite()).isNull();
    for (CrossSiteStep step : CrossSiteStep.values()) {
      GlobalModel g = completed.withCrossSite(step);
      assertThat(SafeTensors.globalModel(SafeTensors.encode(g))).isEqualTo(g);
      assertThat(SafeTensors.JSON.readValue(SafeTensors.JSON.writeValueAsString(g), GlobalModel.class)).isEqualTo(g);
      assertThat(g.withProgress(true, true, true).crossSite()).isEqualTo(step);
    }
    Map<String, String> meta = new java.util.HashMap<>(SafeTensors.decode(SafeTensors.encode(completed)).metadata());
    meta.put("crossSite", "LATER");
    assertThatThrownBy(() -> SafeTensors.globalModel(SafeTensors.encode(meta, m.sizes(), m.params())))
        .hasMessageContaining("metadata crossSite 'LATER' is not a cross-site step");
  }

  @Test
  void malformedEpochFiguresAreRefused() {
    Model m = Model.initialise(LayerSizes.of(3, 2), Preset.DEFAULT, 1);
    for (String bad : new String[] {"0.5", "0.5,x", "0.5,0.9;"}) {
      byte[] bytes = SafeTensors.encode(Map.of(SafeTensors.FORMAT, SafeTensors.CLIENT_UPDATE, "clientId", "a", "numSamples",
          "1", "trainLoss", "0", "trainAccuracy", "0", "epochs", bad), m.sizes(), m.params());
      assertThatThrownBy(() -> SafeTensors.clientUpdate(bytes)).as(bad)
          .hasMessageContaining("metadata epochs: '");
    }
  }

  @Test
  void malformedFilesAreRefusedWithTheReason() {
    String w = "\"layer1.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]}";
    String b = "\"layer1.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}";
    Map<String, byte[]> cases = new java.util.LinkedHashMap<>();
    cases.put("too short", new byte[5]);
    cases.put("does not fit", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
    cases.put("not JSON", file("{not json", 0));
    cases.put("not a JSON object", file("[1,2]", 0));
    cases.put("not an object of strings", file("{\"__metadata__\":[1]," + w + "," + b + "}", 4));
    cases.put("is not a string", file("{\"__metadata__\":{\"a\":1}," + w + "," + b + "}", 4));
    cases.put("unexpected tensor", file("{" + w + "," + b + ",\"extra\":{}}", 3));
    cases.put("an incomplete set", file("{" + w + "}", 4));
    cases.put("expected F32", file("{" + w.replace("F32", "F16") + "," + b + "}", 4));
    cases.put("needs a shape of 2", file("{" + w.replace("[2,1]", "[2]") + "," + b + "}", 4));
    cases.put("values for", file("{" + w + "," + b.replace("[2]", "[1]") + "}", 4));
    cases.put("without gaps or overlaps", file("{" + w.replace("[0,8]", "[4,12]") + "," + b.replace("[8,16]", "[8,16]")
        + "}", 4));
    cases.put("bytes for 2 float32 values", file("{" + w.replace("[0,8]", "[0,4]") + "," + b + "}", 4));
    cases.put("bytes of data", file("{" + w + "," + b + "}", 5));
    cases.put("has a dimension of", file("{" + w.replace("[2,1]", "[2,0]") + "," + b + "}", 4));
    String chain = "\"layer2.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[16,40]},"
        + "\"layer2.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[40,48]}";
    cases.put("takes 3 inputs, layer1 gives 2", file("{" + w + "," + b + "," + chain + "}", 12));
    cases.forEach((reason, bytes) -> assertThatThrownBy(() -> SafeTensors.decode(bytes)).as(reason)
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("safetensors: ")
        .hasMessageContaining(reason));

    byte[] noFields = SafeTensors.encode(Map.of("format", "fedlearn.client-update"), TINY, TINY_PARAMS);
    assertThatThrownBy(() -> SafeTensors.clientUpdate(noFields)).hasMessageContaining("clientId is missing");
    byte[] badNumber = SafeTensors.encode(Map.of("format", "fedlearn.client-update", "clientId", "a", "numSamples",
        "1.5", "trainLoss", "0", "trainAccuracy", "0"), TINY, TINY_PARAMS);
    assertThatThrownBy(() -> SafeTensors.clientUpdate(badNumber)).hasMessageContaining("numSamples '1.5'");
  }

  /** A file of the given header (unpadded) followed by {@code floats} float32 values 1, -2, 0.5, 0.25, 0, ... */
  private static byte[] file(String header, int floats) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(8 + h.length + 4 * floats).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(h.length).put(h);
    float[] values = Arrays.copyOf(TINY_PARAMS, floats);
    for (float v : values) {
      out.putFloat(v);
    }
    return out.array();
  }
}
