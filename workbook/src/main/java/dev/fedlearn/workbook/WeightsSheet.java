package dev.fedlearn.workbook;

import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.federation.ModelRetention;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.streaming.SXSSFSheet;

/**
 * The Weights sheet (streamed): one row per parameter (its layer, W or b, row and column), one column per global
 * model the run kept ({@link ModelRetention}), the initial model as round 0.
 */
final class WeightsSheet {
  private WeightsSheet() {}

  /** Writes the sheet, with a note saying whether it shows every round's model or which ones. */
  static void write(SXSSFSheet weights, RunReport s, Styles st) {
    List<Integer> kept = new ArrayList<>(s.models().keySet());
    List<float[]> models = new ArrayList<>(s.models().values());
    boolean every = kept.size() == s.completedRounds() + 1;
    String[] head = new String[5 + models.size()];
    head[0] = "Parameter";
    head[1] = "Layer";
    head[2] = "Kind";
    head[3] = "Row";
    head[4] = "Column";
    for (int k = 0; k < models.size(); k++) {
      head[5 + k] = "Round " + kept.get(k);
    }
    Cells.header(weights, st.bold(), head);
    Cells.note(weights.getRow(0), head.length, every ? "Every round's global model (round 0: the initial model)"
        : "Rounds shown: the initial model (round 0), every k-th round (k = " + (kept.size() > 1 ? kept.get(1) : 1)
            + ") and the latest; an aggregator's store keeps every round's, fl simulate only these", st.note());
    LayerSizes sizes = s.layerSizes();
    int r = 1;
    for (int l = 1; l <= sizes.depth(); l++) {
      int cols = sizes.size(l - 1);
      for (int j = sizes.weightOffset(l); j < sizes.biasOffset(l) + sizes.size(l); j++) {
        boolean bias = j >= sizes.biasOffset(l);
        int local = j - (bias ? sizes.biasOffset(l) : sizes.weightOffset(l));
        Row row = weights.createRow(r++);
        row.createCell(0).setCellValue(j);
        row.createCell(1).setCellValue(l);
        row.createCell(2).setCellValue(bias ? "b" : "W");
        row.createCell(3).setCellValue(bias ? local : local / cols);
        if (!bias) {
          row.createCell(4).setCellValue(local % cols);
        }
        for (int k = 0; k < models.size(); k++) {
          row.createCell(5 + k).setCellValue(models.get(k)[j]);
        }
      }
    }
    Cells.filter(weights, Math.max(1, r - 1), head.length - 1);
  }
}
