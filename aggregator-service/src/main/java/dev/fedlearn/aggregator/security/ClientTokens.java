package dev.fedlearn.aggregator.security;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Who may act as which client. The aggregator learns each client's secret from {@code FL_CLIENT_TOKENS_FILE} when
 * it is set (then {@code FL_CLIENT_TOKENS} is ignored, with one log line saying so), else from
 * {@code FL_CLIENT_TOKENS}, and keeps only SHA-256 hashes; a request's bearer token is hashed and compared in
 * constant time. With no tokens configured the aggregator runs open (anyone may act as any client) and says so.
 *
 * <p>A token file is watched: at most once a second, when a request is authenticated, the file's last-modified time
 * and size are compared with those of the last read; when they differ the file is read again and the new tokens
 * replace the old ones all at once (log: {@code client tokens reloaded: N clients}). A new file that cannot be used
 * (unreadable, empty, malformed) is logged and the tokens loaded before stay in force.
 */
@Component
public class ClientTokens {
  private static final Logger log = LoggerFactory.getLogger(ClientTokens.class);
  public static final String OPEN = "open";
  public static final String TOKENS = "tokens";
  static final long CHECK_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Path file; // null: the tokens come from FL_CLIENT_TOKENS and never change
  private final String fileSource;
  private final LongSupplier nanoTime;
  private final byte[] readHash;
  private final byte[] adminHash;
  private final Object reloadLock = new Object();
  private volatile Map<String, byte[]> hashes; // client id -> SHA-256 of its token; replaced whole, never changed
  private volatile long nextCheck; // nanoTime at or after which the file is looked at again
  private Stamp stamp; // the file's last-modified time and size at the last look; guarded by reloadLock

  @Autowired
  public ClientTokens(AggregatorProperties p) {
    this(p, System::nanoTime);
  }

  /** {@code nanoTime} paces the checks of the token file (a test passes its own clock). */
  ClientTokens(AggregatorProperties p, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.file = p.clientTokensFile();
    this.fileSource = file == null ? null : "FL_CLIENT_TOKENS_FILE " + file;
    this.readHash = p.readToken() == null || p.readToken().isBlank() ? null : sha256(p.readToken().strip());
    this.adminHash = p.adminToken() == null || p.adminToken().isBlank() ? null : sha256(p.adminToken().strip());
    if (adminHash != null && readHash != null && MessageDigest.isEqual(adminHash, readHash)) {
      throw new TokenConfigurationException("FL_ADMIN_TOKEN equals FL_READ_TOKEN: a reader could submit and stop "
          + "runs; give the administrator a token of its own");
    }
    boolean variableSet = p.clientTokens() != null && !p.clientTokens().isBlank();
    if (file != null) {
      if (variableSet) {
        log.warn("FL_CLIENT_TOKENS is ignored: {} is set and wins", fileSource);
      }
      this.stamp = stamp(file);
      this.hashes = parse(read(file), fileSource);
      if (hashes.isEmpty()) {
        throw new TokenConfigurationException(fileSource + " holds no client tokens (client-id:secret, one per "
            + "line): write them to it, or unset FL_CLIENT_TOKENS_FILE to run open");
      }
    } else {
      this.hashes = parse(variableSet ? p.clientTokens() : "", "FL_CLIENT_TOKENS");
    }
    this.nextCheck = nanoTime.getAsLong() + CHECK_EVERY_NANOS;
    if (adminHash != null && hashes.values().stream().anyMatch(h -> MessageDigest.isEqual(h, adminHash))) {
      throw new TokenConfigurationException("FL_ADMIN_TOKEN equals a client's token: that client could submit and "
          + "stop runs; give the administrator a token of its own");
    }
    if (hashes.isEmpty()) {
      log.warn("no client tokens configured (FL_CLIENT_TOKENS): the aggregator runs OPEN, anyone can act as any "
          + "client (unless FL_TLS_CLIENT_AUTH=need requires client certificates). Fine for local experiments, not for "
          + "real sites.");
    } else {
      log.info("client authentication on: {} client tokens (hashed) from {}{}, read token {}", hashes.size(),
          file == null ? "FL_CLIENT_TOKENS" : fileSource, file == null ? "" : " (re-read when it changes)",
          readHash == null ? "not set (reads are open)" : "set");
    }
  }

  public boolean open() {
    return current().isEmpty();
  }

  public String mode() {
    return open() ? OPEN : TOKENS;
  }

  /** The client a bearer token belongs to. */
  public Optional<String> client(String token) {
    if (token == null) {
      return Optional.empty();
    }
    byte[] h = sha256(token);
    String found = null;
    for (Map.Entry<String, byte[]> e : current().entrySet()) { // compare against all: no early exit
      if (MessageDigest.isEqual(h, e.getValue())) {
        found = e.getKey();
      }
    }
    return Optional.ofNullable(found);
  }

  /** Whether submitting and stopping runs needs the admin token (else nobody may, or anybody may when open). */
  public boolean adminProtected() {
    return adminHash != null;
  }

  /** Whether the token is the admin token. */
  public boolean isAdminToken(String token) {
    return adminHash != null && token != null && MessageDigest.isEqual(sha256(token), adminHash);
  }

  public boolean readProtected() {
    return readHash != null;
  }

  /** Whether the token is the read token. */
  public boolean isReadToken(String token) {
    return readHash != null && token != null && MessageDigest.isEqual(sha256(token), readHash);
  }

  /** The tokens in force, after reloading the token file if it changed and its last check is a second old. */
  private Map<String, byte[]> current() {
    if (file != null && nanoTime.getAsLong() - nextCheck >= 0) {
      reloadIfChanged();
    }
    return hashes;
  }

  private void reloadIfChanged() {
    synchronized (reloadLock) {
      long now = nanoTime.getAsLong();
      if (now - nextCheck < 0) { // another thread has just checked
        return;
      }
      nextCheck = now + CHECK_EVERY_NANOS;
      Stamp seen;
      try {
        seen = stamp(file);
      } catch (TokenConfigurationException e) {
        if (stamp != null) { // log a vanished file once, not every second
          log.error("{}; keeping the {} client tokens loaded before", e.getMessage(), hashes.size());
        }
        stamp = null;
        return;
      }
      if (seen.equals(stamp)) {
        return;
      }
      stamp = seen;
      try {
        Map<String, byte[]> loaded = parse(read(file), fileSource);
        if (loaded.isEmpty()) {
          throw new TokenConfigurationException(fileSource + " holds no client tokens");
        }
        hashes = loaded;
        log.info("client tokens reloaded: {} clients", loaded.size());
      } catch (TokenConfigurationException e) {
        log.error("{}; keeping the {} client tokens loaded before", e.getMessage(), hashes.size());
      }
    }
  }

  /**
   * Entries {@code client-id:secret}, separated by commas or line breaks, as an unmodifiable map of client id to
   * the SHA-256 of its secret. A malformed entry or a client listed twice is refused; the message names
   * {@code source} and never contains a secret.
   */
  static Map<String, byte[]> parse(String entries, String source) {
    Map<String, byte[]> parsed = new LinkedHashMap<>();
    for (String entry : entries.split("[,\\n\\r]+")) {
      if (entry.isBlank()) {
        continue;
      }
      String e = entry.strip();
      int colon = e.indexOf(':');
      String id = colon < 0 ? "" : e.substring(0, colon).strip();
      String secret = colon < 0 ? "" : e.substring(colon + 1).strip();
      if (id.isEmpty() || secret.isEmpty()) {
        throw new TokenConfigurationException(source + ": a client token entry must read client-id:secret, got '"
            + e.replaceAll(":.*", ":***") + "'");
      }
      if (parsed.put(id, sha256(secret)) != null) {
        throw new TokenConfigurationException(source + ": client " + id + " has two tokens");
      }
    }
    return Collections.unmodifiableMap(parsed);
  }

  private String read(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TokenConfigurationException("cannot read " + fileSource + ": " + e, e);
    }
  }

  private Stamp stamp(Path path) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return new Stamp(a.lastModifiedTime(), a.size());
    } catch (IOException e) {
      throw new TokenConfigurationException("cannot read " + fileSource + ": " + e, e);
    }
  }

  /** What tells a changed token file: its last-modified time and its size. */
  private record Stamp(FileTime modified, long size) {}

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
