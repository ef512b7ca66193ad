package org.swarmkeeper.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs a short command to its end, within a time limit: a hung command is killed, never waited on forever. */
public final class Commands {

    /** {@code exitCode} is -1 when the command was killed at the limit. */
    public record Result(int exitCode, String output) {

        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    private Commands() {
    }

    public static Result run(File directory, Duration limit, String... command) {
        try {
            Path output = Files.createTempFile("command", ".out");
            try {
                Process process = new ProcessBuilder(command).directory(directory).redirectErrorStream(true)
                        .redirectOutput(output.toFile()).start();
                boolean finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                }
                return new Result(finished ? process.exitValue() : -1,
                        Files.readString(output, StandardCharsets.ISO_8859_1));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs and fails the test unless the command exits 0 in time. */
    public static String check(File directory, Duration limit, String... command) {
        Result result = run(directory, limit, command);
        if (!result.succeeded()) {
            throw new AssertionError(String.join(" ", command) + " exited " + result.exitCode() + ": " + result.output());
        }
        return result.output();
    }
}
