-- Downlink messages. One sequence numbers every stream, so versions increase
-- within each stream; store NULL means chain-wide.
CREATE SEQUENCE downlink_version_seq;

CREATE TABLE downlink (
    version    bigint      PRIMARY KEY DEFAULT nextval('downlink_version_seq'),
    stream     text        NOT NULL,
    store      text,
    items      jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
ALTER SEQUENCE downlink_version_seq OWNED BY downlink.version;
CREATE INDEX downlink_stream_version ON downlink (stream, version);
