package dev.fedlearn.federation.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.RunState;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The board alone: a poller is held until a newer model or the end of the run is posted, or its wait runs out. */
class ModelBoardTest {
  static GlobalModel model(int round, RunState state) {
    return GlobalModel.of(round, 3, state, new Model(TestRuns.SIZES, new float[6]), null);
  }

  @Test
  void aPollIsAFutureCompletedWhenNewsIsPostedHoldingNoThread() throws Exception {
    ModelBoard board = new ModelBoard(model(0, RunState.WAITING_FOR_CLIENTS));
    CompletableFuture<GlobalModel> answer = board.await(0, Duration.ofSeconds(30));
    assertThat(answer).isNotDone();
    board.post(model(0, RunState.TRAINING)); // round 0 is no news for a client that has seen round 0
    assertThat(answer).isNotDone();
    board.post(model(1, RunState.TRAINING));
    assertThat(answer).isCompleted();
    assertThat(answer.get().round()).isEqualTo(1);
  }

  @Test
  void aStoppingAggregatorAnswersEveryWaitingPollAtOnceWithTheModelAsItIs() throws Exception {
    ModelBoard board = new ModelBoard(model(1, RunState.TRAINING));
    CompletableFuture<GlobalModel> first = board.await(1, Duration.ofMinutes(1));
    CompletableFuture<GlobalModel> second = board.await(1, Duration.ofMinutes(1));
    assertThat(first).isNotDone();
    board.releaseAll();
    assertThat(first).isCompleted();
    assertThat(second.get().round()).isEqualTo(1);
    board.post(model(2, RunState.TRAINING)); // nothing left waiting: nothing answered twice
    assertThat(first.get().round()).isEqualTo(1);
  }

  @Test
  void manyPollsWaitWithoutAThreadEach() {
    ModelBoard board = new ModelBoard(model(0, RunState.WAITING_FOR_CLIENTS));
    int threads = Thread.activeCount();
    java.util.List<CompletableFuture<GlobalModel>> polls = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      polls.add(board.await(0, Duration.ofSeconds(30)));
    }
    assertThat(Thread.activeCount()).isLessThan(threads + 10);
    board.post(model(1, RunState.TRAINING));
    assertThat(polls).allMatch(p -> p.isDone() && p.join().round() == 1);
  }

  @Test
  void theEndOfTheRunIsAlwaysNewsAndAnOldModelComesBackWhenTheWaitRunsOut() throws Exception {
    ModelBoard board = new ModelBoard(model(2, RunState.TRAINING));
    assertThat(board.await(2, Duration.ofMillis(20)).join().round()).as("no news: as it is").isEqualTo(2);
    board.post(model(2, RunState.FAILED));
    assertThat(board.await(5, Duration.ofSeconds(30)).join().state()).isEqualTo(RunState.FAILED);
  }
}
