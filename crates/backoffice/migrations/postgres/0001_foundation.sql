-- The back office's first schema (PostgreSQL). Times are BIGINT milliseconds since the Unix
-- epoch and flags are 0/1 BIGINTs on both backends, so the shared repository code reads
-- and compares them identically. Keep in step with migrations/sqlite.

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    number_limit  BIGINT NOT NULL DEFAULT 25 CHECK (number_limit >= 0),
    created_at    BIGINT NOT NULL
);

CREATE TABLE voice_connectors (
    id                   TEXT PRIMARY KEY,
    account_id           TEXT NOT NULL REFERENCES accounts(id),
    name                 TEXT NOT NULL,
    termination_enabled  BIGINT NOT NULL DEFAULT 0 CHECK (termination_enabled IN (0, 1)),
    allowed_networks     TEXT NOT NULL DEFAULT '',
    calling_countries    TEXT NOT NULL DEFAULT 'US',
    default_caller       TEXT,
    origination_enabled  BIGINT NOT NULL DEFAULT 0 CHECK (origination_enabled IN (0, 1)),
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    UNIQUE (account_id, name)
);

CREATE TABLE origination_routes (
    voice_connector_id  TEXT NOT NULL REFERENCES voice_connectors(id) ON DELETE CASCADE,
    position            BIGINT NOT NULL,
    host                TEXT NOT NULL,
    port                BIGINT NOT NULL CHECK (port BETWEEN 1 AND 65535),
    protocol            TEXT NOT NULL CHECK (protocol IN ('UDP', 'TCP', 'TLS')),
    priority            BIGINT NOT NULL CHECK (priority BETWEEN 1 AND 99),
    weight              BIGINT NOT NULL CHECK (weight BETWEEN 1 AND 99),
    PRIMARY KEY (voice_connector_id, position)
);

CREATE TABLE emergency_configs (
    voice_connector_id         TEXT PRIMARY KEY REFERENCES voice_connectors(id) ON DELETE CASCADE,
    country                    TEXT NOT NULL CHECK (country = 'US'),
    call_send_method           TEXT NOT NULL CHECK (call_send_method = 'DNIS'),
    emergency_routing_number   TEXT NOT NULL,
    test_routing_number        TEXT,
    updated_at                 BIGINT NOT NULL
);

-- One row per number the tenant holds or is acquiring. The primary key on e164 is what
-- makes "never two owners of one number" a database fact rather than a hope.
CREATE TABLE numbers (
    e164                TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES accounts(id),
    country             TEXT NOT NULL,
    toll_free           BIGINT NOT NULL CHECK (toll_free IN (0, 1)),
    product_type        TEXT NOT NULL CHECK (product_type IN ('BusinessCalling', 'VoiceConnector')),
    status              TEXT NOT NULL,
    user_id             TEXT,
    voice_connector_id  TEXT REFERENCES voice_connectors(id),
    calling_enabled     BIGINT NOT NULL DEFAULT 1 CHECK (calling_enabled IN (0, 1)),
    sms_enabled         BIGINT NOT NULL DEFAULT 0 CHECK (sms_enabled IN (0, 1)),
    order_id            TEXT,
    restore_status      TEXT,
    deleted_at          BIGINT,
    purge_at            BIGINT,
    updated_at          BIGINT NOT NULL,
    CHECK (user_id IS NULL OR voice_connector_id IS NULL),
    CHECK (toll_free = 0 OR product_type = 'VoiceConnector')
);
CREATE INDEX numbers_account ON numbers (account_id, status);
CREATE INDEX numbers_purge ON numbers (status, purge_at);

-- Every change of status, with time and actor (N2). No foreign key: the history outlives
-- a number released for good.
CREATE TABLE number_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    e164         TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    at           BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX number_events_number ON number_events (e164, id);

CREATE TABLE orders (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts(id),
    product_type  TEXT NOT NULL,
    status        TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    completed_at  BIGINT
);
CREATE INDEX orders_account ON orders (account_id, created_at);

CREATE TABLE order_numbers (
    order_id  TEXT NOT NULL REFERENCES orders(id),
    e164      TEXT NOT NULL,
    status    TEXT NOT NULL,
    reason    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (order_id, e164)
);

-- The emergency callback pool (V3).
CREATE TABLE callback_pool (
    e164        TEXT PRIMARY KEY REFERENCES numbers(e164),
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    added_at    BIGINT NOT NULL,
    last_leased_at BIGINT NOT NULL DEFAULT 0
);

-- Callback leases (E5). At most one row per number and one per agent: the keys make
-- "one number to two agents" and "two numbers to one agent" impossible, whatever races.
CREATE TABLE leases (
    e164           TEXT PRIMARY KEY REFERENCES callback_pool(e164),
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    agent_id       TEXT NOT NULL,
    taken_at       BIGINT NOT NULL,
    call_ended_at  BIGINT,
    expires_at     BIGINT NOT NULL,
    UNIQUE (account_id, agent_id)
);
