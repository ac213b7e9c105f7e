-- Completed sales and their lines. Money is integer minor units of currency.
-- Lines have no FOREIGN KEY to their sale: central inserts a sale's lines in
-- the statement that inserts the sale, joined to the rows it inserted, and a
-- per-row RI check made batch inserts ten times slower.
CREATE TABLE sales (
    store          text        NOT NULL,
    id             text        NOT NULL,
    epoch          text        NOT NULL,
    seq            bigint      NOT NULL,
    event_id       uuid        NOT NULL,
    receipt_no     bigint      NOT NULL,
    terminal_id    text        NOT NULL,
    cashier_id     text        NOT NULL,
    cashier_name   text        NOT NULL,
    shift_id       text        NOT NULL,
    currency       text        NOT NULL,
    total          bigint      NOT NULL,
    discount       bigint      NOT NULL,
    change         bigint      NOT NULL,
    paid_cash      bigint      NOT NULL,
    paid_card      bigint      NOT NULL,
    customer_phone text,
    customer_card  text,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (store, id)
);
CREATE INDEX sales_created_at ON sales (created_at);
CREATE INDEX sales_customer_phone ON sales (customer_phone) WHERE customer_phone IS NOT NULL;
CREATE INDEX sales_shift ON sales (store, shift_id);

CREATE TABLE sale_lines (
    store         text   NOT NULL,
    sale_id       text   NOT NULL,
    line_no       int    NOT NULL,
    sku           text   NOT NULL,
    name          text   NOT NULL,
    unit          text   NOT NULL,
    qty           bigint NOT NULL,
    unit_price    bigint NOT NULL,
    regular_price bigint NOT NULL,
    promotion_id  text,
    discount      bigint NOT NULL,
    total         bigint NOT NULL,
    vat_rate      bigint NOT NULL,
    vat           bigint NOT NULL,
    PRIMARY KEY (store, sale_id, line_no)
);
CREATE INDEX sale_lines_sku ON sale_lines (sku);

-- Returns (against a sale, or without a receipt: sale_id NULL) and their lines.
CREATE TABLE returns (
    store        text        NOT NULL,
    id           text        NOT NULL,
    sale_id      text,
    epoch        text        NOT NULL,
    seq          bigint      NOT NULL,
    event_id     uuid        NOT NULL,
    receipt_no   bigint      NOT NULL,
    terminal_id  text        NOT NULL,
    cashier_id   text        NOT NULL,
    cashier_name text        NOT NULL,
    approved_by  text,
    shift_id     text        NOT NULL,
    reason       text,
    currency     text        NOT NULL,
    total        bigint      NOT NULL,
    refund_cash  bigint      NOT NULL,
    refund_card  bigint      NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (store, id)
);
CREATE INDEX returns_sale ON returns (store, sale_id);
CREATE INDEX returns_created_at ON returns (created_at);

CREATE TABLE return_lines (
    store        text   NOT NULL,
    return_id    text   NOT NULL,
    line_no      int    NOT NULL,
    sale_line_no int,
    sku          text   NOT NULL,
    name         text   NOT NULL,
    qty          bigint NOT NULL,
    amount       bigint NOT NULL,
    vat_rate     bigint NOT NULL,
    vat          bigint NOT NULL,
    PRIMARY KEY (store, return_id, line_no)
);
CREATE INDEX return_lines_sku ON return_lines (sku);

-- Closed shifts with their Z report totals.
CREATE TABLE shifts (
    store         text        NOT NULL,
    id            text        NOT NULL,
    epoch         text        NOT NULL,
    seq           bigint      NOT NULL,
    event_id      uuid        NOT NULL,
    terminal_id   text        NOT NULL,
    cashier_id    text        NOT NULL,
    cashier_name  text        NOT NULL,
    opened_at     timestamptz NOT NULL,
    closed_at     timestamptz,
    closed_by     text,
    currency      text        NOT NULL,
    opening_float bigint      NOT NULL,
    receipt_count bigint      NOT NULL,
    sales_count   bigint      NOT NULL,
    sales_total   bigint      NOT NULL,
    sales_cash    bigint      NOT NULL,
    sales_card    bigint      NOT NULL,
    returns_count bigint      NOT NULL,
    returns_total bigint      NOT NULL,
    refunds_cash  bigint      NOT NULL,
    refunds_card  bigint      NOT NULL,
    net           bigint      NOT NULL,
    discounts     bigint      NOT NULL,
    cash_in       bigint      NOT NULL,
    cash_out      bigint      NOT NULL,
    expected_cash bigint      NOT NULL,
    counted_cash  bigint,
    difference    bigint,
    vat           jsonb       NOT NULL,
    PRIMARY KEY (store, id)
);
CREATE INDEX shifts_closed_at ON shifts (closed_at);
