-- Trust on the sync path: nothing a shop sends can stall its sequence, and
-- nothing is ever stored twice or dropped silently.

-- The running digest of each epoch's event ids up to upto_seq (see
-- pos.ChainDigest): acks carry it, and a shop trims only its own events.
-- NULL on rows from before this migration: computed at the next advance.
ALTER TABLE watermarks ADD COLUMN digest bytea;

-- Places in a shop's sequence held by something other than a stored event:
-- an event the shop moved to a new epoch after a conflict (an alias of the
-- place where central already stores it), or an event kept in quarantine.
CREATE TABLE sequence_fill (
    store       text        NOT NULL,
    epoch       text        NOT NULL,
    seq         bigint      NOT NULL CHECK (seq > 0),
    id          text,
    kind        text        NOT NULL CHECK (kind IN ('alias', 'quarantine')),
    alias_epoch text,
    alias_seq   bigint,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, epoch, seq)
);

-- Events central could not turn into business rows, verbatim, with why:
-- stored = false when the event itself could not be stored (its place in
-- the sequence is then a sequence_fill row, or none when the event did not
-- even say where it goes), true when it is in events but its effects failed.
CREATE TABLE quarantine (
    qid         bigserial   PRIMARY KEY,
    store       text        NOT NULL,
    epoch       text,
    seq         bigint,
    event_id    text,
    type        text,
    reason      text        NOT NULL,
    event       text        NOT NULL,
    event_hash  bytea       NOT NULL,
    stored      boolean     NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (store, event_hash, stored)
);
CREATE INDEX quarantine_store ON quarantine (store, received_at);

-- Two different events offered for one place of a shop's sequence: two
-- devices write the same epoch (a copied data directory). The first one
-- stays; the other is never stored there, never acked past, and its shop is
-- told to move it to a new epoch.
CREATE TABLE conflicts (
    store         text        NOT NULL,
    epoch         text        NOT NULL,
    seq           bigint      NOT NULL,
    held_id       text        NOT NULL,
    offered_id    text        NOT NULL,
    offered_event text        NOT NULL,
    first_seen    timestamptz NOT NULL DEFAULT now(),
    last_seen     timestamptz NOT NULL DEFAULT now(),
    times         bigint      NOT NULL DEFAULT 1,
    PRIMARY KEY (store, epoch, seq, offered_id)
);

ALTER TABLE stores
    ADD COLUMN conflicts        bigint NOT NULL DEFAULT 0,
    ADD COLUMN last_conflict_at timestamptz,
    ADD COLUMN quarantined      bigint NOT NULL DEFAULT 0,
    ADD COLUMN rejected         bigint NOT NULL DEFAULT 0;
