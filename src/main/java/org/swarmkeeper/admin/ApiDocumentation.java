package org.swarmkeeper.admin;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The admin API's OpenAPI description ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}), with
 * its two ways to authenticate so that Swagger UI's "Authorize" works. Both are public: they describe the
 * API, they hold no data.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

    @Bean
    OpenAPI trackerApi() {
        return new OpenAPI()
                .info(new Info().title("Swarmkeeper admin API").version("1")
                        .description("Users, torrents, ratio policy, cheat flags and access of a private "
                                + "BitTorrent tracker. Errors are RFC 9457 problem details."))
                .components(new Components()
                        .addSecuritySchemes("token", new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").description("an API token, or TRACKER_ADMIN_TOKEN"))
                        .addSecuritySchemes("adminUser", new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("basic").description("an admin user's name and password")))
                .addSecurityItem(new SecurityRequirement().addList("token"))
                .addSecurityItem(new SecurityRequirement().addList("adminUser"));
    }
}
