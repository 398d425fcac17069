package dev.fedlearn.client.aggregator;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.client.WireFormat;
import dev.fedlearn.client.worker.AggregatorClient;
import dev.fedlearn.client.worker.AggregatorRejectedException;
import dev.fedlearn.client.worker.AggregatorUnavailableException;
import dev.fedlearn.client.worker.Reasons;
import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.UnmaskingShares;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.CrossSiteModels;
import dev.fedlearn.protocol.CrossSiteScores;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.RunStatus;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.SecAggComplaint;
import dev.fedlearn.protocol.SecAggShares;
import java.util.List;
import dev.fedlearn.protocol.SafeTensors;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.BufferingClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * {@link AggregatorClient} over HTTP, built from Boot's {@link RestClient.Builder} (so it gets the application's
 * JSON mapping) with explicit timeouts: the read timeout exceeds the long-poll wait.
 */
@Component
public final class RestAggregatorClient implements AggregatorClient {
  private static final int MAX_DETAIL = 300;

  private final RestClient rest;
  private final String baseUrl;
  private final String clientId;
  private final ClientToken token;
  private final WireFormat format;

  @Autowired
  public RestAggregatorClient(RestClient.Builder builder, ClientProperties properties) {
    this(builder, properties.aggregatorBaseUrl(), properties.connectTimeout(), properties.readTimeout(),
        properties.clientId(), ClientToken.from(properties), properties.wireFormat(), sslBundle(properties.tls()));
  }

  /**
   * The SSL bundle of {@code tls}: trust in its CA and, for mutual TLS, this client's certificate and key; null when
   * it sets nothing (the JVM's defaults then apply to an {@code https://} URL).
   */
  static SslBundle sslBundle(ClientProperties.Tls tls) {
    if (!tls.configured()) {
      return null;
    }
    PemSslStoreDetails key = tls.cert() == null ? null
        : PemSslStoreDetails.forCertificates(location(tls.cert())).withPrivateKey(location(tls.key()));
    PemSslStoreDetails trust = tls.ca() == null ? null : PemSslStoreDetails.forCertificates(location(tls.ca()));
    return SslBundle.of(new PemSslStoreBundle(key, trust));
  }

  private static String location(java.nio.file.Path p) {
    return "file:" + p.toAbsolutePath();
  }

  /** An anonymous client that speaks JSON. */
  public RestAggregatorClient(RestClient.Builder builder, String baseUrl, Duration connectTimeout,
      Duration readTimeout) {
    this(builder, baseUrl, connectTimeout, readTimeout, null, ClientToken.of(null), WireFormat.JSON, null);
  }

  /**
   * A client that speaks JSON, names itself when it polls and, when {@code token} is set, sends it as a bearer
   * token.
   */
  public RestAggregatorClient(RestClient.Builder builder, String baseUrl, Duration connectTimeout,
      Duration readTimeout, String clientId, String token) {
    this(builder, baseUrl, connectTimeout, readTimeout, clientId, ClientToken.of(token), WireFormat.JSON, null);
  }

  /**
   * A client that names itself when it polls, sends the token {@code token} gives at the time of each request
   * (none when it gives null), sends and receives weights in {@code format}, and over HTTPS uses {@code ssl} (null:
   * the JVM's defaults).
   */
  public RestAggregatorClient(RestClient.Builder builder, String baseUrl, Duration connectTimeout,
      Duration readTimeout, String clientId, ClientToken token, WireFormat format, SslBundle ssl) {
    this.baseUrl = baseUrl;
    this.clientId = clientId;
    this.token = token;
    this.format = format;
    this.rest = builder
        .baseUrl(baseUrl + "/api/v1")
        .requestFactory(requestFactory(connectTimeout, readTimeout, ssl))
        .defaultHeader("Accept", MediaType.APPLICATION_JSON_VALUE + ", " + MediaType.APPLICATION_PROBLEM_JSON_VALUE)
        .requestInterceptor((request, body, execution) -> {
          String current = token.get(); // a token file is read again here: a rotated token needs no restart
          if (current != null) {
            request.getHeaders().setBearerAuth(current);
          }
          return execution.execute(request, body);
        })
        .build();
  }

  private static ClientHttpRequestFactory requestFactory(Duration connectTimeout, Duration readTimeout,
      SslBundle ssl) {
    // The JDK client aborts a request when the worker thread is interrupted, so shutdown does not wait for a poll.
    // Buffering sends bodies with a Content-Length rather than chunked: any server or proxy takes that.
    return new BufferingClientHttpRequestFactory(ClientHttpRequestFactoryBuilder.jdk()
        .withHttpClientCustomizer(http -> http.version(HttpClient.Version.HTTP_1_1))
        .build(HttpClientSettings.defaults().withTimeouts(connectTimeout, readTimeout).withSslBundle(ssl)));
  }

  @Override
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public RunStatus register(ClientRegistration registration) {
    return call("POST /clients", () -> required(rest.post().uri("/clients")
        .contentType(MediaType.APPLICATION_JSON)
        .body(registration)
        .retrieve()
        .body(RunStatus.class)));
  }

  @Override
  public GlobalModel fetchModel(int afterRound, int waitSeconds) {
    return call("GET /model", () -> {
      RestClient.RequestHeadersSpec<?> request = rest.get().uri(uri -> {
        uri.path("/model").queryParam("after", afterRound).queryParam("wait", waitSeconds);
        if (clientId != null) {
          uri.queryParam("clientId", clientId);
        }
        return uri.build();
      });
      if (format == WireFormat.JSON) {
        return required(request.retrieve().body(GlobalModel.class));
      }
      byte[] body = required(request.accept(MediaType.APPLICATION_OCTET_STREAM, MediaType.APPLICATION_PROBLEM_JSON)
          .retrieve().body(byte[].class));
      try {
        return SafeTensors.globalModel(body);
      } catch (IllegalArgumentException e) {
        throw new UnreadableAnswer(e.getMessage(), e);
      }
    });
  }

  @Override
  public void submitUpdate(int round, ClientUpdate update) {
    call("POST /rounds/" + round + "/updates", () -> weights(rest.post().uri("/rounds/{round}/updates", round),
        update).retrieve().toBodilessEntity());
  }

  /** {@code request} with {@code update} as its body, in this client's wire format. */
  private RestClient.RequestHeadersSpec<?> weights(RestClient.RequestBodySpec request, ClientUpdate update) {
    return format == WireFormat.JSON ? request.contentType(MediaType.APPLICATION_JSON).body(update)
        : request.contentType(MediaType.APPLICATION_OCTET_STREAM).body(SafeTensors.encode(update));
  }

  /** {@code POST path} (with its {@code variables}) of {@code body} as JSON, its answer's body dropped. */
  private void postJson(String path, Object body, Object... variables) {
    call("POST " + path, () -> rest.post().uri(path, variables).contentType(MediaType.APPLICATION_JSON).body(body)
        .retrieve().toBodilessEntity());
  }

  @Override
  public void submitEvaluation(int round, EvaluationReport report) {
    postJson("/rounds/" + round + "/evaluations", report);
  }

  @Override
  public void submitPersonalized(int round, dev.fedlearn.protocol.PersonalizedReport report) {
    postJson("/rounds/" + round + "/personalized", report);
  }

  @Override
  public void uploadLocalModel(ClientUpdate model) {
    call("POST /cross-site/models", () -> weights(rest.post().uri("/cross-site/models"), model).retrieve()
        .toBodilessEntity());
  }

  @Override
  public CrossSiteModels crossSiteModels() {
    return call("GET /cross-site/models", () -> required(rest.get().uri(uri -> (clientId == null ? uri
        : uri.queryParam("clientId", clientId)).path("/cross-site/models").build()).retrieve()
        .body(CrossSiteModels.class)));
  }

  @Override
  public void submitCrossSiteScores(CrossSiteScores scores) {
    postJson("/cross-site/scores", scores);
  }

  @Override
  public SecAggPlan secAggPlan(int round) {
    return call("GET /rounds/" + round + "/secagg", () -> required(rest.get().uri(SECAGG, round).retrieve()
        .body(SecAggPlan.class)));
  }

  @Override
  public void secAggKeys(int round, String session, KeyAdvertisement keys) {
    post(round, session, "keys", keys);
  }

  @Override
  public List<KeyAdvertisement> secAggKeysOf(int round, String session, int waitSeconds) {
    return await(round, session, "keys", waitSeconds, null, new ParameterizedTypeReference<>() {});
  }

  @Override
  public void secAggShares(int round, String session, SecAggShares shares) {
    post(round, session, "shares", shares);
  }

  @Override
  public List<EncryptedShare> secAggSharesFor(int round, String session, String clientId, int waitSeconds) {
    return await(round, session, "shares", waitSeconds, clientId, new ParameterizedTypeReference<>() {});
  }

  @Override
  public void secAggMasked(int round, String session, MaskedUpdate update) {
    post(round, session, "masked", update);
  }

  @Override
  public List<String> secAggSurvivors(int round, String session, int waitSeconds) {
    return await(round, session, "survivors", waitSeconds, null, new ParameterizedTypeReference<>() {});
  }

  @Override
  public void secAggUnmask(int round, String session, UnmaskingShares answer) {
    post(round, session, "unmask", answer);
  }

  @Override
  public void secAggComplaint(int round, String session, SecAggComplaint complaint) {
    post(round, session, "complaints", complaint);
  }

  private static final String SECAGG = "/rounds/{round}/secagg";

  private void post(int round, String session, String step, Object body) {
    call("POST /rounds/" + round + "/secagg/" + step, () -> rest.post().uri(SECAGG + "/{session}/{step}", round,
        session, step).contentType(MediaType.APPLICATION_JSON).body(body).retrieve().toBodilessEntity());
  }

  /** A step's answer once it closed; null on 204 (not yet). */
  private <T> T await(int round, String session, String step, int waitSeconds, String clientId,
      ParameterizedTypeReference<T> type) {
    return call("GET /rounds/" + round + "/secagg/" + step, () -> {
      ResponseEntity<T> answer = rest.get().uri(uri -> {
        uri.path("/rounds/{round}/secagg/{session}/{step}").queryParam("wait", waitSeconds);
        if (clientId != null) {
          uri.queryParam("clientId", clientId);
        }
        return uri.build(round, session, step);
      }).retrieve().toEntity(type);
      return answer.getStatusCode().value() == 204 ? null : required(answer.getBody());
    });
  }

  @Override
  public RunStatus status() {
    return call("GET /status", () -> required(rest.get().uri("/status").retrieve().body(RunStatus.class)));
  }

  private static <T> T required(T body) {
    if (body == null) {
      throw new EmptyAnswer();
    }
    return body;
  }

  private <T> T call(String what, Supplier<T> request) {
    try {
      return request.get();
    } catch (RestClientResponseException e) {
      int status = e.getStatusCode().value();
      Problem problem = problem(e);
      String detail = problem.detail();
      String message = what + " answered HTTP " + status + (detail.isEmpty() ? "" : ": " + detail);
      if (status == 401 && token.fromFile()) {
        // The token file may be rotated after the aggregator's: retried (with the file read again) like an
        // outage, rather than dropping an update the aggregator would take with the new token.
        throw new AggregatorUnavailableException(message + " (the token from FL_CLIENT_TOKEN_FILE is read again "
            + "before the next try)", e);
      }
      if (status == 429) { // busy (too many waiting requests): a later try is taken
        throw new AggregatorUnavailableException(message, e);
      }
      if (e.getStatusCode().is4xxClientError()) {
        throw new AggregatorRejectedException(status, message, detail, problem.type());
      }
      throw new AggregatorUnavailableException(message, e);
    } catch (EmptyAnswer e) {
      throw new AggregatorUnavailableException(what + " answered without a body", e);
    } catch (UnreadableAnswer e) {
      throw new AggregatorUnavailableException(what + " answered a model this client cannot read (" + e.getMessage()
          + ")", e);
    } catch (RestClientException e) {
      throw new AggregatorUnavailableException(what + " at " + baseUrl + " failed: " + Reasons.describe(e), e,
          connectionRefused(e));
    }
  }

  /**
   * Whether a failed call's connection was refused: nothing listens on the aggregator's port yet (it is starting) or
   * any more ({@link AggregatorUnavailableException#refused()}). A connect timeout wraps a {@code ConnectException}
   * too, but there the host may be down or overloaded: it is not a refusal.
   */
  static boolean connectionRefused(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.net.http.HttpTimeoutException) {
        return false;
      }
      if (t instanceof java.net.ConnectException) {
        return true;
      }
    }
    return false;
  }

  /**
   * What a refusal says: its text ({@code detail}) and its problem type ({@code type}, null when none or
   * {@code about:blank}).
   */
  private record Problem(String detail, String type) {}

  /** The generic problem type of RFC 9457: the same as none. */
  private static final String ABOUT_BLANK = "about:blank";

  /**
   * The problem detail's {@code detail} (or {@code title}), else the start of the body; and its {@code type} when it
   * names one other than {@code about:blank}.
   */
  private static Problem problem(RestClientResponseException e) {
    try {
      Map<?, ?> problem = e.getResponseBodyAs(Map.class);
      if (problem != null) {
        String type = problem.get("type") instanceof String t && !t.isBlank() && !t.strip().equals(ABOUT_BLANK)
            ? t.strip() : null;
        for (String key : new String[] {"detail", "title", "message", "error"}) {
          if (problem.get(key) instanceof String s && !s.isBlank()) {
            return new Problem(s, type);
          }
        }
        return new Problem(body(e), type);
      }
    } catch (RuntimeException notJson) {
      // fall back to the raw body
    }
    return new Problem(body(e), null);
  }

  /** The start of the answer's body. */
  private static String body(RestClientResponseException e) {
    String body = e.getResponseBodyAsString().strip();
    return body.length() > MAX_DETAIL ? body.substring(0, MAX_DETAIL) + "..." : body;
  }

  private static final class UnreadableAnswer extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnreadableAnswer(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final class EmptyAnswer extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EmptyAnswer() {
      super("empty answer", null, false, false);
    }
  }
}
