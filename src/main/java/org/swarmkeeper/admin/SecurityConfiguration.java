package org.swarmkeeper.admin;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * Who may call what. Only the admin paths ({@code /api}, {@code /actuator}, the dashboard and its login) pass
 * through Spring Security; the tracker's announce and scrape paths never do (no filter work per announce, no
 * firewall on binary query strings). The admin API takes a bearer token, an admin user's Basic credentials,
 * or the session of an admin user signed in to the dashboard: {@code GET} needs scope read (or write/admin),
 * changes need write (or admin), tokens and admin users need admin; Actuator needs metrics (or admin), except
 * health for probes. Only session callers meet CSRF checks: a request carrying its own credentials cannot be
 * forged by another site.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    /**
     * Spring Security's filter only on {@code /api/*} and {@code /actuator/*} (Spring Boot registers it for every
     * path): announces never meet its firewall, which would refuse the binary bytes their query strings carry.
     */
    @Bean
    static BeanPostProcessor securityFilterOnAdminPathsOnly() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof DelegatingFilterProxyRegistrationBean registration
                        && name.equals("securityFilterChainRegistration")) {
                    registration.setUrlPatterns(List.of("/api/*", "/actuator/*", "/admin/*", "/admin", "/login",
                            "/logout"));
                }
                return bean;
            }
        };
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    /** The dashboard: a sign-in form for admin users, then a session; pages need scope read. */
    @Bean
    @Order(1)
    SecurityFilterChain dashboardSecurity(HttpSecurity http) throws Exception {
        String read = Scope.READ.authority().getAuthority();
        String write = Scope.WRITE.authority().getAuthority();
        String admin = Scope.ADMIN.authority().getAuthority();
        return http.securityMatcher("/admin", "/admin/**", "/login", "/logout")
                .authorizeHttpRequests(rules -> rules.anyRequest().hasAnyAuthority(read, write, admin))
                .formLogin(login -> login.defaultSuccessUrl("/admin/", true).permitAll())
                .logout(logout -> logout.logoutSuccessUrl("/login?logout").permitAll())
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain adminSecurity(HttpSecurity http, AdminToken bootstrap, ApiTokens tokens) throws Exception {
        String read = Scope.READ.authority().getAuthority();
        String write = Scope.WRITE.authority().getAuthority();
        String admin = Scope.ADMIN.authority().getAuthority();
        String metrics = Scope.METRICS.authority().getAuthority();
        return http.securityMatcher("/api/**", "/actuator/**")
                .authorizeHttpRequests(rules -> rules
                        .requestMatchers("/api/tokens/**", "/api/tokens", "/api/admin-users/**", "/api/admin-users")
                        .hasAuthority(admin)
                        .requestMatchers(HttpMethod.GET, "/api/**").hasAnyAuthority(read, write, admin)
                        .requestMatchers("/api/**").hasAnyAuthority(write, admin)
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .anyRequest().hasAnyAuthority(metrics, admin))
                .addFilterBefore(new BearerTokenFilter(bootstrap, tokens), BasicAuthenticationFilter.class)
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthorized()))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(unauthorized())
                        .accessDeniedHandler(forbidden()))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.NEVER))
                .csrf(csrf -> csrf.requireCsrfProtectionMatcher(SecurityConfiguration::sessionCallerChanging))
                .build();
    }

    /** A change sent with nothing but the dashboard's session cookie: the only kind another site could forge. */
    private static boolean sessionCallerChanging(HttpServletRequest request) {
        return !SAFE_METHODS.contains(request.getMethod()) && request.getHeader(HttpHeaders.AUTHORIZATION) == null
                && request.getSession(false) != null;
    }

    private static AuthenticationEntryPoint unauthorized() {
        return (request, response, e) -> {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            problem(response, HttpStatus.UNAUTHORIZED,
                    "send Authorization: Bearer <token>, or an admin user's Basic credentials");
        };
    }

    private static AccessDeniedHandler forbidden() {
        return (request, response, e) -> problem(response, HttpStatus.FORBIDDEN,
                "these credentials lack the scope this call needs (read, write, admin or metrics)");
    }

    private static void problem(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase()
                + "\",\"status\":" + status.value() + ",\"detail\":\"" + detail + "\"}");
    }
}
