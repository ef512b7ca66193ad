package org.swarmkeeper.admin;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/** Admin users for people (HTTP Basic, the dashboard): BCrypt password hashes and scopes in PostgreSQL. */
@Component
class AdminUsers implements UserDetailsService {

    record AdminUser(long id, String name, List<Scope> scopes) {
    }

    /**
     * An admin user as Spring Security signs it in, with its row's id and a stamp of the password hash and scopes
     * it had then: a session keeps this after the password itself is erased, and {@link #unchanged} compares it
     * with the row as it is now.
     */
    static final class Account extends User {

        private final long id;
        private final String stamp;

        private Account(long id, String name, String passwordHash, String scopes) {
            super(name, passwordHash, Scope.authorities(Scope.fromColumn(scopes)));
            this.id = id;
            this.stamp = stamp(passwordHash, scopes);
        }
    }

    private final JdbcTemplate jdbc;
    private final PasswordEncoder passwords;

    AdminUsers(JdbcTemplate jdbc, PasswordEncoder passwords) {
        this.jdbc = jdbc;
        this.passwords = passwords;
    }

    /** Empty when the name is taken. */
    Optional<AdminUser> create(String name, String password, List<Scope> scopes) {
        List<Long> id = jdbc.queryForList("""
                INSERT INTO admin_users (name, password_hash, scopes) VALUES (?, ?, ?)
                ON CONFLICT (name) DO NOTHING RETURNING id""", Long.class, name, passwords.encode(password),
                Scope.toColumn(scopes));
        return id.isEmpty() ? Optional.empty() : Optional.of(new AdminUser(id.get(0), name, scopes));
    }

    List<AdminUser> list() {
        return jdbc.query("SELECT id, name, scopes FROM admin_users ORDER BY id",
                (rs, i) -> new AdminUser(rs.getLong(1), rs.getString(2), Scope.fromColumn(rs.getString(3))));
    }

    boolean remove(long id) {
        return jdbc.update("DELETE FROM admin_users WHERE id = ?", id) == 1;
    }

    @Override
    public UserDetails loadUserByUsername(String name) {
        return jdbc.query("SELECT id, name, password_hash, scopes FROM admin_users WHERE name = ?",
                (rs, i) -> new Account(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)), name)
                .stream().findFirst().orElseThrow(() -> new UsernameNotFoundException("no admin user " + name));
    }

    /** Whether the account still exists with the password hash and scopes it was signed in with. */
    boolean unchanged(Account account) {
        return jdbc.query("SELECT password_hash, scopes FROM admin_users WHERE id = ?",
                (rs, i) -> stamp(rs.getString(1), rs.getString(2)), account.id).stream()
                .anyMatch(account.stamp::equals);
    }

    /** A digest, so that no password hash stays in a session's memory. */
    private static String stamp(String passwordHash, String scopes) {
        return ApiTokens.sha256(passwordHash + "\n" + scopes);
    }
}
