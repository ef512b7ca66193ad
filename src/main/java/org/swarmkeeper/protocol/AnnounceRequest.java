package org.swarmkeeper.protocol;

import java.nio.charset.StandardCharsets;

/**
 * An announce as the client sent it (BEP 3, plus {@code compact} BEP 23, {@code no_peer_id}, {@code numwant},
 * {@code key}, and {@code event=paused} BEP 21). Address parameters ({@code ip}, {@code ipv4}, {@code ipv6})
 * are deliberately not read: they are spoofable, the socket address is used instead.
 *
 * @param numwant the requested peer count, or {@link #NUMWANT_ABSENT} when the client sent none (rTorrent)
 * @param key     the client's session key as raw bytes, or {@code null}
 */
public record AnnounceRequest(
        InfoHash infoHash,
        PeerId peerId,
        int port,
        long uploaded,
        long downloaded,
        long left,
        AnnounceEvent event,
        boolean compact,
        boolean noPeerId,
        int numwant,
        byte[] key) {

    public static final int NUMWANT_ABSENT = -1;
    static final int MAX_KEY_BYTES = 64;

    public static AnnounceRequest parse(String rawQuery) throws MalformedRequestException {
        QueryString query = QueryString.parse(rawQuery);
        InfoHash infoHash = InfoHash.of(id20(query, "info_hash"));
        PeerId peerId = PeerId.of(id20(query, "peer_id"));
        long port = number(query, "port");
        if (port < 1 || port > 65535) {
            throw new MalformedRequestException("invalid port");
        }
        long uploaded = number(query, "uploaded");
        long downloaded = number(query, "downloaded");
        long left = number(query, "left");
        byte[] event = query.first("event");
        AnnounceEvent parsedEvent = event == null ? AnnounceEvent.NONE : AnnounceEvent.parse(ascii(event));
        byte[] key = query.first("key");
        if (key != null && key.length == 0) {
            key = null; // optional: an empty one is the same as none
        }
        if (key != null && key.length > MAX_KEY_BYTES) {
            throw new MalformedRequestException("invalid key: at most " + MAX_KEY_BYTES + " bytes");
        }
        return new AnnounceRequest(infoHash, peerId, (int) port, uploaded, downloaded, left, parsedEvent,
                !"0".equals(ascii(query.first("compact"))), "1".equals(ascii(query.first("no_peer_id"))),
                numwant(query.first("numwant")), key);
    }

    static byte[] id20(QueryString query, String name) throws MalformedRequestException {
        byte[] value = query.first(name);
        if (value == null) {
            throw new MalformedRequestException("missing " + name);
        }
        return checkedId20(name, value);
    }

    static byte[] checkedId20(String name, byte[] value) throws MalformedRequestException {
        if (value.length != Id20.LENGTH) {
            throw new MalformedRequestException(
                    "invalid " + name + ": expected " + Id20.LENGTH + " bytes, got " + value.length);
        }
        return value;
    }

    private static long number(QueryString query, String name) throws MalformedRequestException {
        byte[] value = query.first(name);
        if (value == null) {
            throw new MalformedRequestException("missing " + name);
        }
        long parsed = unsigned(value);
        if (parsed < 0) {
            throw new MalformedRequestException("invalid " + name);
        }
        return parsed;
    }

    /** Optional and advisory: anything unusable falls back to the tracker's default. */
    private static int numwant(byte[] value) {
        long parsed = value == null ? -1 : unsigned(value);
        return parsed < 0 ? NUMWANT_ABSENT : (int) Math.min(parsed, Integer.MAX_VALUE);
    }

    /** A non-negative decimal without sign, or -1 when it is empty, not decimal or overflows a long. */
    private static long unsigned(byte[] digits) {
        if (digits.length == 0 || digits.length > 19) {
            return -1;
        }
        long result = 0;
        for (byte d : digits) {
            if (d < '0' || d > '9') {
                return -1;
            }
            result = result * 10 + (d - '0');
        }
        return result;
    }

    private static String ascii(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.ISO_8859_1);
    }

    /** The query string a well-behaved client would send for this request, for tests and load generators. */
    public String toQueryString() {
        StringBuilder out = new StringBuilder(256).append("info_hash=");
        QueryString.appendEncoded(out, infoHash.raw());
        out.append("&peer_id=");
        QueryString.appendEncoded(out, peerId.raw());
        out.append("&port=").append(port)
                .append("&uploaded=").append(uploaded)
                .append("&downloaded=").append(downloaded)
                .append("&left=").append(left)
                .append("&compact=").append(compact ? 1 : 0);
        if (noPeerId) {
            out.append("&no_peer_id=1");
        }
        if (numwant != NUMWANT_ABSENT) {
            out.append("&numwant=").append(numwant);
        }
        if (key != null) {
            out.append("&key=");
            QueryString.appendEncoded(out, key);
        }
        if (event != AnnounceEvent.NONE) {
            out.append("&event=").append(event.wireName());
        }
        return out.toString();
    }
}
