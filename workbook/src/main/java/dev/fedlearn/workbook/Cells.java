package dev.fedlearn.workbook;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.poi.ss.SpreadsheetVersion;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.util.CellRangeAddress;

/**
 * The cells and tables every sheet writes: a bold, frozen header row, an autofilter, column widths, and number, time,
 * text and note cells.
 */
final class Cells {
  /** Data rows a sheet can hold below its header (Excel's limit). */
  static final int MAX_DATA_ROWS = SpreadsheetVersion.EXCEL2007.getMaxRows() - 1;

  private Cells() {}

  /** The header row: these names in bold, frozen above the rows that scroll. */
  static void header(Sheet sheet, CellStyle bold, String... names) {
    Row row = sheet.createRow(0);
    for (int c = 0; c < names.length; c++) {
      row.createCell(c).setCellValue(names[c]);
      row.getCell(c).setCellStyle(bold);
    }
    sheet.createFreezePane(0, 1);
  }

  /** An autofilter on the header row of a table with columns 0..lastColumn and data down to lastRow. */
  static void filter(Sheet sheet, int lastRow, int lastColumn) {
    sheet.setAutoFilter(new CellRangeAddress(0, Math.max(1, lastRow), 0, lastColumn));
  }

  /** Columns 0..columns-1 this many characters wide. */
  static void widths(Sheet sheet, int columns, int chars) {
    for (int c = 0; c < columns; c++) {
      sheet.setColumnWidth(c, chars * 256);
    }
  }

  /** A number in this style. */
  static void number(Row row, int column, double value, CellStyle style) {
    Cell cell = row.createCell(column);
    cell.setCellValue(value);
    cell.setCellStyle(style);
  }

  /** A time as an Excel date-time in UTC; none, an empty cell. */
  static void time(Row row, int column, Instant t, CellStyle style) {
    if (t != null) {
      Cell cell = row.createCell(column);
      cell.setCellValue(LocalDateTime.ofInstant(t, ZoneOffset.UTC));
      cell.setCellStyle(style);
    }
  }

  /** A text; none, an empty cell. */
  static void text(Row row, int column, String value) {
    if (value != null) {
      row.createCell(column).setCellValue(value);
    }
  }

  /** A note to the reader in this style (italic), e.g. beside a header. */
  static void note(Row row, int column, String text, CellStyle style) {
    Cell cell = row.createCell(column);
    cell.setCellValue(text);
    cell.setCellStyle(style);
  }
}
