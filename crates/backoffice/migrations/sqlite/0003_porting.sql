-- Port-in requests (N6). Keep in step with migrations/postgres.

CREATE TABLE port_requests (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts(id),
    product_type  TEXT NOT NULL CHECK (product_type IN ('BusinessCalling', 'VoiceConnector')),
    state         TEXT NOT NULL CHECK (state IN ('Submitted', 'PendingDocuments', 'FirmOrderCommitment',
                                                 'Completed', 'Exception', 'Cancelled')),
    foc_at        BIGINT,
    note          TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX port_requests_account ON port_requests (account_id, created_at);

-- One letter of authorization per losing carrier.
CREATE TABLE port_loas (
    request_id                TEXT NOT NULL REFERENCES port_requests(id),
    carrier                   TEXT NOT NULL,
    authorized_name           TEXT NOT NULL,
    billing_telephone_number  TEXT NOT NULL,
    service_address           TEXT NOT NULL,
    account_number            TEXT NOT NULL,
    PRIMARY KEY (request_id, carrier)
);

CREATE TABLE port_numbers (
    request_id  TEXT NOT NULL REFERENCES port_requests(id),
    e164        TEXT NOT NULL,
    carrier     TEXT NOT NULL,
    PRIMARY KEY (request_id, e164)
);
