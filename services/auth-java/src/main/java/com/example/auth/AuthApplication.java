package com.example.auth;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;

// Tracing is set up by the OpenTelemetry Java agent (-javaagent:...), configured only by
// OTEL_* environment variables: no OpenTelemetry SDK code lives in this application.
@SpringBootApplication
public class AuthApplication {

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(AuthApplication.class, args);
        exitCleanlyOn("TERM", context);
        exitCleanlyOn("INT", context);
    }

    // The JVM's default handler exits with 128 + signal (143 for SIGTERM) and runs Spring's and
    // the agent's shutdown hooks concurrently. Closing Spring first lets in-flight requests end
    // their spans; System.exit(0) then runs the agent's hook, which flushes the spans.
    private static void exitCleanlyOn(String signalName, ConfigurableApplicationContext context) {
        Signal.handle(new Signal(signalName), signal -> System.exit(SpringApplication.exit(context)));
    }
}
