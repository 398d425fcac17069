package dev.fedlearn;

/**
 * The one source of the run's defaults: the seed's setup. They are strings so that annotations (Spring's
 * {@code @DefaultValue}, picocli's {@code defaultValue}) can name them; the typed constants are parsed from them.
 */
public final class Defaults {
  private Defaults() {}

  public static final String ROUNDS = "10";
  public static final String CLIENTS = "4";
  /** The image dataset, an {@link dev.fedlearn.engine.data.ImageSet}'s id: {@code mnist} or {@code fashion-mnist}. */
  public static final String DATASET = "mnist";
  /** The seed's client shard sizes. */
  public static final String CLIENT_SIZES = "1000,3000,2000,4000";
  public static final String LOCAL_EPOCHS = "50";
  public static final String BATCH_SIZE = "1";
  public static final String MOMENTUM = "0.9";
  public static final String SEED = "42";
  public static final String PRESET = "default";
  /** The hidden layers between a dataset's inputs and its classes. */
  public static final String HIDDEN = "20,15";
  public static final String LAYERS = "784," + HIDDEN + ",10";
  /** A table's label column. */
  public static final String LABEL_COLUMN = "label";
  /** A client's local train share; the rest is its local test split. */
  public static final String TRAIN_FRACTION = "0.7";
  /** How the server combines the updates ({@link dev.fedlearn.federation.strategy.Strategies}). */
  public static final String STRATEGY = "fedavg";
  /** Differential privacy's noise multiplier (when a clip norm turns it on). */
  public static final String DP_NOISE = "1.0";
  /** The delta at which differential privacy's epsilon is reported. */
  public static final String DP_DELTA = "1e-5";
  /**
   * Secure aggregation: clients clip every weight to {@code [-SECAGG_BOUND, SECAGG_BOUND]} before encoding it in fixed
   * point (a trained 784-20-15-10 network's largest weight is about 2).
   */
  public static final String SECAGG_BOUND = "16";
  /** The share of the clients picked to train each round ({@link dev.fedlearn.federation.ClientSampler}). */
  public static final String CLIENT_FRACTION = "1.0";
  /** The least number of clients picked to train each round. */
  public static final String MIN_FIT_CLIENTS = "1";

  /** Asynchronous aggregation: the most versions a change may be behind the newest before it is dropped. */
  public static final String MAX_STALENESS = "10";

  /** Asynchronous aggregation: the server learning rate applied to each version's buffered changes. */
  public static final String SERVER_LEARNING_RATE = "1.0";

  public static final int ROUNDS_VALUE = Integer.parseInt(ROUNDS);
  public static final int LOCAL_EPOCHS_VALUE = Integer.parseInt(LOCAL_EPOCHS);
  public static final int BATCH_SIZE_VALUE = Integer.parseInt(BATCH_SIZE);
  public static final float MOMENTUM_VALUE = Float.parseFloat(MOMENTUM);
  public static final long SEED_VALUE = Long.parseLong(SEED);
  public static final double TRAIN_FRACTION_VALUE = Double.parseDouble(TRAIN_FRACTION);
}
