package org.swarmkeeper.admin;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** API tokens and admin users (scope admin): who may use the admin API and Actuator. */
@RestController
@RequestMapping("/api")
class AccessApi {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    record NewToken(String name, List<String> scopes) {
    }

    /** The secret is in this answer only; the tracker keeps its hash. */
    record CreatedToken(long id, String name, List<String> scopes, String token) {
    }

    record TokenView(long id, String name, List<String> scopes, Instant createdAt) {
    }

    record NewAdminUser(String name, String password, List<String> scopes) {
    }

    record AdminUserView(long id, String name, List<String> scopes) {
    }

    private final ApiTokens tokens;
    private final AdminUsers adminUsers;

    AccessApi(ApiTokens tokens, AdminUsers adminUsers) {
        this.tokens = tokens;
        this.adminUsers = adminUsers;
    }

    @PostMapping("/tokens")
    ResponseEntity<CreatedToken> createToken(@RequestBody NewToken body) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = checkedName(body == null ? null : body.name(), errors);
        List<Scope> scopes = checkedScopes(body == null ? null : body.scopes(), errors);
        if (!errors.isEmpty()) {
            throw ApiProblems.invalid(errors);
        }
        ApiTokens.Created created = tokens.create(name, scopes)
                .orElseThrow(() -> ApiProblems.conflict("a token named " + name + " exists already"));
        return ResponseEntity.status(HttpStatus.CREATED).body(new CreatedToken(created.token().id(), name,
                texts(scopes), created.secret()));
    }

    @GetMapping("/tokens")
    List<TokenView> tokens() {
        return tokens.list().stream().map(t -> new TokenView(t.id(), t.name(), texts(t.scopes()), t.createdAt())).toList();
    }

    @DeleteMapping("/tokens/{id}")
    ResponseEntity<Void> revokeToken(@PathVariable long id) {
        if (!tokens.revoke(id)) {
            throw ApiProblems.notFound("no token with id " + id);
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/admin-users")
    ResponseEntity<AdminUserView> createAdminUser(@RequestBody NewAdminUser body) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = checkedName(body == null ? null : body.name(), errors);
        if (body == null || body.password() == null || body.password().length() < 12
                || body.password().getBytes(StandardCharsets.UTF_8).length > 72) {
            errors.put("password", "required: at least 12 characters and at most 72 bytes in UTF-8 (BCrypt's limit)");
        }
        List<Scope> scopes = checkedScopes(body == null ? null : body.scopes(), errors);
        if (!errors.isEmpty()) {
            throw ApiProblems.invalid(errors);
        }
        AdminUsers.AdminUser user = adminUsers.create(name, body.password(), scopes)
                .orElseThrow(() -> ApiProblems.conflict("an admin user named " + name + " exists already"));
        return ResponseEntity.status(HttpStatus.CREATED).body(new AdminUserView(user.id(), name, texts(scopes)));
    }

    @GetMapping("/admin-users")
    List<AdminUserView> adminUsers() {
        return adminUsers.list().stream().map(u -> new AdminUserView(u.id(), u.name(), texts(u.scopes()))).toList();
    }

    /** Removes an admin user: their Basic credentials stop working at once, and their dashboard sessions end. */
    @DeleteMapping("/admin-users/{id}")
    ResponseEntity<Void> removeAdminUser(@PathVariable long id) {
        if (!adminUsers.remove(id)) {
            throw ApiProblems.notFound("no admin user with id " + id);
        }
        return ResponseEntity.noContent().build();
    }

    private static String checkedName(String name, Map<String, String> errors) {
        if (name == null || !NAME.matcher(name).matches()) {
            errors.put("name", "required: 1 to 64 of A-Z a-z 0-9 _ . -");
        }
        return name;
    }

    private static List<Scope> checkedScopes(List<String> texts, Map<String, String> errors) {
        List<Scope> scopes = new ArrayList<>();
        if (texts == null || texts.isEmpty()) {
            errors.put("scopes", "required: one or more of read, write, admin, metrics");
            return scopes;
        }
        for (String text : texts) {
            Optional<Scope> scope = Scope.parse(text);
            if (scope.isEmpty()) {
                errors.put("scopes", "each one of read, write, admin, metrics");
            } else if (!scopes.contains(scope.get())) {
                scopes.add(scope.get());
            }
        }
        return scopes;
    }

    private static List<String> texts(List<Scope> scopes) {
        return scopes.stream().map(Scope::text).toList();
    }
}
