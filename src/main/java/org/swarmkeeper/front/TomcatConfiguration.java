package org.swarmkeeper.front;

import org.apache.catalina.core.StandardHost;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The tracker's paths are answered by {@link ClientPathValve} inside Tomcat; Tomcat's own error answers become
 * bencoded failures for BitTorrent clients ({@link BencodedErrorValve}).
 */
@Configuration(proxyBeanMethods = false)
class TomcatConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> clientPathValve(
            ObjectProvider<ClientRoutes> endpoints, ObjectProvider<ClientAddresses> clientAddresses,
            InFlightRequests inFlight) {
        return factory -> factory.addContextValves(new ClientPathValve(endpoints, clientAddresses, inFlight));
    }

    /**
     * Reuse each connection's 16 KiB of read and write buffers. Tomcat sizes that cache from the heap and turns it
     * off below 2 GiB, so with the 1 GiB a tracker needs every connection allocated new buffers: half of all the
     * garbage of an announce with a new connection each (docs/PERFORMANCE.md). 500 idle channels keep at most
     * 8 MiB (about 32 MiB with TLS, whose channels also keep network buffers).
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> connectionBufferCache() {
        return factory -> factory.addConnectorCustomizers(connector -> {
            if (!connector.setProperty("socket.bufferPool", "500")) {
                throw new IllegalStateException("Tomcat no longer knows socket.bufferPool");
            }
        });
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> bencodedErrors() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(BencodedErrorValve.class.getName());
            }
        });
    }
}
