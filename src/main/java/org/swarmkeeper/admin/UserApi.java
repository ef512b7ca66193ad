package org.swarmkeeper.admin;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.swarmkeeper.accounting.PeerStore;
import org.swarmkeeper.users.User;
import org.swarmkeeper.users.UserDirectory;

@RestController
@RequestMapping("/api/users")
class UserApi {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    record CreateUser(String name) {
    }

    /** Fields left out (null) keep their value. */
    record UpdateUser(Boolean enabled, Boolean canLeech) {
    }

    /** Returned once, at creation: the passkey and the announce URL to embed in this user's torrents. */
    record CreatedUser(long id, String name, String passkey, String announceUrl) {
    }

    /** {@code ratio} is {@code null} while nothing was downloaded. */
    record UserView(long id, String name, long uploaded, long downloaded, Double ratio, boolean enabled,
                    boolean canLeech, long activeSeeding, long activeLeeching, Instant createdAt) {
    }

    private final UserDirectory users;
    private final PeerStore peers;

    UserApi(UserDirectory users, PeerStore peers) {
        this.users = users;
        this.peers = peers;
    }

    private static RuntimeException notFound(long id) {
        return ApiProblems.notFound("no user with id " + id);
    }

    @PostMapping
    ResponseEntity<CreatedUser> create(@RequestBody CreateUser body) {
        if (body == null || body.name() == null || !NAME.matcher(body.name()).matches()) {
            throw ApiProblems.invalid(Map.of("name", "required: 1 to 64 of A-Z a-z 0-9 _ . -"));
        }
        User user = users.create(body.name())
                .orElseThrow(() -> ApiProblems.conflict("user name already taken: " + body.name()));
        URI location = ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}").buildAndExpand(user.getId()).toUri();
        String announceUrl = ServletUriComponentsBuilder.fromCurrentContextPath()
                .path("/announce/{passkey}").buildAndExpand(user.getPasskey()).toUriString();
        return ResponseEntity.created(location)
                .body(new CreatedUser(user.getId(), user.getName(), user.getPasskey(), announceUrl));
    }

    @PatchMapping("/{id}")
    UserView update(@PathVariable long id, @RequestBody UpdateUser body) {
        users.update(id, body.enabled(), body.canLeech()).orElseThrow(() -> notFound(id));
        return show(id);
    }

    @GetMapping("/{id}")
    UserView show(@PathVariable long id) {
        User user = users.find(id).orElseThrow(() -> notFound(id));
        PeerStore.ActivePeers active = peers.activePeers(id);
        Double ratio = user.getDownloaded() == 0 ? null : (double) user.getUploaded() / user.getDownloaded();
        return new UserView(user.getId(), user.getName(), user.getUploaded(), user.getDownloaded(), ratio,
                user.isEnabled(), user.isCanLeech(), active.seeding(), active.leeching(), user.getCreatedAt());
    }
}
