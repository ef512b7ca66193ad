package org.swarmkeeper.admin;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.swarmkeeper.economy.EconomyProperties;
import org.swarmkeeper.economy.Points;
import org.swarmkeeper.economy.SeedPointRule;
import org.swarmkeeper.economy.UserClass;
import org.swarmkeeper.economy.UserClasses;
import org.swarmkeeper.policy.ClassAssignments;
import org.swarmkeeper.policy.PointPurchases;
import org.swarmkeeper.swarm.SwarmRegistry;
import tools.jackson.databind.JsonNode;

/**
 * The economy: seed points (a user's balance, what earned it and what it was spent on; the price list; spending)
 * and user classes (the classes, a user's class with the progress towards the next one, staff's assignment).
 */
@RestController
@RequestMapping("/api")
class EconomyApi {

    private static final int SHOWN = 50;
    private static final int MAX_QUANTITY = 1_000_000;

    record UserPoints(long userId, BigDecimal balance, List<Points.Earned> earnedBy, List<Points.Spend> spends) {
    }

    /** How seeding earns (durations in seconds): the formula's coefficients, or the rule table when it has rules. */
    record SeedPointsView(boolean enabled, double flat, double scarcity, double seederExponent, long idleAfterSeconds,
                          double idleFactor, List<RuleView> rules) {
    }

    /** A rule of the table: sizes in bytes, durations in seconds, 0 for no maximum. */
    record RuleView(long minSizeBytes, long maxSizeBytes, int minSeeders, int maxSeeders, long minAgeSeconds,
                    long maxAgeSeconds, long minSeedTimeSeconds, long maxSeedTimeSeconds, double pointsPerHour) {

        static RuleView of(SeedPointRule rule) {
            return new RuleView(rule.minSize().toBytes(), rule.maxSize().toBytes(), rule.minSeeders(),
                    rule.maxSeeders(), rule.minAge().toSeconds(), rule.maxAge().toSeconds(),
                    rule.minSeedTime().toSeconds(), rule.maxSeedTime().toSeconds(), rule.pointsPerHour());
        }
    }

    record PriceList(Map<String, BigDecimal> prices, SeedPointsView seedPoints) {
    }

    /** A class as configured: durations in seconds, sizes in bytes. */
    record ClassView(String name, long accountAgeSeconds, long uploadedBytes, double ratio, long seedTimeSeconds,
                     long averageSeedTimeSeconds, long seedingBytes, int snatches, double demoteBelowRatio,
                     int downloadSlots, long leechWaitSeconds, double downloadFactor, double uploadFactor,
                     double pointsMultiplier, boolean hitAndRunImmune) {

        static ClassView of(UserClass c) {
            return new ClassView(c.name(), c.accountAge().toSeconds(), c.uploaded().toBytes(), c.ratio(),
                    c.seedTime().toSeconds(), c.averageSeedTime().toSeconds(), c.seedingSize().toBytes(),
                    c.snatches(), c.demoteBelowRatio(), c.downloadSlots(), c.leechWait().toSeconds(),
                    c.downloadFactor(), c.uploadFactor(), c.pointsMultiplier(), c.hitAndRunImmune());
        }
    }

    /** A user's class and progress; {@code slotsInUse}: torrents the user is leeching on this node. */
    record UserClassView(long userId, String userClass, boolean pinned, int downloadSlots, int slotsInUse,
                         String nextClass, List<UserClasses.Requirement> requirements) {
    }

    private final Points points;
    private final PointPurchases purchases;
    private final EconomyProperties economy;
    private final UserClasses classes;
    private final ClassAssignments assignments;
    private final SwarmRegistry swarms;
    private final Clock clock;

    EconomyApi(Points points, PointPurchases purchases, EconomyProperties economy, UserClasses classes,
               ClassAssignments assignments, SwarmRegistry swarms, Clock clock) {
        this.points = points;
        this.purchases = purchases;
        this.economy = economy;
        this.classes = classes;
        this.assignments = assignments;
        this.swarms = swarms;
        this.clock = clock;
    }

    /** The user classes, lowest first, with their requirements and privileges. */
    @GetMapping("/economy/classes")
    List<ClassView> classes() {
        return classes.all().stream().map(ClassView::of).toList();
    }

    /** The user's class, whether staff pinned it, download slots in use, and the requirements of the next class. */
    @GetMapping("/users/{id}/class")
    UserClassView userClass(@PathVariable long id) {
        UserClasses.Progress progress = classes.progress(id, clock.instant())
                .orElseThrow(() -> ApiProblems.notFound("no user " + id));
        UserClass current = classes.named(progress.userClass()).orElseThrow();
        return new UserClassView(id, progress.userClass(), progress.pinned(), current.downloadSlots(),
                swarms.leechingTorrents(id), progress.nextClass(), progress.requirements());
    }

    /**
     * Puts the user in a class: {@code {"class": "Elite", "pinned": true}} keeps the user there whatever the
     * requirements say; {@code "pinned": false} (the default) lets the next evaluation move the user.
     */
    @PutMapping("/users/{id}/class")
    UserClassView assignClass(@PathVariable long id, @RequestBody JsonNode body) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (body == null || !body.isObject()) {
            throw ApiProblems.invalid(Map.of("body", "a JSON object with class and pinned"));
        }
        JsonNode name = body.get("class");
        UserClass target = name != null && name.isString() ? classes.named(name.asString()).orElse(null) : null;
        if (target == null) {
            errors.put("class", "one of " + String.join(", ", classes.all().stream().map(UserClass::name).toList()));
        }
        JsonNode pinned = body.get("pinned");
        if (pinned != null && !pinned.isBoolean()) {
            errors.put("pinned", "true or false");
        }
        if (!errors.isEmpty()) {
            throw ApiProblems.invalid(errors);
        }
        if (!assignments.assign(id, target, pinned != null && pinned.asBoolean(), caller())) {
            throw ApiProblems.notFound("no user " + id);
        }
        return userClass(id);
    }

    private static String caller() {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        return caller == null ? "?" : caller.getName();
    }

    /** The balance, the torrents that earned most, the latest spends. */
    @GetMapping("/users/{id}/points")
    UserPoints show(@PathVariable long id) {
        BigDecimal balance = points.balance(id).orElseThrow(() -> ApiProblems.notFound("no user " + id));
        return new UserPoints(id, balance, points.earned(id, SHOWN), points.spends(id, SHOWN));
    }

    /** What each item costs (0: not for sale), and how seeding earns. */
    @GetMapping("/economy/prices")
    PriceList prices() {
        Map<String, BigDecimal> prices = new LinkedHashMap<>();
        Arrays.stream(PointPurchases.Item.values()).forEach(item -> prices.put(item.code(),
                Points.points(Points.micros(purchases.unitPrice(item)))));
        EconomyProperties.SeedPoints seeding = economy.seedPoints();
        return new PriceList(prices, new SeedPointsView(seeding.enabled(), seeding.flat(), seeding.scarcity(),
                seeding.seederExponent(), seeding.idleAfter().toSeconds(), seeding.idleFactor(),
                seeding.rules().stream().map(RuleView::of).toList()));
    }

    /**
     * Spends the user's points: {@code {"item": "upload", "quantity": 5}} buys 5 GiB of upload credit. Items:
     * {@code upload} (GiB), {@code freeleech-token}, {@code personal-freeleech} (days), {@code hit-and-run-strike}.
     * 409 when the balance is short (naming both) or the item cannot be had.
     */
    @PostMapping("/users/{id}/points/spend")
    UserPoints spend(@PathVariable long id, @RequestBody JsonNode body) {
        Map<String, String> errors = new LinkedHashMap<>();
        int quantity = 1;
        if (body == null || !body.isObject()) {
            throw ApiProblems.invalid(Map.of("body", "a JSON object with item and quantity"));
        }
        JsonNode itemNode = body.get("item");
        PointPurchases.Item item = itemNode != null && itemNode.isString()
                ? PointPurchases.Item.of(itemNode.asString()).orElse(null) : null;
        if (item == null) {
            errors.put("item", "one of " + String.join(", ",
                    Arrays.stream(PointPurchases.Item.values()).map(PointPurchases.Item::code).toList()));
        }
        if (body.has("quantity")) {
            JsonNode quantityNode = body.get("quantity");
            if (!quantityNode.isIntegralNumber() || !quantityNode.canConvertToInt() || quantityNode.asInt() < 1
                    || quantityNode.asInt() > MAX_QUANTITY) {
                errors.put("quantity", "a whole number from 1 to " + MAX_QUANTITY);
            } else {
                quantity = quantityNode.asInt();
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblems.invalid(errors);
        }
        points.balance(id).orElseThrow(() -> ApiProblems.notFound("no user " + id));
        PointPurchases.Outcome outcome = purchases.buy(id, item, quantity, caller());
        return switch (outcome) {
            case PointPurchases.Outcome.Bought bought -> show(id);
            case PointPurchases.Outcome.Short shortOf -> throw shortOfPoints(shortOf);
            case PointPurchases.Outcome.Refused refused -> throw ApiProblems.conflict(refused.reason());
        };
    }

    private static ErrorResponseException shortOfPoints(PointPurchases.Outcome.Short shortOf) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "the balance of "
                + shortOf.balance().stripTrailingZeros().toPlainString() + " points is short of the price of "
                + shortOf.price().stripTrailingZeros().toPlainString());
        problem.setProperty("balance", shortOf.balance());
        problem.setProperty("price", shortOf.price());
        return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
    }
}
