package dev.fedlearn.aggregator.run;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import dev.fedlearn.aggregator.security.RequestGuard;
import dev.fedlearn.secagg.EncryptedShare;
import dev.fedlearn.secagg.KeyAdvertisement;
import dev.fedlearn.secagg.UnmaskingShares;
import dev.fedlearn.wire.MaskedUpdate;
import dev.fedlearn.wire.SecAggPlan;
import dev.fedlearn.wire.SecAggShares;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
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
  private final RunCoordinator run;
  private final Duration maxWait;

  SecAggController(RunCoordinator run, AggregatorProperties properties) {
    this.run = run;
    this.maxWait = properties.maxPollWait();
  }

  @Operation(summary = "The open round's secure aggregation session: its id, threshold, fixed-point scale, bound")
  @GetMapping
  SecAggPlan plan(@PathVariable int round) {
    return run.secAggPlan(round);
  }

  @Operation(summary = "Step 1: a picked client's two X25519 public keys (base64 of the raw 32 bytes)")
  @PostMapping("/{session}/keys")
  @ResponseStatus(HttpStatus.ACCEPTED)
  void keys(@PathVariable int round, @PathVariable String session, @RequestBody KeyAdvertisement keys,
      @RequestAttribute(name = RequestGuard.CLIENT, required = false) String authenticated) {
    RunController.actingAsItself(authenticated, keys.clientId());
    run.secAggKeys(round, session, keys);
  }

  @Operation(summary = "Everybody's public keys (U1), once step 1 closed; 204 while it has not")
  @GetMapping("/{session}/keys")
  ResponseEntity<List<KeyAdvertisement>> allKeys(@PathVariable int round, @PathVariable String session,
      @RequestParam(defaultValue = "0") int wait) throws InterruptedException {
    return after(round, session, 1, wait, () -> run.secAggKeysOf(round, session));
  }

  @Operation(summary = "Step 2: a client's encrypted shares, one for each other client of U1")
  @PostMapping("/{session}/shares")
  @ResponseStatus(HttpStatus.ACCEPTED)
  void shares(@PathVariable int round, @PathVariable String session, @RequestBody SecAggShares shares,
      @RequestAttribute(name = RequestGuard.CLIENT, required = false) String authenticated) {
    RunController.actingAsItself(authenticated, shares.clientId());
    run.secAggShares(round, session, shares);
  }

  @Operation(summary = "The encrypted shares addressed to a client, once step 2 closed; 204 while it has not")
  @GetMapping("/{session}/shares")
  ResponseEntity<List<EncryptedShare>> sharesFor(@PathVariable int round, @PathVariable String session,
      @RequestParam String clientId, @RequestParam(defaultValue = "0") int wait,
      @RequestAttribute(name = RequestGuard.CLIENT, required = false) String authenticated)
      throws InterruptedException {
    RunController.actingAsItself(authenticated, clientId);
    return after(round, session, 2, wait, () -> run.secAggSharesFor(round, session, clientId));
  }

  @Operation(summary = "Step 3: a client's masked update (fixed point, the model's parameters and the sample count)")
  @PostMapping("/{session}/masked")
  @ResponseStatus(HttpStatus.ACCEPTED)
  void masked(@PathVariable int round, @PathVariable String session, @RequestBody MaskedUpdate update,
      @RequestAttribute(name = RequestGuard.CLIENT, required = false) String authenticated) {
    RunController.actingAsItself(authenticated, update.clientId());
    run.secAggMasked(round, session, update);
  }

  @Operation(summary = "The clients whose masked update arrived (U3), once step 3 closed; 204 while it has not")
  @GetMapping("/{session}/survivors")
  ResponseEntity<List<String>> survivors(@PathVariable int round, @PathVariable String session,
      @RequestParam(defaultValue = "0") int wait) throws InterruptedException {
    return after(round, session, 3, wait, () -> run.secAggSurvivors(round, session));
  }

  @Operation(summary = "Step 4: a survivor's shares of the survivors' self-mask seeds and the dropped clients' keys")
  @PostMapping("/{session}/unmask")
  @ResponseStatus(HttpStatus.ACCEPTED)
  void unmask(@PathVariable int round, @PathVariable String session, @RequestBody UnmaskingShares answer,
      @RequestAttribute(name = RequestGuard.CLIENT, required = false) String authenticated) {
    RunController.actingAsItself(authenticated, answer.from());
    run.secAggUnmask(round, session, answer);
  }

  private <T> ResponseEntity<T> after(int round, String session, int step, int wait, Supplier<T> answer)
      throws InterruptedException {
    if (wait < 0) {
      throw RunRefusal.invalid("wait must be 0 or more seconds, got " + wait);
    }
    Duration hold = Duration.ofSeconds(wait);
    if (hold.compareTo(maxWait) > 0) {
      hold = maxWait;
    }
    return run.awaitSecAggStep(round, session, step, hold) ? ResponseEntity.ok(answer.get())
        : ResponseEntity.noContent().build();
  }
}
