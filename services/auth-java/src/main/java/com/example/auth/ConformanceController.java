package com.example.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

// The test-service endpoint of the W3C Trace Context test suite (w3c/trace-context,
// test/README.md). Only registered with POLYTRACE_CONFORMANCE=1; otherwise POST /w3c/test is a 404.
@RestController
@ConditionalOnProperty(name = "POLYTRACE_CONFORMANCE", havingValue = "1")
public class ConformanceController {

    public record TestCase(String url, JsonNode arguments) {
    }

    // java.net.http.HttpClient is instrumented by the agent: every send() gets its own client
    // span and the configured propagators inject traceparent/tracestate into the request.
    // Redirects are never followed (NEVER is also the default, stated here on purpose): only the
    // URL given is checked to be on loopback, and a loopback server could redirect elsewhere.
    private final HttpClient httpClient = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final ObjectMapper objectMapper;

    public ConformanceController(ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
    }

    @PostMapping("/w3c/test")
    public ResponseEntity<Map<String, String>> test(
            @RequestHeader(name = "Origin", required = false) String origin,
            @RequestBody List<TestCase> testCases) throws InterruptedException {
        // A web page open in the user's browser names its origin on every POST; the suite's
        // harness and polytrace's probe send none. (A text/plain body, which a page may send
        // without a preflight, never gets here: @RequestBody reads JSON only, and answers 415.)
        if (origin != null) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of(
                    "error", "expected no Origin (a test harness, not a web page), got " + origin));
        }
        // Check every URL before calling any, so a refused batch makes no call at all.
        List<URI> targets = new ArrayList<>();
        for (TestCase testCase : testCases) {
            URI target = loopbackUri(testCase.url());
            if (target == null) {
                return ResponseEntity.badRequest().body(Map.of(
                        "error", "expected an http(s) URL on a loopback host, got " + testCase.url()));
            }
            targets.add(target);
        }

        for (int i = 0; i < targets.size(); i++) {
            try {
                HttpRequest request = HttpRequest.newBuilder(targets.get(i))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                objectMapper.writeValueAsString(testCases.get(i).arguments())))
                        .build();
                httpClient.send(request, HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(Map.of(
                        "error", "POST " + targets.get(i) + " failed: " + e));
            }
        }
        return ResponseEntity.ok(Map.of("status", "done"));
    }

    // Only loopback targets (127.0.0.0/8, ::1, localhost): this endpoint makes the service send
    // requests to caller-chosen URLs. Host names other than "localhost" are refused rather than
    // resolved, so no DNS lookup can point a call elsewhere.
    private static URI loopbackUri(String url) {
        if (url == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme();
        String host = uri.getHost();
        if (host == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            return null;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return uri;
        }
        boolean ipv6Literal = host.startsWith("[") && host.endsWith("]");
        boolean ipv4Literal = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!ipv6Literal && !ipv4Literal) {
            return null;
        }
        try {
            // An IP literal is parsed, never looked up.
            InetAddress address = InetAddress.getByName(ipv6Literal ? host.substring(1, host.length() - 1) : host);
            return address.isLoopbackAddress() ? uri : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
