package dev.fedlearn.aggregator.metrics;

import static dev.fedlearn.federation.run.TestRuns.evaluation;
import static dev.fedlearn.federation.run.TestRuns.registration;
import static dev.fedlearn.federation.run.TestRuns.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.federation.run.TestRuns;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkbookArchiverTest {
  static final Duration SAVED_WITHIN = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void aRunCompletedBeforeTheArchiverExistsIsSaved() throws Exception {
    RunCoordinator run = TestRuns.run(1, 1); // as a restored run that completes while it is restored
    run.register(registration("a"));
    run.submitUpdate(1, update("a", 10, 0.5f));
    Path target = dir.resolve("metrics.xlsx");
    try (WorkbookArchiver archiver = new WorkbookArchiver(new Runs(null, 1, run), new WorkbookWriter(), target)) {
      await().atMost(SAVED_WITHIN).until(() -> Files.isRegularFile(target));
    }
    assertThat(evaluationRows(target)).isZero();
  }

  @Test
  void scoresOfTheFinalModelThatArriveAfterCompletionAreSavedToo() throws Exception {
    RunCoordinator run = TestRuns.run(1, 2);
    Path target = dir.resolve("metrics.xlsx");
    try (WorkbookArchiver archiver = new WorkbookArchiver(new Runs(null, 1, run), new WorkbookWriter(), target)) {
      run.register(registration("a"));
      run.register(registration("b"));
      run.submitUpdate(1, update("a", 10, 0.5f));
      assertThat(target).doesNotExist(); // the run is not completed yet
      run.submitUpdate(1, update("b", 10, 0.5f));
      await().atMost(SAVED_WITHIN).until(() -> Files.isRegularFile(target));
      run.submitEvaluation(1, evaluation("a"));
      run.submitEvaluation(1, evaluation("b"));
      await().atMost(SAVED_WITHIN).until(() -> evaluationRows(target) == 2);
    }
  }

  private static int evaluationRows(Path workbook) throws Exception {
    try (InputStream in = Files.newInputStream(workbook); XSSFWorkbook book = new XSSFWorkbook(in)) {
      return book.getSheet(WorkbookWriter.EVALUATIONS).getLastRowNum();
    }
  }
}
