package org.swarmkeeper.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A list request's {@code page} (from 0), {@code size} (1 to 500) and {@code sort} ({@code key} or
 * {@code key,asc|desc}), checked against the keys a list offers; bad values are field errors.
 */
record Paging(int page, int size, String sortKey, boolean descending) {

    static final int MAX_SIZE = 500;

    /** One page of a list, with what a client needs to ask for the next. */
    record Page<T>(List<T> items, int page, int size, long totalItems, int totalPages) {
    }

    static Paging of(int page, int size, String sort, Set<String> sortKeys) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (page < 0) {
            errors.put("page", "0 or more");
        }
        if (size < 1 || size > MAX_SIZE) {
            errors.put("size", "from 1 to " + MAX_SIZE);
        }
        String[] parts = sort.split(",", -1);
        boolean knownDirection = parts.length == 1 || (parts.length == 2 && Set.of("asc", "desc").contains(parts[1]));
        if (!sortKeys.contains(parts[0]) || !knownDirection) {
            errors.put("sort", "one of " + String.join(", ", sortKeys.stream().sorted().toList())
                    + ", optionally followed by ,asc or ,desc");
        }
        if (!errors.isEmpty()) {
            throw ApiProblems.invalid(errors);
        }
        return new Paging(page, size, parts[0], parts.length == 2 && parts[1].equals("desc"));
    }

    long offset() {
        return (long) page * size;
    }

    <T> Page<T> page(List<T> items, long totalItems) {
        return new Page<>(items, page, size, totalItems, (int) ((totalItems + size - 1) / size));
    }
}
