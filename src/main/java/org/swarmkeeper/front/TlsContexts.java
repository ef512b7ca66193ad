package org.swarmkeeper.front;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;

/** A Netty server context from a Spring Boot SSL bundle: its key, and its protocols and ciphers when it names any. */
final class TlsContexts {

    private TlsContexts() {
    }

    static SslContext server(SslBundle bundle) {
        SslContextBuilder builder = SslContextBuilder.forServer(bundle.getManagers().getKeyManagerFactory());
        SslOptions options = bundle.getOptions();
        if (options.getEnabledProtocols() != null) {
            builder.protocols(options.getEnabledProtocols());
        }
        if (options.getCiphers() != null) {
            builder.ciphers(java.util.List.of(options.getCiphers()));
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("SSL bundle " + bundle + " cannot serve TLS", e);
        }
    }
}
