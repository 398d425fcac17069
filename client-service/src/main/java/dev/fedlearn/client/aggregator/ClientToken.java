package dev.fedlearn.client.aggregator;

import dev.fedlearn.client.ClientProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token this client presents, asked for before every call. From {@code FL_CLIENT_TOKEN_FILE} when it is
 * set (then {@code FL_CLIENT_TOKEN} is ignored, with one log line saying so), else from {@code FL_CLIENT_TOKEN},
 * else none (the aggregator runs open). A token file is read at startup (unreadable or empty: the client does not
 * start) and again before every call, so a rotated token is used without a restart; a later read that fails or
 * finds the file empty (for instance while it is being rewritten) keeps the token read before and logs why.
 */
public final class ClientToken implements Supplier<String> {
  private static final Logger log = LoggerFactory.getLogger(ClientToken.class);

  private final String fixed; // FL_CLIENT_TOKEN, when no file is set; null: none
  private final Path file;
  private volatile String fromFile; // the last token read from the file
  private volatile String lastProblem; // the last failed read, logged once

  private ClientToken(String fixed, Path file) {
    this.fixed = fixed == null || fixed.isBlank() ? null : fixed.strip();
    this.file = file;
    if (file != null) {
      try {
        this.fromFile = read(file);
      } catch (IOException e) {
        throw new ClientTokenException("cannot read FL_CLIENT_TOKEN_FILE " + file + ": " + e, e);
      }
      if (fromFile == null) {
        throw new ClientTokenException("FL_CLIENT_TOKEN_FILE " + file + " is empty", null);
      }
    }
  }

  /** The token the settings name: the file when set (the variable then ignored, logged), else the variable. */
  public static ClientToken from(ClientProperties properties) {
    boolean variableSet = properties.clientToken() != null && !properties.clientToken().isBlank();
    if (properties.clientTokenFile() != null && variableSet) {
      log.warn("FL_CLIENT_TOKEN is ignored: FL_CLIENT_TOKEN_FILE {} is set and wins", properties.clientTokenFile());
    }
    return properties.clientTokenFile() != null ? new ClientToken(null, properties.clientTokenFile())
        : new ClientToken(properties.clientToken(), null);
  }

  /** A fixed token; null or blank: none. */
  public static ClientToken of(String token) {
    return new ClientToken(token, null);
  }

  /** The token in the file, re-read on each {@link #get()}. */
  public static ClientToken file(Path file) {
    return new ClientToken(null, Objects.requireNonNull(file));
  }

  /** Whether the token comes from a file, which may change while the client runs. */
  public boolean fromFile() {
    return file != null;
  }

  /** The token to send now, or null for none. */
  @Override
  public String get() {
    if (file == null) {
      return fixed;
    }
    String problem;
    try {
      String token = read(file);
      if (token != null) {
        if (!token.equals(fromFile)) {
          log.info("the token in FL_CLIENT_TOKEN_FILE {} changed: using the new one", file);
          fromFile = token;
        }
        lastProblem = null;
        return token;
      }
      problem = "FL_CLIENT_TOKEN_FILE " + file + " is empty";
    } catch (IOException e) {
      problem = "cannot read FL_CLIENT_TOKEN_FILE " + file + ": " + e;
    }
    if (!problem.equals(lastProblem)) {
      log.warn("{}; using the token read before", problem);
      lastProblem = problem;
    }
    return fromFile;
  }

  /** The file's first line, stripped; null when there is none. */
  private static String read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    int lineBreak = text.indexOf('\n');
    String token = (lineBreak < 0 ? text : text.substring(0, lineBreak)).strip();
    return token.isEmpty() ? null : token;
  }
}
