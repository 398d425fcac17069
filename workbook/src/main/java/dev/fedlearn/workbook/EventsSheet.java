package dev.fedlearn.workbook;

import java.util.List;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.streaming.SXSSFSheet;

/** The Events sheet (streamed): one row per event of the run, in the report's order (oldest first). */
final class EventsSheet {
  private EventsSheet() {}

  /** Writes the sheet: as many events as Excel's rows hold, none if the report has none. */
  static void write(SXSSFSheet sheet, RunReport s, Styles st) {
    Cells.header(sheet, st.bold(), "Time (UTC)", "Type", "Round", "Client", "Detail");
    List<RunReport.Event> events = s.events() == null ? List.of() : s.events();
    int r = 1;
    for (RunReport.Event e : events) {
      if (r > Cells.MAX_DATA_ROWS) {
        break;
      }
      Row row = sheet.createRow(r++);
      Cells.time(row, 0, e.at(), st.time());
      Cells.text(row, 1, e.type());
      if (e.round() != null) {
        row.createCell(2).setCellValue(e.round());
      }
      Cells.text(row, 3, e.clientId());
      Cells.text(row, 4, e.detail());
    }
    sheet.setColumnWidth(0, 24 * 256);
    sheet.setColumnWidth(1, 14 * 256);
    sheet.setColumnWidth(2, 8 * 256);
    sheet.setColumnWidth(3, 16 * 256);
    sheet.setColumnWidth(4, 90 * 256);
    Cells.filter(sheet, Math.max(1, r - 1), 4);
  }
}
