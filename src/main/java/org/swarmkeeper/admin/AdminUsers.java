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

/** Admin users for people (HTTP Basic, later the dashboard): BCrypt password hashes and scopes in PostgreSQL. */
@Component
class AdminUsers implements UserDetailsService {

    record AdminUser(long id, String name, List<Scope> scopes) {
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
        return jdbc.query("SELECT name, password_hash, scopes FROM admin_users WHERE name = ?",
                (rs, i) -> User.withUsername(rs.getString(1)).password(rs.getString(2))
                        .authorities(Scope.authorities(Scope.fromColumn(rs.getString(3)))).build(), name)
                .stream().findFirst().orElseThrow(() -> new UsernameNotFoundException("no admin user " + name));
    }
}
