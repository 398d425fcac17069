package dev.fedlearn.engine.nn;

import java.util.Arrays;
import java.util.Locale;

/**
 * A named set of the choices a user does not want to make: initialisation, input scaling, learning rates, weight
 * decay. {@link #DEFAULT} is the best setting we measured for the seed's setup; {@link #SEED} reproduces the
 * original notebook so that its figures can be compared.
 */
public enum Preset {
  /**
   * He-uniform initialisation, inputs {@code x/255}, learning rate 0.01 for every layer, L2 decay 1e-4 added to the
   * weights' gradient, samples reshuffled every epoch.
   */
  DEFAULT("default", Initialiser.HE_UNIFORM, 0f, new float[] {0.01f}, 1e-4f, false, true),
  /**
   * The original notebook: {@code U(-1,1)} initialisation of weights and biases, inputs {@code (x+10)/255}, learning
   * rates 0.003/0.002/0.001 for the three layers, and its decay: each step {@code p = p - lr*v - 1e-5*p} for weights
   * and biases alike (decoupled from the gradient, so not scaled by the learning rate). Like the notebook, it visits
   * the local samples in the same order every epoch.
   */
  SEED("seed", Initialiser.UNIFORM_ONE, 10f, new float[] {0.003f, 0.002f, 0.001f}, 1e-5f, true, false);

  private final String id;
  private final Initialiser initialiser;
  private final float inputOffset;
  private final float[] learningRates;
  private final float l2;
  private final boolean decoupledDecay;
  private final boolean reshuffles;

  Preset(String id, Initialiser initialiser, float inputOffset, float[] learningRates, float l2,
      boolean decoupledDecay, boolean reshuffles) {
    this.id = id;
    this.initialiser = initialiser;
    this.inputOffset = inputOffset;
    this.learningRates = learningRates;
    this.l2 = l2;
    this.decoupledDecay = decoupledDecay;
    this.reshuffles = reshuffles;
  }

  public static Preset parse(String text) {
    for (Preset p : values()) {
      if (p.id.equals(text.toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown preset '" + text + "': use default or seed");
  }

  public String id() {
    return id;
  }

  public Initialiser initialiser() {
    return initialiser;
  }

  /** Inputs are {@code (pixel + inputOffset) / 255}. */
  public float inputOffset() {
    return inputOffset;
  }

  /** The amount of weight decay; {@link #decoupledDecay()} says which kind. */
  public float l2() {
    return l2;
  }

  /**
   * Whether the decay shrinks weights and biases directly each step ({@code p -= decay*p}, the notebook's way)
   * rather than being added to the weights' gradient as L2.
   */
  public boolean decoupledDecay() {
    return decoupledDecay;
  }

  /** Whether training visits the samples in a fresh seeded order every epoch (else in their given order). */
  public boolean reshuffles() {
    return reshuffles;
  }

  /** The preset's learning rate of each weight layer, {@code [0]} for layer 1. */
  public float[] learningRates(int depth) {
    if (learningRates.length == 1) {
      float[] all = new float[depth];
      Arrays.fill(all, learningRates[0]);
      return all;
    }
    if (learningRates.length != depth) {
      throw new IllegalArgumentException("the " + id + " preset sets learning rates for " + learningRates.length
          + " layers, the network has " + depth + "; give --learning-rate");
    }
    return learningRates.clone();
  }

  @Override
  public String toString() {
    return id;
  }
}
