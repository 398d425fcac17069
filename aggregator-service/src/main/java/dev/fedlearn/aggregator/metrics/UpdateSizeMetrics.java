package dev.fedlearn.aggregator.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code fl_update_size_bytes}: the request body of every accepted update as it came over the wire (JSON or the
 * binary form), by format. Without a meter registry (slice tests) it measures nothing.
 */
@Component
class UpdateSizeMetrics extends OncePerRequestFilter {
  private final ObjectProvider<MeterRegistry> registry;

  UpdateSizeMetrics(ObjectProvider<MeterRegistry> registry) {
    this.registry = registry;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"POST".equals(request.getMethod()) || !request.getRequestURI().matches("/api/v1/rounds/[^/]+/updates");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    chain.doFilter(request, response);
    MeterRegistry meters = registry.getIfAvailable();
    if (meters != null && response.getStatus() == HttpServletResponse.SC_ACCEPTED
        && request.getContentLengthLong() >= 0) {
      String type = request.getContentType();
      DistributionSummary.builder("fl.update.size").baseUnit("bytes")
          .description("request bodies of the accepted updates")
          .tag("format", type != null && type.startsWith("application/octet-stream") ? "binary" : "json")
          .register(meters).record(request.getContentLengthLong());
    }
  }
}
