package org.swarmkeeper.admin;

import java.math.BigDecimal;
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
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.swarmkeeper.economy.EconomyProperties;
import org.swarmkeeper.economy.Points;
import org.swarmkeeper.policy.PointPurchases;
import tools.jackson.databind.JsonNode;

/** Seed points: a user's balance, what earned it and what it was spent on; the price list; spending. */
@RestController
@RequestMapping("/api")
class PointsApi {

    private static final int SHOWN = 50;
    private static final int MAX_QUANTITY = 1_000_000;

    record UserPoints(long userId, BigDecimal balance, List<Points.Earned> earnedBy, List<Points.Spend> spends) {
    }

    record PriceList(Map<String, BigDecimal> prices, EconomyProperties.SeedPoints seedPoints) {
    }

    private final Points points;
    private final PointPurchases purchases;
    private final EconomyProperties economy;

    PointsApi(Points points, PointPurchases purchases, EconomyProperties economy) {
        this.points = points;
        this.purchases = purchases;
        this.economy = economy;
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
        return new PriceList(prices, economy.seedPoints());
    }

    /**
     * Spends the user's points: {@code {"item": "upload", "quantity": 5}} buys 5 GiB of upload credit. Items:
     * {@code upload} (GiB), {@code freeleech-token}, {@code personal-freeleech} (days), {@code hit-and-run-strike}.
     * 409 when the balance is short (naming both) or the item cannot be had.
     */
    @PostMapping("/users/{id}/points/spend")
    UserPoints spend(@PathVariable long id, @RequestBody JsonNode body) {
        Map<String, String> errors = new LinkedHashMap<>();
        PointPurchases.Item item = null;
        int quantity = 1;
        if (body == null || !body.isObject()) {
            throw ApiProblems.invalid(Map.of("body", "a JSON object with item and quantity"));
        }
        JsonNode itemNode = body.get("item");
        if (itemNode == null || !itemNode.isString() || PointPurchases.Item.of(itemNode.asString()).isEmpty()) {
            errors.put("item", "one of " + String.join(", ",
                    Arrays.stream(PointPurchases.Item.values()).map(PointPurchases.Item::code).toList()));
        } else {
            item = PointPurchases.Item.of(itemNode.asString()).orElseThrow();
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
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        PointPurchases.Outcome outcome = purchases.buy(id, item, quantity, caller == null ? "?" : caller.getName());
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
