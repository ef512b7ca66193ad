package org.swarmkeeper.admin;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * What a token or admin user may do: {@code read} the admin API, {@code write} it (create, change, delete),
 * {@code admin} (manage tokens and admin users, and everything else), {@code metrics} (Actuator).
 */
enum Scope {
    READ, WRITE, ADMIN, METRICS;

    static Optional<Scope> parse(String text) {
        return Arrays.stream(values()).filter(scope -> scope.text().equals(text)).findFirst();
    }

    String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    GrantedAuthority authority() {
        return new SimpleGrantedAuthority("SCOPE_" + text());
    }

    static List<Scope> fromColumn(String column) {
        return Arrays.stream(column.split(",")).map(String::trim).map(Scope::parse).flatMap(Optional::stream).toList();
    }

    static String toColumn(List<Scope> scopes) {
        return String.join(",", scopes.stream().map(Scope::text).toList());
    }

    static List<GrantedAuthority> authorities(List<Scope> scopes) {
        return scopes.stream().map(Scope::authority).toList();
    }
}
