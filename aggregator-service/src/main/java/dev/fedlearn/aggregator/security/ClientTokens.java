package dev.fedlearn.aggregator.security;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Who may act as which client. The aggregator learns each client's secret from {@code FL_CLIENT_TOKENS} or
 * {@code FL_CLIENT_TOKENS_FILE} and keeps only its SHA-256 hash; a request's bearer token is hashed and compared in
 * constant time. With no tokens configured the aggregator runs open (anyone may act as any client) and says so.
 */
@Component
public class ClientTokens {
  private static final Logger log = LoggerFactory.getLogger(ClientTokens.class);
  public static final String OPEN = "open";
  public static final String TOKENS = "tokens";

  private final Map<String, byte[]> hashes = new LinkedHashMap<>(); // client id -> SHA-256 of its token
  private final byte[] readHash;

  public ClientTokens(AggregatorProperties p) {
    StringBuilder entries = new StringBuilder(p.clientTokens() == null ? "" : p.clientTokens());
    if (p.clientTokensFile() != null) {
      try {
        entries.append(',').append(Files.readString(p.clientTokensFile(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read FL_CLIENT_TOKENS_FILE " + p.clientTokensFile(), e);
      }
    }
    for (String entry : entries.toString().split("[,\\n\\r]+")) {
      if (entry.isBlank()) {
        continue;
      }
      int colon = entry.indexOf(':');
      if (colon <= 0 || colon == entry.strip().length() - 1) {
        throw new IllegalArgumentException("a client token entry must read client-id:secret, got '"
            + entry.strip().replaceAll(":.*", ":***") + "'");
      }
      String id = entry.substring(0, colon).strip();
      String secret = entry.substring(colon + 1).strip();
      if (hashes.put(id, sha256(secret)) != null) {
        throw new IllegalArgumentException("client " + id + " has two tokens");
      }
    }
    this.readHash = p.readToken() == null || p.readToken().isBlank() ? null : sha256(p.readToken().strip());
    if (hashes.isEmpty()) {
      log.warn("no client tokens configured (FL_CLIENT_TOKENS): the aggregator runs OPEN, anyone can act as any "
          + "client. Fine for local experiments, not for real sites.");
    } else {
      log.info("client authentication on: {} client tokens (hashed), read token {}", hashes.size(),
          readHash == null ? "not set (reads are open)" : "set");
    }
  }

  public boolean open() {
    return hashes.isEmpty();
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
    for (Map.Entry<String, byte[]> e : hashes.entrySet()) { // compare against all: no early exit
      if (MessageDigest.isEqual(h, e.getValue())) {
        found = e.getKey();
      }
    }
    return Optional.ofNullable(found);
  }

  public boolean readProtected() {
    return readHash != null;
  }

  /** Whether the token opens the read endpoints: the read token or any client's. */
  public boolean mayRead(String token) {
    return !readProtected() || (token != null
        && (MessageDigest.isEqual(sha256(token), readHash) || client(token).isPresent()));
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
