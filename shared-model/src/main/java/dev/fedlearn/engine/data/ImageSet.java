package dev.fedlearn.engine.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The image datasets in MNIST's idx layout (28 x 28 unsigned-byte images, labels 0..9), each with the SHA-256 of its
 * four files' decompressed bytes as published, which {@link Mnist#load(java.nio.file.Path, ImageSet, Mnist.Part,
 * IdxCache)} verifies. The id names the dataset in a run's definition ({@code RunDefinition.Data.dataset}), on the
 * command line ({@code --dataset}) and in the aggregator's {@code FL_DATASET}; it is also the folder's name under the
 * data folder ({@code data/mnist}, {@code data/fashion-mnist}).
 */
public enum ImageSet {
  /** Handwritten digits (LeCun, Cortes and Burges). */
  MNIST("mnist", "MNIST",
      "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
      "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
      "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
      "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
  /** Zalando's article images (Xiao, Rasul and Vollgraf 2017): ten kinds of clothing, shoes and bags. */
  FASHION_MNIST("fashion-mnist", "Fashion-MNIST",
      "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
      "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
      "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
      "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

  private final String id;
  private final String title;
  private final String trainImages;
  private final String trainLabels;
  private final String testImages;
  private final String testLabels;

  ImageSet(String id, String title, String trainImages, String trainLabels, String testImages, String testLabels) {
    this.id = id;
    this.title = title;
    this.trainImages = trainImages;
    this.trainLabels = trainLabels;
    this.testImages = testImages;
    this.testLabels = testLabels;
  }

  /** The id: {@code mnist} or {@code fashion-mnist}. */
  public String id() {
    return id;
  }

  /** The name people know it by, for messages. */
  public String title() {
    return title;
  }

  /** The SHA-256 of {@code part}'s decompressed images file. */
  public String imagesSha256(Mnist.Part part) {
    return part == Mnist.Part.TRAIN ? trainImages : testImages;
  }

  /** The SHA-256 of {@code part}'s decompressed labels file. */
  public String labelsSha256(Mnist.Part part) {
    return part == Mnist.Part.TRAIN ? trainLabels : testLabels;
  }

  /** The ids, as a list for messages: {@code mnist, fashion-mnist}. */
  public static String ids() {
    return Arrays.stream(values()).map(ImageSet::id).collect(Collectors.joining(", "));
  }

  /** The set whose id is {@code id} (ignoring case); refuses any other id, listing the known ones. */
  public static ImageSet of(String id) {
    for (ImageSet set : values()) {
      if (set.id.equals(id == null ? null : id.strip().toLowerCase(Locale.ROOT))) {
        return set;
      }
    }
    throw new IllegalArgumentException("unknown image dataset '" + id + "': expected one of " + ids());
  }

  @Override
  public String toString() {
    return id;
  }
}
