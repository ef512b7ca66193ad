package org.swarmkeeper.admin;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.dao.DataAccessException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A dashboard session follows its admin user's row: each request that brings one re-reads the row by its id (the
 * admin side is low traffic) and compares it with the stamp taken at sign-in. Removed, or its password or scopes
 * changed — by the API on any node or in SQL — and the session ends; the request goes on unauthenticated. Sessions
 * live in each node's memory, so the row that all nodes share is what decides.
 */
class SessionAccountFilter extends OncePerRequestFilter {

    private final AdminUsers adminUsers;

    SessionAccountFilter(AdminUsers adminUsers) {
        this.adminUsers = adminUsers;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication signedIn = SecurityContextHolder.getContext().getAuthentication();
        if (signedIn != null && signedIn.getPrincipal() instanceof AdminUsers.Account account) {
            try {
                if (!adminUsers.unchanged(account)) {
                    HttpSession session = request.getSession(false);
                    if (session != null) {
                        session.invalidate();
                    }
                    SecurityContextHolder.setContext(SecurityContextHolder.createEmptyContext());
                }
            } catch (DataAccessException e) {
                // PostgreSQL away: the session cannot be checked, so this request is unauthenticated (401, or the
                // sign-in form); the session itself stays for when PostgreSQL is back.
                logger.warn("Could not check a dashboard session's admin user: " + e.getMostSpecificCause().getMessage());
                SecurityContextHolder.setContext(SecurityContextHolder.createEmptyContext());
            }
        }
        chain.doFilter(request, response);
    }
}
