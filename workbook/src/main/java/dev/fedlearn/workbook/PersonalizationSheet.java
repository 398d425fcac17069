package dev.fedlearn.workbook;

import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFSheet;

/**
 * The Personalization sheet, when clients personalized the run's final model: one row per client, its fine-tuning
 * epochs, the test samples it scored on, the global model's accuracy there, its personalized model's, and the change.
 */
final class PersonalizationSheet {
  private PersonalizationSheet() {}

  static void write(XSSFSheet sheet, RunReport s, Styles st) {
    String[] names = {"Client", "Epochs", "Test samples", "Global model accuracy", "Personalized accuracy",
        "Change"};
    Cells.header(sheet, st.bold(), names);
    int r = 1;
    for (RunReport.Personalized p : s.personalized()) {
      Row row = sheet.createRow(r++);
      row.createCell(0).setCellValue(p.clientId());
      row.createCell(1).setCellValue(p.epochs());
      row.createCell(2).setCellValue(p.testSamples());
      Cells.number(row, 3, p.globalAccuracy(), st.pct());
      Cells.number(row, 4, p.accuracy(), st.pct());
      Cells.number(row, 5, p.accuracy() - p.globalAccuracy(), st.pct());
    }
    Cells.filter(sheet, r - 1, names.length - 1);
    Cells.widths(sheet, names.length, 16);
  }
}
