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
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.savedrequest.NullRequestCache;

/**
 * Who may call what. Only the admin paths ({@code /api}, {@code /actuator}, the dashboard and its login) pass
 * through Spring Security; the tracker's announce and scrape paths never do (no filter work per announce, no
 * firewall on binary query strings). The admin API takes a bearer token, an admin user's Basic credentials,
 * or the session of an admin user signed in to the dashboard: {@code GET} needs scope read (or write/admin),
 * changes need write (or admin), tokens and admin users need admin; Actuator needs metrics (or admin), except
 * health for probes. Changes that a session could authorize need the session's CSRF token unless they carry a
 * bearer token, which no browser adds to a forged request by itself. A session ends once its admin user is
 * removed or changed ({@link SessionAccountFilter}).
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
    SecurityFilterChain dashboardSecurity(HttpSecurity http, AdminUsers adminUsers) throws Exception {
        String read = Scope.READ.authority().getAuthority();
        String write = Scope.WRITE.authority().getAuthority();
        String admin = Scope.ADMIN.authority().getAuthority();
        return http.securityMatcher("/admin", "/admin/**", "/login", "/logout")
                .authorizeHttpRequests(rules -> rules.anyRequest().hasAnyAuthority(read, write, admin))
                .addFilterAfter(new SessionAccountFilter(adminUsers), SecurityContextHolderFilter.class)
                .formLogin(login -> login.defaultSuccessUrl("/admin/", true).permitAll())
                .logout(logout -> logout.logoutSuccessUrl("/login?logout").permitAll())
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain adminSecurity(HttpSecurity http, AdminToken bootstrap, ApiTokens tokens, AdminUsers adminUsers)
            throws Exception {
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
                // Right after the session's context is loaded: before a token or Basic credentials replace it.
                .addFilterAfter(new SessionAccountFilter(adminUsers), SecurityContextHolderFilter.class)
                .addFilterBefore(new BearerTokenFilter(bootstrap, tokens), BasicAuthenticationFilter.class)
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthorized()))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(unauthorized())
                        .accessDeniedHandler(forbidden()))
                // Uses a dashboard session, never creates one (nor one to remember a refused request in).
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.NEVER))
                .requestCache(cache -> cache.requestCache(new NullRequestCache()))
                .csrf(csrf -> csrf.requireCsrfProtectionMatcher(SecurityConfiguration::sessionCallerChanging))
                .build();
    }

    /**
     * A change that a session may authorize and that carries no bearer token: a browser attaches cookies (and
     * Basic credentials it has cached) to a cross-site form post on its own, but never a bearer token.
     */
    private static boolean sessionCallerChanging(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        return !SAFE_METHODS.contains(request.getMethod()) && request.getSession(false) != null
                && (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7));
    }

    private static AuthenticationEntryPoint unauthorized() {
        return (request, response, e) -> {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            problem(response, HttpStatus.UNAUTHORIZED,
                    "send Authorization: Bearer <token>, or an admin user's Basic credentials");
        };
    }

    private static AccessDeniedHandler forbidden() {
        return (request, response, e) -> problem(response, HttpStatus.FORBIDDEN, e instanceof CsrfException
                ? "a change made with the dashboard's session needs its CSRF token (GET /admin/csrf)"
                : "these credentials lack the scope this call needs (read, write, admin or metrics)");
    }

    private static void problem(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase()
                + "\",\"status\":" + status.value() + ",\"detail\":\"" + detail + "\"}");
    }
}
