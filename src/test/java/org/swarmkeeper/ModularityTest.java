package org.swarmkeeper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;
import org.springframework.modulith.docs.Documenter.DiagramOptions;
import org.springframework.modulith.docs.Documenter.DiagramOptions.DiagramStyle;
import org.swarmkeeper.support.GeneratedDocument;

/**
 * Module dependencies point one way (each module names the modules it may use): no cycles, no reaching into another
 * module's internals. The module diagram in {@code docs/modules/} is drawn from the same model.
 */
class ModularityTest {

    private static final ApplicationModules MODULES = ApplicationModules.of(SwarmkeeperApplication.class);
    /** The name Documenter gives the diagram of all modules. */
    private static final String DIAGRAM = "components.puml";

    @Test
    void modulesRespectTheirBoundaries() {
        MODULES.verify();
    }

    @Test
    void committedModuleDiagramIsTheCodes() throws IOException {
        Path folder = Path.of("target", "spring-modulith-docs");
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(folder.toString()))
                .writeModulesAsPlantUml(DiagramOptions.defaults().withStyle(DiagramStyle.UML));
        String rendered = Files.readString(folder.resolve(DIAGRAM), StandardCharsets.UTF_8);
        GeneratedDocument.assertCommitted("docs/modules/" + DIAGRAM, inStableOrder(rendered), "ModularityTest");
    }

    /** Documenter lists modules and arrows in no fixed order: each run of them sorted, so that the file is stable. */
    private static String inStableOrder(String plantUml) {
        List<String> out = new ArrayList<>();
        List<String> run = new ArrayList<>();
        for (String line : plantUml.split("\n", -1)) {
            if (!run.isEmpty() && kind(line) != kind(run.get(0))) {
                out.addAll(run.stream().sorted().toList());
                run.clear();
            }
            if (kind(line) == 0) {
                out.add(line);
            } else {
                run.add(line);
            }
        }
        out.addAll(run.stream().sorted().toList());
        return String.join("\n", out);
    }

    /** 1 for a module, 2 for an arrow, 0 for anything else. */
    private static int kind(String line) {
        return line.trim().startsWith("component ") ? 1 : line.contains(" --> ") ? 2 : 0;
    }
}
