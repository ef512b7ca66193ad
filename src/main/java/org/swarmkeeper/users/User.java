package org.swarmkeeper.users;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A member of the community. The totals ({@code uploaded}, {@code downloaded} as credited, and their raw
 * counterparts as reported) are written only by the ledger's additive updates, never through JPA, so an
 * admin edit cannot overwrite credit.
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

    @Column(insertable = false, updatable = false)
    private long rawUploaded;

    @Column(insertable = false, updatable = false)
    private long rawDownloaded;

    /** Raw upload not credited: more than the peers' active time allows, or withheld by a cheat rule. */
    @Column(insertable = false, updatable = false)
    private long withheldUploaded;

    private boolean enabled = true;

    private String disabledReason;

    private boolean canLeech = true;

    private boolean immune;

    private Instant personalFreeleechUntil;

    /** Spent and granted through the ratio policy's token service, never through JPA. */
    @Column(insertable = false, updatable = false)
    private int freeleechTokens;

    /** Set by the economy's class evaluation and staff's pin, never through JPA; {@code null}: the first class. */
    @Column(insertable = false, updatable = false)
    private String userClass;

    @Column(insertable = false, updatable = false)
    private boolean classPinned;

    private Instant createdAt;

    private Instant updatedAt;

    protected User() {
    }

    User(String name, String passkey, Instant createdAt) {
        this.name = name;
        this.passkey = passkey;
        this.createdAt = createdAt;
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

    public long getRawUploaded() {
        return rawUploaded;
    }

    public long getRawDownloaded() {
        return rawDownloaded;
    }

    public long getWithheldUploaded() {
        return withheldUploaded;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public String getDisabledReason() {
        return disabledReason;
    }

    public boolean isCanLeech() {
        return canLeech;
    }

    public boolean isImmune() {
        return immune;
    }

    public Instant getPersonalFreeleechUntil() {
        return personalFreeleechUntil;
    }

    public int getFreeleechTokens() {
        return freeleechTokens;
    }

    public String getUserClass() {
        return userClass;
    }

    public boolean isClassPinned() {
        return classPinned;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    void changePasskey(String passkey) {
        this.passkey = passkey;
        this.updatedAt = Instant.now();
    }

    void apply(AccountChanges changes) {
        if (changes.enabled() != null) {
            this.enabled = changes.enabled();
            if (enabled) {
                this.disabledReason = null;
            }
        }
        if (changes.disabledReason() != null) {
            this.disabledReason = changes.disabledReason();
        }
        if (changes.canLeech() != null) {
            this.canLeech = changes.canLeech();
        }
        if (changes.immune() != null) {
            this.immune = changes.immune();
        }
        if (changes.personalFreeleechUntil() != null) {
            this.personalFreeleechUntil = changes.personalFreeleechUntil().orElse(null);
        }
        this.updatedAt = Instant.now();
    }

    UserAccount account() {
        return new UserAccount(id, passkey, enabled, disabledReason, canLeech, immune,
                personalFreeleechUntil == null ? 0 : personalFreeleechUntil.toEpochMilli(), userClass);
    }
}
