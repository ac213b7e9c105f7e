-- Every event a shop sent, exactly once: unique on (store, epoch, seq) and on id.
CREATE TABLE events (
    store       text        NOT NULL,
    epoch       text        NOT NULL,
    seq         bigint      NOT NULL CHECK (seq > 0),
    id          uuid        NOT NULL UNIQUE,
    type        text        NOT NULL,
    source      text        NOT NULL,
    time        timestamptz NOT NULL,
    data        jsonb       NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, epoch, seq)
);
CREATE INDEX events_type_time ON events (type, time);

-- The highest gap-free storeseq stored per shop and epoch: what central acks.
CREATE TABLE watermarks (
    store      text        NOT NULL,
    epoch      text        NOT NULL,
    upto_seq   bigint      NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, epoch)
);

-- Shops as their retained status and their batches show them.
CREATE TABLE stores (
    store          text        PRIMARY KEY,
    online         boolean     NOT NULL DEFAULT false,
    last_seen      timestamptz,
    pending_events bigint      NOT NULL DEFAULT 0,
    last_ack_seq   bigint      NOT NULL DEFAULT 0,
    version        text        NOT NULL DEFAULT '',
    updated_at     timestamptz NOT NULL DEFAULT now()
);
