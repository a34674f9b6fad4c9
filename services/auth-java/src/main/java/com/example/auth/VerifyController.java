package com.example.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class VerifyController {

    private static final String BEARER_PREFIX = "Bearer ";

    // The agent installs its SDK as GlobalOpenTelemetry before the application starts, so this
    // tracer's spans join the agent's traces; without the agent it is a no-op.
    private final Tracer tracer = GlobalOpenTelemetry.getTracer("auth-service");

    // The service's business counter, from a meter named after the service like the other three
    // services' counters; the agent bridges it to its SDK as it does the tracer. One attribute
    // with two values keeps it low-cardinality (the reason stays on the span).
    private final LongCounter tokensValidated = GlobalOpenTelemetry.getMeter("auth-service")
            .counterBuilder("auth.tokens.validated")
            .setDescription("Tokens checked by GET /verify, by result")
            .setUnit("1")
            .build();
    private static final AttributeKey<String> RESULT = AttributeKey.stringKey("result");
    private static final Attributes VALID = Attributes.of(RESULT, "valid");
    private static final Attributes INVALID = Attributes.of(RESULT, "invalid");

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VerifyResponse(boolean valid, String reason) {
    }

    // The agent already started the server span (named "GET /verify" after the Spring MVC route)
    // and made it current, so "token.validate" becomes its child.
    @GetMapping("/verify")
    public ResponseEntity<VerifyResponse> verify(
            // Optional, so that a missing header reaches us and answers 401 rather than Spring's 400.
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        Span span = tracer.spanBuilder("token.validate").startSpan();
        try (Scope scope = span.makeCurrent()) {
            span.setAttribute("auth.token_type", tokenType(authorization));

            String failureReason = validateToken(authorization);
            boolean valid = failureReason == null;
            span.setAttribute("auth.valid", valid);
            // Inside token.validate's scope, so the measurement can carry it as an exemplar.
            tokensValidated.add(1, valid ? VALID : INVALID);

            if (!valid) {
                span.setAttribute("auth.failure_reason", failureReason);
                return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                        .body(new VerifyResponse(false, failureReason));
            }
            return ResponseEntity.ok(new VerifyResponse(true, null));
        } finally {
            span.end();
        }
    }

    private static String tokenType(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return "none";
        }
        return authorization.startsWith(BEARER_PREFIX) ? "bearer" : "unknown";
    }

    // A demo check, as in the article: any bearer token is valid. Returns why the token is invalid,
    // or null when it is valid.
    private static String validateToken(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return "missing";
        }
        if (!authorization.startsWith(BEARER_PREFIX)) {
            return "not_bearer";
        }
        return null;
    }
}
