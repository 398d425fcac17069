package dev.fedlearn.protocol;

/**
 * A message the federation refuses, and why, in its own terms (no HTTP here): the web layer maps each {@link Kind} to an HTTP status
 * and the refusal to an RFC 9457 problem detail with this title and message.
 */
public class Refusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a request is refused. */
  public enum Kind {
    /** The request itself is wrong: a missing field, a value out of bounds, weights of the wrong shape. */
    INVALID,
    /** It names a client or round the run does not have. */
    UNKNOWN,
    /** It does not fit the run's state: a closed round, a second update, a full or finished run. */
    CONFLICT,
    /** The caller may not act as the client it names. */
    FORBIDDEN,
    /** This aggregator serves no run (it was started with other settings than its stored run's). */
    NOT_SERVING,
    /** Too many of these requests are being served at once; try again later. */
    BUSY
  }

  private final Kind kind;
  private final String title;
  private final String type; // the problem's type URI; null for about:blank

  public Refusal(Kind kind, String title, String detail) {
    this(kind, title, detail, null);
  }

  /** A refusal whose problem {@code type} tells a client what to do next ({@link ProblemTypes}). */
  public Refusal(Kind kind, String title, String detail, String type) {
    super(detail);
    this.kind = kind;
    this.title = title;
    this.type = type;
  }

  /** The problem's type URI, or null for {@code about:blank}. */
  public String type() {
    return type;
  }

  public Kind kind() {
    return kind;
  }

  public String title() {
    return title;
  }

  public static Refusal invalid(String detail) {
    return new Refusal(Kind.INVALID, "Invalid request", detail);
  }

  public static Refusal unknown(String title, String detail) {
    return new Refusal(Kind.UNKNOWN, title, detail);
  }

  public static Refusal conflict(String title, String detail) {
    return new Refusal(Kind.CONFLICT, title, detail);
  }
}
