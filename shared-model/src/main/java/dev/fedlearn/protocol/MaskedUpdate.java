package dev.fedlearn.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A client's update under secure aggregation (step 3): its sample-weighted weights and sample count in fixed point,
 * masked so that only the sum over the clients means anything ({@code masked}: the model's parameters plus one, each
 * a 32-bit integer, little-endian; base64 in JSON), and nothing else: no figures of its local training travel in a
 * private run, so the aggregator never holds one client's loss or accuracy. {@link #toString} gives the length, not
 * the data.
 */
public record MaskedUpdate(@JsonProperty(required = true) String clientId,
    @JsonProperty(required = true) byte[] masked) implements SecAggMessage {

  /** An update whose masked ring elements are {@code masked}. */
  public static MaskedUpdate of(String clientId, int[] masked) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * masked.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asIntBuffer().put(masked);
    return new MaskedUpdate(clientId, bytes.array());
  }

  /** The masked ring elements; throws {@link IllegalArgumentException} when the bytes are not whole integers. */
  public int[] ints() {
    if (masked == null || masked.length % 4 != 0) {
      throw new IllegalArgumentException("masked must hold whole 4-byte integers, got "
          + (masked == null ? "none" : masked.length + " bytes"));
    }
    int[] out = new int[masked.length / 4];
    ByteBuffer.wrap(masked).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MaskedUpdate m && Objects.equals(clientId, m.clientId) && Arrays.equals(masked, m.masked);
  }

  @Override
  public int hashCode() {
    return Objects.hash(clientId, Arrays.hashCode(masked));
  }

  @Override
  public String toString() {
    return "MaskedUpdate[clientId=" + clientId + ", masked=byte[" + (masked == null ? 0 : masked.length) + " bytes]]";
  }
}
