package org.swarmkeeper.users;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A passkey is 32 hex digits, either case, and nothing else. */
class PasskeyFormatTest {

    private static final String PASSKEY = "0123456789abcdef0123456789ABCDEF";

    @Test
    void thirtyTwoHexDigitsOfEitherCaseAreWellFormed() {
        assertThat(UserDirectory.isWellFormedPasskey(PASSKEY)).isTrue();
    }

    @Test
    void anythingElseIsNot() {
        assertThat(UserDirectory.isWellFormedPasskey(null)).isFalse();
        assertThat(UserDirectory.isWellFormedPasskey(PASSKEY.substring(1))).isFalse();
        assertThat(UserDirectory.isWellFormedPasskey(PASSKEY + "0")).isFalse();
        assertThat(UserDirectory.isWellFormedPasskey(PASSKEY.replace('f', 'g'))).isFalse();
        assertThat(UserDirectory.isWellFormedPasskey(PASSKEY.replace('3', '\u0663'))).as("an Arabic-Indic three")
                .isFalse();
        assertThat(UserDirectory.isWellFormedPasskey(PASSKEY.replace('a', ' '))).isFalse();
    }
}
