package org.swarmkeeper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
        GeneratedDocument.assertCommitted("docs/modules/" + DIAGRAM, rendered, "ModularityTest");
    }
}
