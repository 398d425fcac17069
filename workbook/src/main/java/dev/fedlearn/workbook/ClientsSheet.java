package dev.fedlearn.workbook;

import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFSheet;

/** The Clients sheet: one row per client, its train and test samples and when it registered. */
final class ClientsSheet {
  private ClientsSheet() {}

  /** Writes the sheet; a private run's clients without their sample counts. */
  static void write(XSSFSheet sheet, RunReport s, Styles st) {
    Cells.header(sheet, st.bold(), "Client", "Train samples", "Test samples", "Registered (UTC)");
    int r = 1;
    for (RunReport.Client c : s.clients()) {
      Row row = sheet.createRow(r++);
      row.createCell(0).setCellValue(c.clientId());
      if (c.trainSamples() != null) { // null in a private run: no client's own counts are shown
        row.createCell(1).setCellValue(c.trainSamples());
        row.createCell(2).setCellValue(c.testSamples());
      }
      Cells.time(row, 3, c.registeredAt(), st.time());
    }
    Cells.widths(sheet, 4, 16);
    sheet.setColumnWidth(3, 24 * 256);
    Cells.filter(sheet, r - 1, 3);
  }
}
