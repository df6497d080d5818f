-- Users, roles and sign-in sessions (A1). Keep in step with migrations/postgres.

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    username       TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL CHECK (role IN ('Agent', 'Supervisor', 'Administrator')),
    password_hash  TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

-- Only a SHA-256 of each token is kept: a copy of the database signs no one in.
CREATE TABLE sessions (
    token_sha256  TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
