-- Emergency alerts for supervisors (E11, S2). Not history: a row lives only until the
-- call has ended and a supervisor has acknowledged it, then it is deleted (E7).
-- Keep in step with migrations/sqlite.

CREATE TABLE emergency_alerts (
    id               TEXT PRIMARY KEY,
    account_id       TEXT NOT NULL REFERENCES accounts(id),
    agent_id         TEXT NOT NULL,
    agent_name       TEXT NOT NULL,
    started_at       BIGINT NOT NULL,
    ended_at         BIGINT,
    callback_number  TEXT NOT NULL,
    location         TEXT NOT NULL,
    test_call        BIGINT NOT NULL CHECK (test_call IN (0, 1)),
    acknowledged_by  TEXT,
    acknowledged_at  BIGINT
);
CREATE INDEX emergency_alerts_account ON emergency_alerts (account_id, started_at);
