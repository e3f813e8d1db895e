package io.camelllmproxy;

/** What {@code --help} prints: how to run the gateway and where its settings live. */
final class Usage {

    static final String TEXT = """
            camel-llm-proxy: an OpenAI-compatible LLM gateway

            Usage:
              java -jar target/camel-llm-proxy.jar                 serve the API (port 8080 unless configured)
              java -jar target/camel-llm-proxy.jar rotate-secret   re-encrypt stored provider keys under a new secret
              java -jar target/camel-llm-proxy.jar --help | -h     print this text

            Settings:
              application.properties in the working directory (else the copy in the jar) holds the Camel
              settings; the gateway's own (llm.*) and their defaults, each with a comment, are in the jar's
              camel-llm-proxy/gateway.properties (src/main/resources in the repository); set any of them in
              application.properties. Override any key with -Dkey=value before -jar, or with an environment
              variable named like the key in capitals with '.' and '-' as '_':
                -Dcamel.server.port=9090          CAMEL_SERVER_PORT=9090
                -Dllm.db.url=jdbc:postgresql://db/llm   LLM_DB_URL=jdbc:postgresql://db/llm
              Secrets go in environment variables: AUTH_ENCRYPTION_SECRET (encrypts stored provider keys),
              LLM_AUTH_ADMIN_TOKEN (admin credential), LLM_DB_PASSWORD, and JWT_SECRET_KEY with ContextForge's
              other JWT_* variables to accept ContextForge's tokens.
              Routes are read from ./routes/*.camel.yaml when that folder exists; providers and models may be
              declared in ./registry.yaml (see registry.example.yaml).

            rotate-secret:
              AUTH_ENCRYPTION_SECRET_OLD=... AUTH_ENCRYPTION_SECRET_NEW=... java -jar target/camel-llm-proxy.jar rotate-secret
              Without AUTH_ENCRYPTION_SECRET_OLD the current secret is taken. Safe to run twice.

            On the first start with the embedded database, ./data holds the database, a generated encryption
            secret and a generated admin token (read it with: cat data/admin.token).
            See README.md for the API, the admin endpoints and every error code.
            """;

    private Usage() {
    }
}
