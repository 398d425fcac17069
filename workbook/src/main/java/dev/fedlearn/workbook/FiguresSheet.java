package dev.fedlearn.workbook;

import java.time.Instant;
import java.util.List;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFSheet;

/**
 * The Training and Evaluations sheets, one table each: one row per client and round, its sample count, loss,
 * accuracy and arrival; the clients' local training in Training, their scores of the round's global model in
 * Evaluations.
 */
final class FiguresSheet {
  /** A row: a client's figures in a round. */
  private record Figures(int round, String clientId, long samples, double loss, double accuracy, Instant at) {}

  private FiguresSheet() {}

  /** Training: each client's local training (the figures of its last epoch) by round. */
  static void training(XSSFSheet sheet, RunReport s, Styles st) {
    write(sheet, st, "Samples", "Train loss", "Train accuracy", s.rounds().stream()
        .flatMap(v -> v.training().stream().map(t -> new Figures(v.round(), t.clientId(), t.numSamples(),
            t.trainLoss(), t.trainAccuracy(), t.receivedAt()))).toList());
  }

  /** Evaluations: each client's score of the round's global model on its test split, by round. */
  static void evaluations(XSSFSheet sheet, RunReport s, Styles st) {
    write(sheet, st, "Test samples", "Test loss", "Test accuracy", s.rounds().stream()
        .flatMap(v -> v.evaluations().stream().map(e -> new Figures(v.round(), e.clientId(), e.numSamples(),
            e.loss(), e.accuracy(), e.receivedAt()))).toList());
  }

  /** The table, its samples, loss and accuracy columns under these names. */
  private static void write(XSSFSheet sheet, Styles st, String samples, String loss, String accuracy,
      List<Figures> rows) {
    Cells.header(sheet, st.bold(), "Round", "Client", samples, loss, accuracy, "Received (UTC)");
    int r = 1;
    for (Figures f : rows) {
      Row row = sheet.createRow(r++);
      row.createCell(0).setCellValue(f.round());
      row.createCell(1).setCellValue(f.clientId());
      row.createCell(2).setCellValue(f.samples());
      row.createCell(3).setCellValue(f.loss());
      Cells.number(row, 4, f.accuracy(), st.pct());
      Cells.time(row, 5, f.at(), st.time());
    }
    Cells.widths(sheet, 6, 16);
    sheet.setColumnWidth(5, 24 * 256);
    Cells.filter(sheet, r - 1, 5);
  }
}
