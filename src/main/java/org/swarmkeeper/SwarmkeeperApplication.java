package org.swarmkeeper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class SwarmkeeperApplication {

    public static void main(String[] args) {
        SpringApplication.run(SwarmkeeperApplication.class, args);
    }
}
