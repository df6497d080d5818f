-- Termination credentials of voice connectors (V1). Keep in step with the other set.
-- Only the SHA-256 digest HA1 of username:realm:password (RFC 8760) is kept: what a
-- SIP edge needs to check a digest; the password itself is never stored or shown.

CREATE TABLE termination_credentials (
    voice_connector_id  TEXT NOT NULL REFERENCES voice_connectors(id) ON DELETE CASCADE,
    username            TEXT NOT NULL,
    ha1_sha256          TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    PRIMARY KEY (voice_connector_id, username)
);
