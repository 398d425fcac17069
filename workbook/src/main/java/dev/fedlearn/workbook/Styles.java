package dev.fedlearn.workbook;

import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.DataFormat;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/** The cell styles every sheet shares: bold headers, percentages, UTC times and italic notes. */
record Styles(CellStyle bold, CellStyle pct, CellStyle time, CellStyle note) {

  /** Creates the styles in {@code book} (before any sheet: the cells refer to them by index). */
  static Styles of(XSSFWorkbook book) {
    DataFormat formats = book.createDataFormat();
    CellStyle bold = book.createCellStyle();
    Font font = book.createFont();
    font.setBold(true);
    bold.setFont(font);
    CellStyle pct = book.createCellStyle();
    pct.setDataFormat(formats.getFormat(Workbook.PERCENT_FORMAT));
    CellStyle time = book.createCellStyle();
    time.setDataFormat(formats.getFormat(Workbook.TIME_FORMAT));
    CellStyle note = book.createCellStyle();
    Font italic = book.createFont();
    italic.setItalic(true);
    note.setFont(italic);
    return new Styles(bold, pct, time, note);
  }
}
