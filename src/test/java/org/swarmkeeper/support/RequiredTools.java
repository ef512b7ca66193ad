package org.swarmkeeper.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that drive installed programs (BitTorrent clients, torrent makers, Chromium): a missing program skips
 * the test on a developer's machine, and fails it where {@code SWARMKEEPER_REAL_CLIENTS=required} (as
 * {@code .ci/run} sets), so that CI can never pass by skipping.
 */
public final class RequiredTools {

    private RequiredTools() {
    }

    public static void require(String what, boolean installed) {
        if (!installed && "required".equals(System.getenv("SWARMKEEPER_REAL_CLIENTS"))) {
            fail(what + " required but not installed");
        }
        Assumptions.assumeTrue(installed, what + " not installed");
    }

    /** Requires every program to be on PATH. */
    public static void requireOnPath(List<String> programs) {
        List<String> missing = programs.stream().filter(program -> !onPath(program)).toList();
        require(String.join(", ", missing), missing.isEmpty());
    }

    public static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
