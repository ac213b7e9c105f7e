-- Click & collect: a prepaid order is handed over as a sale paid online,
-- and a return of it refunds the online payment, not the shop's drawer.
-- The office needs both apart from cash and card to reconcile with the
-- payment provider. Columns are appended, so the row types that
-- jsonb_populate_recordset fills keep their order.
ALTER TABLE sales
    ADD COLUMN paid_online bigint NOT NULL DEFAULT 0,
    ADD COLUMN pickup_id   text;

ALTER TABLE returns
    ADD COLUMN refund_online bigint NOT NULL DEFAULT 0;
