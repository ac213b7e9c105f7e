-- Loyalty at central: the chain's customers and a ledger of every points
-- change the shops report.
--
-- A customer's balance is base_points (what the office's CRM set, through
-- a customers item it pushed) plus the ledger rows central counts: points
-- accrued less points redeemed (a return's rows are negative, so they
-- give back or take back). A ledger row counts only once its shop's
-- watermark covers it (seq <= watermarks.upto_seq): every event of that
-- shop and epoch up to there is then stored, so the balance sent down with
-- points_as_of = the watermark counts exactly the shop's changes up to it,
-- no more and no fewer, and the shop drops just those from its pending.

CREATE TABLE customers (
    id               text        PRIMARY KEY,
    phone            text,
    card             text,
    name             text,
    consent          boolean     NOT NULL DEFAULT false,
    language         text,
    -- base_points is the balance the office set; the ledger adds to it.
    base_points      bigint      NOT NULL DEFAULT 0,
    -- profile is the customers item as last pushed (or registered),
    -- without its balance: central sends it down again with the balance.
    profile          jsonb       NOT NULL,
    deleted          boolean     NOT NULL DEFAULT false,
    registered_at    timestamptz,
    registered_store text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_phone ON customers (phone) WHERE phone IS NOT NULL;
CREATE INDEX customers_card ON customers (card) WHERE card IS NOT NULL;

-- One row per loyalty event, at the event's place: a replayed event is
-- never counted twice. No foreign key to customers: a shop's points for a
-- customer central has not heard of yet are kept, not refused, and count
-- once the customer arrives.
CREATE TABLE loyalty_ledger (
    store       text        NOT NULL,
    epoch       text        NOT NULL,
    seq         bigint      NOT NULL,
    event_id    uuid        NOT NULL UNIQUE,
    customer_id text        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('accrued', 'redeemed')),
    points      bigint      NOT NULL,
    value       bigint      NOT NULL,
    currency    text        NOT NULL,
    sale_id     text        NOT NULL,
    return_id   text,
    at          timestamptz NOT NULL,
    PRIMARY KEY (store, epoch, seq)
);
CREATE INDEX loyalty_ledger_customer ON loyalty_ledger (customer_id, store, epoch, seq);

-- What a sale did with points, for the office's reports.
ALTER TABLE sales
    ADD COLUMN customer_id   text,
    ADD COLUMN points_paid   bigint NOT NULL DEFAULT 0,
    ADD COLUMN points_earned bigint NOT NULL DEFAULT 0;
