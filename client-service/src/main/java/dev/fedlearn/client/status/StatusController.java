package dev.fedlearn.client.status;

import dev.fedlearn.client.worker.ClientStatus;
import dev.fedlearn.client.worker.StatusTracker;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/status}: what this client is doing and its latest figures. */
@RestController
@RequestMapping("/api/v1")
class StatusController {
  private final StatusTracker tracker;

  StatusController(StatusTracker tracker) {
    this.tracker = tracker;
  }

  @GetMapping("/status")
  ClientStatus status() {
    return tracker.snapshot();
  }
}
