package org.swarmkeeper.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;

/**
 * Named API tokens. A token is 32 random bytes shown once at creation; only its SHA-256 is stored, so a read of
 * the database yields no usable token. Looked up per request (the admin API is not a hot path), so a revoked
 * token stops working at once on every node.
 */
@Component
class ApiTokens {

    record Token(long id, String name, List<Scope> scopes, Instant createdAt) {
    }

    record Created(Token token, String secret) {
    }

    private final JdbcTemplate jdbc;
    private final SecureRandom random = new SecureRandom();

    ApiTokens(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Empty when the name is taken. */
    Optional<Created> create(String name, List<Scope> scopes) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = HexFormat.of().formatHex(bytes);
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        int added = jdbc.update(connection -> {
            var insert = connection.prepareStatement("""
                    INSERT INTO api_tokens (name, token_sha256, scopes) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING""",
                    new String[] {"id", "created_at"});
            insert.setString(1, name);
            insert.setString(2, sha256(secret));
            insert.setString(3, Scope.toColumn(scopes));
            return insert;
        }, key);
        if (added == 0) {
            return Optional.empty();
        }
        long id = ((Number) key.getKeys().get("id")).longValue();
        return Optional.of(new Created(new Token(id, name, scopes, Instant.now()), secret));
    }

    Optional<Token> authenticate(String secret) {
        return jdbc.query("SELECT id, name, scopes, created_at FROM api_tokens WHERE token_sha256 = ?",
                (rs, i) -> new Token(rs.getLong(1), rs.getString(2), Scope.fromColumn(rs.getString(3)),
                        rs.getTimestamp(4).toInstant()), sha256(secret)).stream().findFirst();
    }

    List<Token> list() {
        return jdbc.query("SELECT id, name, scopes, created_at FROM api_tokens ORDER BY id",
                (rs, i) -> new Token(rs.getLong(1), rs.getString(2), Scope.fromColumn(rs.getString(3)),
                        rs.getTimestamp(4).toInstant()));
    }

    boolean revoke(long id) {
        return jdbc.update("DELETE FROM api_tokens WHERE id = ?", id) == 1;
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
