package org.swarmkeeper.admin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** RFC 9457 problem details for the admin API; field-level messages go under {@code errors}. */
@RestControllerAdvice(basePackages = "org.swarmkeeper.admin")
@Order(Ordered.HIGHEST_PRECEDENCE) // before Spring's generic problem details, which name no field
class ApiProblems {

    private static final Instant EPOCH = Instant.EPOCH;
    private static final Instant YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z");

    static ErrorResponseException invalid(Map<String, String> fieldErrors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "request has invalid fields");
        problem.setProperty("errors", fieldErrors);
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
    }

    static ErrorResponseException conflict(String detail) {
        return new ErrorResponseException(HttpStatus.CONFLICT,
                ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, detail), null);
    }

    static ErrorResponseException notFound(String detail) {
        return new ErrorResponseException(HttpStatus.NOT_FOUND,
                ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, detail), null);
    }

    /**
     * Reads an ISO-8601 instant within what PostgreSQL and {@code java.sql.Timestamp} hold (years 1970 to
     * 9999); otherwise notes the field in {@code errors} and returns {@code null}.
     */
    static Instant instant(String field, String value, Map<String, String> errors) {
        Instant instant = parseInstant(value);
        if (instant != null && !instant.isBefore(EPOCH) && instant.isBefore(YEAR_10000)) {
            return instant;
        }
        errors.put(field, "an ISO-8601 instant between 1970 and 9999, such as 2026-12-01T00:00:00Z");
        return null;
    }

    private static Instant parseInstant(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A query or path parameter of the wrong type, such as {@code page=two}: named, as a field error. */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail wrongType(MethodArgumentTypeMismatchException e) {
        Class<?> type = e.getRequiredType();
        String expected = type == Boolean.class || type == boolean.class ? "true or false"
                : type == Integer.class || type == int.class || type == Long.class || type == long.class
                ? "a whole number" : "a " + (type == null ? "value of another type" : type.getSimpleName());
        return invalid(Map.of(e.getName(), expected)).getBody();
    }

    /** Two admins creating the same name or hash at once: the database's unique constraint decides. */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ProblemDetail duplicate(DataIntegrityViolationException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "already exists");
    }
}
