package org.swarmkeeper.admin;

import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.swarmkeeper.policy.PolicyEvents;

/** Cheat detection's findings across users: rule, evidence and the action taken. */
@RestController
class FlagApi {

    private final PolicyEvents events;

    FlagApi(PolicyEvents events) {
        this.events = events;
    }

    @GetMapping("/api/flags")
    List<PolicyEvents.Event> flags(@RequestParam(defaultValue = "100") int limit) {
        return events.cheatFlags(null, checkedLimit(limit));
    }

    static int checkedLimit(int limit) {
        if (limit < 1 || limit > 1000) {
            throw ApiProblems.invalid(Map.of("limit", "1 to 1000"));
        }
        return limit;
    }
}
