package dev.fedlearn.workbook;

import dev.fedlearn.protocol.Confusion;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFSheet;

/**
 * The Confusion sheet: the latest scored model's confusion matrix summed over the clients' test splits, one row per
 * true class with its support, precision, recall and F1, then how many of its samples went to each predicted class;
 * a last row gives the macro averages.
 */
final class ConfusionSheet {
  private ConfusionSheet() {}

  static void write(XSSFSheet sheet, RunReport s, Styles st) {
    Confusion c = s.confusion();
    List<String> names = new ArrayList<>(List.of("True class", "Support", "Precision", "Recall", "F1"));
    if (c != null) {
      c.classes().forEach(k -> names.add("Predicted " + k));
    }
    Cells.header(sheet, st.bold(), names.toArray(String[]::new));
    if (c == null) {
      Cells.note(sheet.createRow(1), 0, "no confusion counts: the clients sent none (a private run, or no model "
          + "scored yet)", st.note());
      Cells.filter(sheet, 1, names.size() - 1);
      return;
    }
    int r = 1;
    for (int t = 0; t < c.classes().size(); t++) {
      Confusion.ClassScores k = c.perClass().get(t);
      Row row = sheet.createRow(r++);
      row.createCell(0).setCellValue(k.name());
      row.createCell(1).setCellValue(k.support());
      Cells.number(row, 2, k.precision(), st.pct());
      Cells.number(row, 3, k.recall(), st.pct());
      Cells.number(row, 4, k.f1(), st.pct());
      for (int p = 0; p < c.classes().size(); p++) {
        row.createCell(5 + p).setCellValue(c.counts().get(t).get(p));
      }
    }
    Cells.filter(sheet, r - 1, names.size() - 1);
    Row macro = sheet.createRow(r);
    macro.createCell(0).setCellValue("macro average");
    macro.getCell(0).setCellStyle(st.bold());
    Cells.number(macro, 2, c.macroPrecision(), st.pct());
    Cells.number(macro, 3, c.macroRecall(), st.pct());
    Cells.number(macro, 4, c.macroF1(), st.pct());
    Cells.widths(sheet, names.size(), 14);
  }
}
