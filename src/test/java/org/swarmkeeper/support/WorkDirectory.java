package org.swarmkeeper.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A test's scratch directory under {@code target/}, emptied at the start so logs belong to this run only. */
public final class WorkDirectory {

    private WorkDirectory() {
    }

    public static Path fresh(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (Stream<Path> old = Files.walk(directory)) {
                old.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        return Files.createDirectories(directory);
    }
}
