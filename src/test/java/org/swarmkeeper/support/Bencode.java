package org.swarmkeeper.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.swarmkeeper.protocol.BencodeReader;

/** Typed access to decoded tracker answers in tests. */
public final class Bencode {

    private final Map<String, Object> dictionary;

    private Bencode(Map<String, Object> dictionary) {
        this.dictionary = dictionary;
    }

    @SuppressWarnings("unchecked")
    public static Bencode of(byte[] body) {
        try {
            return new Bencode((Map<String, Object>) BencodeReader.decode(body));
        } catch (BencodeReader.BencodeException e) {
            throw new AssertionError("not bencoded: " + new String(body, StandardCharsets.ISO_8859_1), e);
        }
    }

    public boolean has(String key) {
        return dictionary.containsKey(key);
    }

    public long integer(String key) {
        Object value = require(key);
        return (Long) value;
    }

    public byte[] bytes(String key) {
        return (byte[]) require(key);
    }

    public String text(String key) {
        return new String(bytes(key), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(String key) {
        return (List<Object>) require(key);
    }

    @SuppressWarnings("unchecked")
    public Bencode dictionary(String key) {
        return new Bencode((Map<String, Object>) require(key));
    }

    public Map<String, Object> raw() {
        return dictionary;
    }

    private Object require(String key) {
        if (!dictionary.containsKey(key)) {
            throw new AssertionError("no key '" + key + "' in " + dictionary.keySet());
        }
        return dictionary.get(key);
    }
}
