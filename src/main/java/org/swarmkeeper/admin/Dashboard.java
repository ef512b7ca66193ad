package org.swarmkeeper.admin;

import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The dashboard at {@code /admin}: static pages ({@code static/admin}) that call the admin API with the
 * session of the signed-in admin user. This class maps {@code /admin} to its overview and hands the pages
 * the CSRF token their sign-out form needs.
 */
@Configuration(proxyBeanMethods = false)
class Dashboard implements WebMvcConfigurer {

    record Csrf(String headerName, String parameterName, String token) {
    }

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/admin", "/admin/");
        registry.addViewController("/admin/").setViewName("forward:/admin/index.html");
    }

    @RestController
    static class CsrfApi {

        /** Under {@code /admin}, so that only a signed-in session, never an API caller, creates a token. */
        @GetMapping("/admin/csrf")
        Csrf csrf(CsrfToken token) {
            return new Csrf(token.getHeaderName(), token.getParameterName(), token.getToken());
        }
    }
}
