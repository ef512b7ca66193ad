package org.swarmkeeper.front;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.util.function.SingletonSupplier;
import org.swarmkeeper.protocol.BencodedAnswers;

/**
 * The tracker's paths ({@link ClientRoutes}) answered in Tomcat's pipeline before the servlet filters and
 * Spring MVC: an announce is a few microseconds of tracker work, and the dispatch around it (filters,
 * observation, handler mapping, message conversion) cost more than that (docs/PERFORMANCE.md). Everything else
 * goes on to Spring. Every answer is HTTP 200 with a bencoded body, failures included.
 */
class ClientPathValve extends ValveBase {

    private final Supplier<ClientRoutes> endpoints;
    private final Supplier<ClientAddresses> clientAddresses;
    private final InFlightRequests inFlight;

    /**
     * Providers: the valve is built with the web server, before the services it calls are. Each is looked up
     * once, on the first request, not on every one.
     */
    ClientPathValve(ObjectProvider<ClientRoutes> endpoints, ObjectProvider<ClientAddresses> clientAddresses,
                 InFlightRequests inFlight) {
        super(true);
        this.endpoints = SingletonSupplier.of(endpoints::getObject);
        this.clientAddresses = SingletonSupplier.of(clientAddresses::getObject);
        this.inFlight = inFlight;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        String method = request.getMethod();
        String uri = request.getDecodedRequestURI();
        String contextPath = request.getContextPath();
        ClientRoutes.Route route = uri == null || !uri.startsWith(contextPath) ? null
                : ClientRoutes.route(uri.substring(contextPath.length()));
        if (route == null) {
            getNext().invoke(request, response);
            return;
        }
        if (!(method.equals("GET") || method.equals("HEAD"))) {
            // a client's answer, bencoded, as on the front; not Spring's 404 for a path it has no handler for
            response.setHeader(HttpHeaders.ALLOW, "GET, HEAD");
            write(response, 405, BencodedAnswers.failure(ClientRoutes.ONLY_GET));
            return;
        }
        inFlight.begin(); // until the answer is written, so that shutdown waits for it
        try {
            write(response, 200, endpoints.get().blockingAnswer(route, request.getQueryString(),
                    clientAddresses.get().of(request), request.getHeader(HttpHeaders.USER_AGENT)));
        } finally {
            inFlight.end();
        }
    }

    private static void write(Response response, int status, byte[] answer) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain");
        response.setContentLength(answer.length);
        response.getOutputStream().write(answer);
    }
}
