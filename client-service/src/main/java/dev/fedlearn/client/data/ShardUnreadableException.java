package dev.fedlearn.client.data;

import java.nio.file.Path;

/** The client's shard is missing, unreadable or not a usable MNIST CSV: the client cannot start. */
public class ShardUnreadableException extends dev.fedlearn.client.BadSetting {
  private static final long serialVersionUID = 1L;

  private final transient Path shard;

  public ShardUnreadableException(Path shard, String reason, Throwable cause) {
    super("cannot use the client shard " + shard + ": " + reason, cause);
    this.shard = shard;
  }

  public Path shard() {
    return shard;
  }
}
