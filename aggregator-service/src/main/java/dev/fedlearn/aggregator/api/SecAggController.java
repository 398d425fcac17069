package dev.fedlearn.aggregator.api;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.aggregator.security.ClientIdentity;
import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.SecAggComplaint;
import dev.fedlearn.protocol.SecAggMessage;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.SecAggShares;
import dev.fedlearn.protocol.SecAggStep;
import dev.fedlearn.protocol.UnmaskingShares;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Secure aggregation over HTTP (with {@code FL_SECURE_AGGREGATION}): the four steps of a round's session. A client
 * reads the session ({@code GET /rounds/{round}/secagg}), sends its public keys, waits for everybody's, sends its
 * encrypted shares, waits for the ones addressed to it, sends its masked update, waits for the list of survivors and
 * sends its unmasking shares. The waits are long polls: 200 with the answer once the step closed, 204 when it has not
 * within {@code wait} seconds. A session the aggregator abandoned answers 409: start again from the first call.
 */
@RestController
@RequestMapping("/api/v1/rounds/{round}/secagg")
@Tag(name = "secure aggregation")
class SecAggController {
  private final Runs runs;
  private final Duration maxWait;
  private final ClientIdentity identity;
  private final Waits waits;

  SecAggController(Runs runs, AggregatorProperties properties, ClientIdentity identity, Waits waits) {
    this.runs = runs;
    this.maxWait = properties.maxPollWait();
    this.identity = identity;
    this.waits = waits;
  }

  @Operation(summary = "The open round's secure aggregation session: its id, threshold, fixed-point scale, bound")
  @GetMapping
  SecAggPlan plan(@PathVariable int round) {
    return runs.current().secure().plan(round);
  }

  @Operation(summary = "Step 1: a picked client's two X25519 public keys (base64 of the raw 32 bytes)")
  @PostMapping("/{session}/keys")
  @ResponseStatus(HttpStatus.ACCEPTED)
  void keys(@PathVariable int round, @PathVariable String session, @RequestBody KeyAdvertisement keys) {
    receive(round, session, keys);
  }

  @Operation(summary = "Everybody's public keys (U1), once step 1 closed; 204 while it has not")
  @GetMapping("/{session}/keys")
  CompletableFuture<ResponseEntity<List<KeyAdvertisement>>> allKeys(@PathVariable int round,
      @PathVariable String session, @RequestParam(defaultValue = "0") int wait) {
    return after(round, session, SecAggStep.KEYS, wait, () -> runs.current().secure().keysOf(round, session));
  }

  @Operation(summary = "Step 2: a client's encrypted shares, one for each other client of U1")
  @PostMapping("/{session}/shares")
  @ResponseStatus(HttpStatus.ACCEPTED)
  void shares(@PathVariable int round, @PathVariable String session, @RequestBody SecAggShares shares) {
    receive(round, session, shares);
  }

  @Operation(summary = "The encrypted shares addressed to a client, once step 2 closed; 204 while it has not")
  @GetMapping("/{session}/shares")
  CompletableFuture<ResponseEntity<List<EncryptedShare>>> sharesFor(@PathVariable int round,
      @PathVariable String session, @RequestParam String clientId, @RequestParam(defaultValue = "0") int wait) {
    String caller = identity.actAs(clientId);
    return after(round, session, SecAggStep.SHARES, wait, () -> runs.current().secure()
        .sharesFor(round, session, caller));
  }

  @Operation(summary = "Step 3: a client's masked update (fixed point, the model's parameters and the sample count)")
  @PostMapping("/{session}/masked")
  @ResponseStatus(HttpStatus.ACCEPTED)
  void masked(@PathVariable int round, @PathVariable String session, @RequestBody MaskedUpdate update) {
    receive(round, session, update);
  }

  @Operation(summary = "The clients whose masked update arrived (U3), once step 3 closed; 204 while it has not")
  @GetMapping("/{session}/survivors")
  CompletableFuture<ResponseEntity<List<String>>> survivors(@PathVariable int round, @PathVariable String session,
      @RequestParam(defaultValue = "0") int wait) {
    return after(round, session, SecAggStep.MASKED, wait, () -> runs.current().secure().survivors(round, session));
  }

  @Operation(summary = "A client's report that another client sent it a share it cannot use (while step 3 waits)",
      description = "Both clients sit the rest of the round out; the round goes on in a new session with the others "
          + "(the others are told by the start-again problem type), or closes with no update when too few are left.")
  @PostMapping("/{session}/complaints")
  @ResponseStatus(HttpStatus.ACCEPTED)
  void complaint(@PathVariable int round, @PathVariable String session, @RequestBody SecAggComplaint complaint) {
    receive(round, session, complaint);
  }

  @Operation(summary = "Step 4: a survivor's shares of the survivors' self-mask seeds and the dropped clients' keys")
  @PostMapping("/{session}/unmask")
  @ResponseStatus(HttpStatus.ACCEPTED)
  void unmask(@PathVariable int round, @PathVariable String session, @RequestBody UnmaskingShares answer) {
    receive(round, session, answer);
  }

  /** A client's message for the session, from the caller acting as that client only. */
  private void receive(int round, String session, SecAggMessage message) {
    identity.actAs(message == null ? null : message.clientId());
    runs.current().secure().receive(round, session, message);
  }

  /**
   * The answer once {@code step} of the session closed, or 204 when it has not within {@code wait} seconds; the wait
   * holds no thread, and counts against the caller's waiting requests.
   */
  private <T> CompletableFuture<ResponseEntity<T>> after(int round, String session, SecAggStep step, int wait,
      Supplier<T> answer) {
    Duration hold = RunController.hold(wait, maxWait);
    String key = identity.actAs(null);
    CompletableFuture<Boolean> closed = runs.current().secure().stepClosed(round, session, step, hold);
    if (!closed.isDone()) {
      waits.acquire(key);
      closed = closed.whenComplete((c, e) -> waits.release(key));
    }
    return closed.thenApplyAsync(c -> c ? ResponseEntity.ok(answer.get()) : ResponseEntity.noContent().build());
  }
}
