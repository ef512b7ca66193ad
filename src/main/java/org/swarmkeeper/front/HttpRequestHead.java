package org.swarmkeeper.front;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The head of one HTTP/1.0 or 1.1 request, as {@link ClientPortServer} needs it: method, path, raw query, whether the
 * connection stays open, and the two headers the tracker reads. Bytes are read as ISO-8859-1, one char each,
 * so a binary {@code info_hash} left unescaped reaches the query parser unchanged (as with Tomcat's relaxed
 * query characters). Request bodies are refused: no tracker request has one.
 */
record HttpRequestHead(boolean head, String path, String query, boolean keepAlive, String userAgent,
                       List<String> forwardedFor) {

    /** A request the front answers with this status and closes. */
    static final class BadRequest extends Exception {

        final int status;

        BadRequest(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    /** Index just past the empty line that ends the head starting at {@code from}, or -1 if it has not all come. */
    static int end(byte[] buffer, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == '\n') {
                if (i + 1 < to && buffer[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < to && buffer[i + 1] == '\r' && buffer[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    /** Parses {@code buffer[from, end)}, a whole head as found by {@link #end}. */
    static HttpRequestHead parse(byte[] buffer, int from, int end) throws BadRequest {
        int lineEnd = lineEnd(buffer, from, end);
        int methodEnd = indexOf(buffer, ' ', from, lineEnd);
        int targetEnd = methodEnd < 0 ? -1 : indexOf(buffer, ' ', methodEnd + 1, lineEnd);
        if (targetEnd < 0 || targetEnd == methodEnd + 1 || buffer[methodEnd + 1] != '/') {
            throw new BadRequest(400, "malformed request line");
        }
        boolean http11 = is(buffer, targetEnd + 1, trimmed(buffer, targetEnd + 1, lineEnd), "HTTP/1.1");
        if (!http11 && !is(buffer, targetEnd + 1, trimmed(buffer, targetEnd + 1, lineEnd), "HTTP/1.0")) {
            throw new BadRequest(400, "malformed request line: only HTTP/1.0 and HTTP/1.1 are served");
        }
        boolean head = is(buffer, from, methodEnd, "HEAD");
        if (!head && !is(buffer, from, methodEnd, "GET")) {
            throw new BadRequest(405, ClientRoutes.ONLY_GET);
        }
        int question = indexOf(buffer, '?', methodEnd + 1, targetEnd);
        for (int i = methodEnd + 1; i < targetEnd; i++) {
            if ((buffer[i] & 0xff) < 0x21 || buffer[i] == 0x7f) {
                throw new BadRequest(400, "malformed request line: control character in the request target");
            }
        }
        String path = latin1(buffer, methodEnd + 1, question < 0 ? targetEnd : question);
        String query = question < 0 ? null : latin1(buffer, question + 1, targetEnd);

        boolean close = false;
        boolean keepAliveAsked = false;
        String userAgent = null;
        List<String> forwardedFor = List.of();
        for (int line = skipNewline(buffer, lineEnd, end); line < end; ) {
            int next = lineEnd(buffer, line, end);
            int lineStop = next > line && buffer[next - 1] == '\r' ? next - 1 : next;
            if (lineStop == line) {
                break; // the empty line
            }
            int colon = indexOf(buffer, ':', line, lineStop);
            if (colon <= line || buffer[line] == ' ' || buffer[line] == '\t' || buffer[colon - 1] == ' '
                    || buffer[colon - 1] == '\t') {
                throw new BadRequest(400, "malformed header line");
            }
            int valueStart = colon + 1;
            while (valueStart < lineStop && (buffer[valueStart] == ' ' || buffer[valueStart] == '\t')) {
                valueStart++;
            }
            int valueEnd = trimmed(buffer, valueStart, lineStop);
            if (isIgnoringCase(buffer, line, colon, "connection")) {
                close |= containsIgnoringCase(buffer, valueStart, valueEnd, "close");
                keepAliveAsked |= containsIgnoringCase(buffer, valueStart, valueEnd, "keep-alive");
            } else if (isIgnoringCase(buffer, line, colon, "user-agent")) {
                userAgent = latin1(buffer, valueStart, valueEnd);
            } else if (isIgnoringCase(buffer, line, colon, "x-forwarded-for")) {
                if (forwardedFor.isEmpty()) {
                    forwardedFor = new ArrayList<>(2);
                }
                forwardedFor.add(latin1(buffer, valueStart, valueEnd));
            } else if (isIgnoringCase(buffer, line, colon, "transfer-encoding")
                    || isIgnoringCase(buffer, line, colon, "content-length")
                    && !is(buffer, valueStart, valueEnd, "0")) {
                throw new BadRequest(400, "tracker requests have no body");
            }
            line = skipNewline(buffer, next, end);
        }
        return new HttpRequestHead(head, path, query, http11 ? !close : keepAliveAsked && !close, userAgent,
                forwardedFor);
    }

    /** The index of the line's {@code '\n'}, or {@code end}. */
    private static int lineEnd(byte[] buffer, int from, int end) {
        int newline = indexOf(buffer, '\n', from, end);
        return newline < 0 ? end : newline;
    }

    private static int skipNewline(byte[] buffer, int lineEnd, int end) {
        return lineEnd < end ? lineEnd + 1 : end;
    }

    /** {@code to}, less a trailing {@code '\r'} and whitespace. */
    private static int trimmed(byte[] buffer, int from, int to) {
        while (to > from && (buffer[to - 1] == '\r' || buffer[to - 1] == ' ' || buffer[to - 1] == '\t')) {
            to--;
        }
        return to;
    }

    private static int indexOf(byte[] buffer, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean is(byte[] buffer, int from, int to, String ascii) {
        if (to - from != ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (buffer[from + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code buffer[from, to)} equals the lower-case ASCII {@code name}, ignoring case. */
    private static boolean isIgnoringCase(byte[] buffer, int from, int to, String name) {
        return to - from == name.length() && regionMatchesIgnoringCase(buffer, from, name);
    }

    private static boolean containsIgnoringCase(byte[] buffer, int from, int to, String token) {
        for (int i = from; i + token.length() <= to; i++) {
            if (regionMatchesIgnoringCase(buffer, i, token)) {
                return true;
            }
        }
        return false;
    }

    private static boolean regionMatchesIgnoringCase(byte[] buffer, int from, String lowerCase) {
        for (int i = 0; i < lowerCase.length(); i++) {
            int b = buffer[from + i];
            if ((b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b) != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String latin1(byte[] buffer, int from, int to) {
        return new String(buffer, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
