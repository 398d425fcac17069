package dev.fedlearn.client;

/**
 * How weights travel between this client and the aggregator ({@code FL_WIRE_FORMAT}): {@code binary}, the
 * safetensors layout as {@code application/octet-stream} ({@link dev.fedlearn.protocol.SafeTensors}), four bytes a
 * weight; or {@code json}, about three times larger and slower to write and read.
 */
public enum WireFormat {
  BINARY,
  JSON
}
