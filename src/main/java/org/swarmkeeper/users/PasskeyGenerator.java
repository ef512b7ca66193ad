package org.swarmkeeper.users;

import java.security.SecureRandom;
import java.util.HexFormat;

import org.springframework.stereotype.Component;

/** 128 random bits as 32 lowercase hex digits. */
@Component
class PasskeyGenerator {

    private final SecureRandom random = new SecureRandom();

    String next() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
