-- SIP digest credentials of users, for the SIP edge's registrar (issue 6). Keep in step
-- with the other set. Only the MD5 HA1 of username:realm:password (RFC 2617/3261) is
-- kept, what a registrar needs to check a digest; the SIP password is separate from
-- the sign-in password (which is Argon2id and cannot serve a digest).

CREATE TABLE user_sip_credentials (
    user_id     TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    realm       TEXT NOT NULL,
    ha1_md5     TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
