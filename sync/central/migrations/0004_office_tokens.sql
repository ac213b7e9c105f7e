-- Office tokens for central's HTTP API. Only the SHA-256 of a token is
-- kept, so a copy of the database (or a backup) grants nothing. A revoked
-- token keeps its row, and its name, for the record.
CREATE TABLE office_tokens (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL UNIQUE,
    role       text        NOT NULL CHECK (role IN ('admin', 'viewer')),
    token_hash bytea       NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
