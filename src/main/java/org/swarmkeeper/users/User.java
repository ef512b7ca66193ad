package org.swarmkeeper.users;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A member of the community. {@code uploaded} and {@code downloaded} are written only by the ledger's
 * additive updates, never through JPA, so an admin edit cannot overwrite credit.
 */
@Entity
@Table(name = "users")
public class User {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String name;

    private String passkey;

    @Column(insertable = false, updatable = false)
    private long uploaded;

    @Column(insertable = false, updatable = false)
    private long downloaded;

    private boolean enabled = true;

    private boolean canLeech = true;

    private Instant createdAt;

    private Instant updatedAt;

    protected User() {
    }

    User(String name, String passkey) {
        this.name = name;
        this.passkey = passkey;
        this.createdAt = Instant.now();
        this.updatedAt = createdAt;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public String getPasskey() {
        return passkey;
    }

    public long getUploaded() {
        return uploaded;
    }

    public long getDownloaded() {
        return downloaded;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public boolean isCanLeech() {
        return canLeech;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    void changeAccess(Boolean enabled, Boolean canLeech) {
        if (enabled != null) {
            this.enabled = enabled;
        }
        if (canLeech != null) {
            this.canLeech = canLeech;
        }
        this.updatedAt = Instant.now();
    }

    UserAccount account() {
        return new UserAccount(id, passkey, enabled, canLeech);
    }
}
