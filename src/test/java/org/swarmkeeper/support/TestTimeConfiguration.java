package org.swarmkeeper.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Time moves only when a test advances it: announces, seed time, ratio watch and hit-and-run all follow. */
@TestConfiguration(proxyBeanMethods = false)
public class TestTimeConfiguration {

    @Bean
    @Primary
    MutableClock mutableClock() {
        return new MutableClock();
    }
}
