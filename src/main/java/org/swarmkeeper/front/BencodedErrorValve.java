package org.swarmkeeper.front;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.swarmkeeper.protocol.BencodedAnswers;

/**
 * Errors Tomcat answers itself (a request line or header it cannot parse, an oversized header) reach BitTorrent
 * clients as a bencoded {@code failure reason} like every other answer, rather than an HTML page clients cannot
 * read. The admin API and Actuator keep Tomcat's usual error report.
 */
public class BencodedErrorValve extends ErrorReportValve {

    /** As quiet as Spring Boot's own error valve: no stack traces, no server version. */
    public BencodedErrorValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        String uri = request.getRequestURI();
        if (status < 400 || response.isCommitted() || (uri != null && (uri.startsWith("/api") || uri.startsWith("/actuator")))) {
            super.report(request, response, throwable);
            return;
        }
        byte[] body = BencodedAnswers.failure("bad request: the tracker could not read it (HTTP " + status + ")");
        try {
            response.setContentType("text/plain");
            response.setCharacterEncoding(StandardCharsets.ISO_8859_1.name());
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            super.report(request, response, throwable);
        }
    }
}
