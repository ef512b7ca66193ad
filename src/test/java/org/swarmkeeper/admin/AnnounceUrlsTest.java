package org.swarmkeeper.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.swarmkeeper.announce.AnnounceProperties;
import org.swarmkeeper.front.ClientServer;

/** {@code tracker.announce.public-url}; the URLs built from the request are tested through the API. */
class AnnounceUrlsTest {

    private static final ObjectProvider<ClientServer> NO_SERVER =
            new StaticListableBeanFactory().getBeanProvider(ClientServer.class);

    private static AnnounceUrls withPublicUrl(String url) {
        return new AnnounceUrls(new AnnounceProperties(Duration.ofMinutes(30), 0.1, Duration.ofMinutes(5), Duration.ofMinutes(15), 50, 100,
                url), NO_SERVER);
    }

    @Test
    void aConfiguredPublicUrlIsHandedOutWithEachPasskeyInItsPlace() {
        AnnounceUrls urls = withPublicUrl("https://tracker.example.org/announce/{passkey}");

        assertThat(urls.template()).isEqualTo("https://tracker.example.org/announce/{passkey}");
        assertThat(urls.forPasskey("0123456789abcdef0123456789abcdef"))
                .isEqualTo("https://tracker.example.org/announce/0123456789abcdef0123456789abcdef");
    }

    @Test
    void aBlankPublicUrlIsUnset() {
        assertThatCode(() -> withPublicUrl(" ")).doesNotThrowAnyException(); // an empty environment variable
    }

    @Test
    void aPublicUrlWithNoPlaceForThePasskeyStopsTheStart() {
        assertThatThrownBy(() -> withPublicUrl("https://tracker.example.org/announce"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tracker.announce.public-url must contain {passkey}");
    }
}
