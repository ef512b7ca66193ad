-- Who may use the admin API and Actuator: named API tokens (only their SHA-256 is stored) and admin users
-- (BCrypt password hashes), each with scopes: read, write, admin, metrics.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         varchar(64) NOT NULL UNIQUE,
    token_sha256 char(64)    NOT NULL UNIQUE,
    scopes       varchar(64) NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE admin_users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          varchar(64)  NOT NULL UNIQUE,
    password_hash varchar(100) NOT NULL,
    scopes        varchar(64)  NOT NULL,
    created_at    timestamptz  NOT NULL DEFAULT now()
);
