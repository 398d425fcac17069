package dev.fedlearn.aggregator.metrics;

import static dev.fedlearn.federation.run.TestRuns.evaluation;
import static dev.fedlearn.federation.run.TestRuns.registration;
import static dev.fedlearn.federation.run.TestRuns.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.TestRuns;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

class WorkbookWriterTest {
  @Test
  void theWorkbookHoldsEveryRoundClientEvaluationSettingAndWeight() throws Exception {
    RunCoordinator run = TestRuns.run(2, 2);
    run.register(registration("a"));
    run.register(registration("b"));
    run.submitUpdate(1, update("a", 10, 0.5f));
    run.submitUpdate(1, update("b", 30, 0.9f));
    run.submitEvaluation(1, evaluation("a"));
    run.submitEvaluation(1, evaluation("b"));
    run.submitUpdate(2, update("a", 10, 0.6f));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new WorkbookWriter().write(run, out);

    try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(out.toByteArray()))) {
      XSSFSheet rounds = book.getSheet(WorkbookWriter.ROUNDS);
      assertThat(rounds.getLastRowNum()).as("header, initial model, round 1 (round 2 is open)").isEqualTo(2);
      assertThat(rounds.getRow(2).getCell(0).getNumericCellValue()).isEqualTo(1);
      assertThat(rounds.getRow(2).getCell(1).getNumericCellValue()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-6));
      assertThat(rounds.getRow(2).getCell(3).getNumericCellValue()).isEqualTo(0.9);
      assertThat(rounds.getRow(2).getCell(4).getStringCellValue()).isEqualTo("a, b");
      assertThat(rounds.getDrawingPatriarch().getCharts()).hasSize(1);

      XSSFSheet training = book.getSheet(WorkbookWriter.TRAINING);
      assertThat(training.getLastRowNum()).as("two updates in round 1, one in round 2").isEqualTo(3);
      assertThat(training.getRow(3).getCell(1).getStringCellValue()).isEqualTo("a");
      assertThat(book.getSheet(WorkbookWriter.EVALUATIONS).getLastRowNum()).isEqualTo(2);
      assertThat(book.getSheet(WorkbookWriter.CLIENTS).getLastRowNum()).isEqualTo(2);
      XSSFSheet settings = book.getSheet(WorkbookWriter.SETTINGS);
      assertThat(settings.getRow(1).getCell(0).getStringCellValue()).isEqualTo("rounds");
      java.util.Map<String, String> shown = new java.util.HashMap<>();
      for (int i = 1; i <= settings.getLastRowNum(); i++) {
        shown.put(settings.getRow(i).getCell(0).getStringCellValue(), settings.getRow(i).getCell(1).getStringCellValue());
      }
      assertThat(shown).containsEntry("strategy.name", "fedavg").containsEntry("sampling.fraction", "1.0")
          .containsEntry("sampling.minClients", "1").containsEntry("training.localEpochs", "1");
      assertThat(rounds.getRow(0).getCell(8).getStringCellValue()).isEqualTo("Selected");
      assertThat(rounds.getRow(2).getCell(8).getStringCellValue()).isEqualTo("a, b");

      XSSFSheet weights = book.getSheet(WorkbookWriter.WEIGHTS);
      assertThat(weights.getLastRowNum()).as("6 parameters").isEqualTo(6);
      assertThat(weights.getRow(0).getCell(6).getStringCellValue()).isEqualTo("Round 1");
      assertThat(weights.getRow(1).getCell(2).getStringCellValue()).isEqualTo("W");
      assertThat(weights.getRow(1).getCell(5).getNumericCellValue()).isEqualTo(0.1f);
      assertThat(weights.getRow(1).getCell(6).getNumericCellValue())
          .as("round 1: (10 * 0.5 + 30 * 0.9) / 40 in float").isEqualTo((float) ((10 * 0.5 + 30 * (double) 0.9f) / 40));
      assertThat(weights.getRow(5).getCell(2).getStringCellValue()).isEqualTo("b");
      assertThat(weights.getRow(5).getCell(3).getNumericCellValue()).isEqualTo(0);
    }
  }
}
