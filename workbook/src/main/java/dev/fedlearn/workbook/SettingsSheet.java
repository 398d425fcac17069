package dev.fedlearn.workbook;

import java.util.Map;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFSheet;

/** The Settings sheet: one row per setting of the run, in the report's order, then the run's state. */
final class SettingsSheet {
  private SettingsSheet() {}

  /** Writes the sheet. */
  static void write(XSSFSheet sheet, RunReport s, Styles st) {
    Cells.header(sheet, st.bold(), "Setting", "Value");
    int r = 1;
    for (Map.Entry<String, String> e : s.settings().entrySet()) {
      Row row = sheet.createRow(r++);
      row.createCell(0).setCellValue(e.getKey());
      row.createCell(1).setCellValue(e.getValue());
    }
    Row state = sheet.createRow(r);
    state.createCell(0).setCellValue("state");
    state.createCell(1).setCellValue(s.state());
    Cells.widths(sheet, 2, 30);
    Cells.filter(sheet, r, 1);
  }
}
