package dev.fedlearn.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * A confusion matrix summed over the clients' test splits, with each class's precision, recall and F1 and their
 * macro averages (a class never predicted has precision 0, one never present recall 0, as scikit-learn's
 * {@code zero_division=0}).
 *
 * @param classes the classes' names, in the network's output order
 * @param counts {@code counts[t][p]}: samples of true class {@code t} predicted {@code p}
 * @param perClass each class's figures, in the same order
 */
public record Confusion(List<String> classes, List<List<Long>> counts, List<ClassScores> perClass,
    double macroPrecision, double macroRecall, double macroF1) {

  /** One class: how many samples truly are of it ({@code support}), its precision, recall and F1. */
  public record ClassScores(String name, long support, double precision, double recall, double f1) {}

  public Confusion {
    classes = List.copyOf(classes);
    counts = counts.stream().map(List::copyOf).toList();
    perClass = List.copyOf(perClass);
  }

  /** The summary of {@code counts}, row-major {@code [true * k + predicted]} over {@code classes}. */
  public static Confusion of(List<String> classes, long[] counts) {
    int k = classes.size();
    if (counts.length != k * k) {
      throw new IllegalArgumentException(counts.length + " counts for " + k + " classes");
    }
    List<List<Long>> rows = new ArrayList<>();
    List<ClassScores> scores = new ArrayList<>();
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    for (int c = 0; c < k; c++) {
      List<Long> row = new ArrayList<>();
      long support = 0;
      long predicted = 0;
      for (int j = 0; j < k; j++) {
        row.add(counts[c * k + j]);
        support += counts[c * k + j];
        predicted += counts[j * k + c];
      }
      rows.add(row);
      long hit = counts[c * k + c];
      double p = predicted == 0 ? 0 : (double) hit / predicted;
      double r = support == 0 ? 0 : (double) hit / support;
      double f = p + r == 0 ? 0 : 2 * p * r / (p + r);
      scores.add(new ClassScores(classes.get(c), support, p, r, f));
      precision += p;
      recall += r;
      f1 += f;
    }
    return new Confusion(classes, rows, scores, precision / k, recall / k, f1 / k);
  }

  /** The names {@code 0..k-1}: the classes of images, which are digits or numbered. */
  public static List<String> numbered(int k) {
    List<String> names = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      names.add(Integer.toString(c));
    }
    return names;
  }
}
