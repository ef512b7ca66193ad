package org.swarmkeeper.admin;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer <token>}: the bootstrap token ({@code TRACKER_ADMIN_TOKEN}, every scope) or a
 * named API token with its scopes. An unknown token authenticates nobody; the authorization rules then answer
 * 401.
 */
class BearerTokenFilter extends OncePerRequestFilter {

    private static final List<Scope> EVERY_SCOPE = List.of(Scope.values());

    private final AdminToken bootstrap;
    private final ApiTokens tokens;

    BearerTokenFilter(AdminToken bootstrap, ApiTokens tokens) {
        this.bootstrap = bootstrap;
        this.tokens = tokens;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.startsWith("Bearer ")) {
            String secret = authorization.substring(7).trim();
            if (bootstrap.accepts(authorization)) {
                authenticate("bootstrap", EVERY_SCOPE);
            } else {
                try {
                    tokens.authenticate(secret).ifPresent(token -> authenticate("token:" + token.name(), token.scopes()));
                } catch (DataAccessException e) {
                    // PostgreSQL away: named tokens cannot be checked (401); the bootstrap token still works.
                    logger.warn("Could not check an API token: " + e.getMostSpecificCause().getMessage());
                }
            }
        }
        chain.doFilter(request, response);
    }

    /**
     * A fresh context for this request only: the current one may be a dashboard session's, which must not take
     * on a token's scopes because one request carried both.
     */
    private static void authenticate(String name, List<Scope> scopes) {
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(name, null, Scope.authorities(scopes)));
        SecurityContextHolder.setContext(context);
    }
}
