package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Gazelle's required-ratio table as configured by default, read from the properties record itself. */
class RequiredRatioTest {

    private static final long GIB = 1L << 30;
    private final RequiredRatio table = RequiredRatio.parse(defaultTable());

    private static List<String> defaultTable() {
        return Arrays.stream(PolicyProperties.class.getDeclaredConstructors()[0].getParameters())
                .filter(parameter -> parameter.getName().equals("requiredRatio"))
                .map(parameter -> List.of(parameter.getAnnotation(DefaultValue.class).value()))
                .findFirst().orElseThrow();
    }

    @Test
    void bracketsRunFromTheirNoneSeededToTheirAllSeededValue() {
        assertThat(table.of(0, 0)).isZero();
        assertThat(table.of(5 * GIB - 1, 0)).isZero();
        assertThat(table.of(5 * GIB, 0)).isEqualTo(0.15);
        assertThat(table.of(6 * GIB, 1)).isZero();
        assertThat(table.of(25 * GIB, 0.5)).isCloseTo(0.175, within(1e-9));
        assertThat(table.of(45 * GIB, 0.25)).isCloseTo(0.425, within(1e-9));
        assertThat(table.of(90 * GIB, 1)).isCloseTo(0.50, within(1e-9));
        assertThat(table.of(2000 * GIB, 0)).isEqualTo(0.60);
        assertThat(table.of(2000 * GIB, 1)).isEqualTo(0.60);
    }

    @Test
    void aTableMustAscendAndEndOpen() {
        assertThatThrownBy(() -> RequiredRatio.parse(List.of("10GB:0.1:0", "5GB:0.2:0", "*:0.6:0.6")))
                .hasMessageContaining("must follow the previous one");
        assertThatThrownBy(() -> RequiredRatio.parse(List.of("10GB:0.1:0")))
                .hasMessageContaining("must end with a '*' bracket");
        assertThatThrownBy(() -> RequiredRatio.parse(List.of("*:0.1:0.2"))).hasMessageContaining("atAllSeeded");
    }
}
