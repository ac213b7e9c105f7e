// Package central is the central office receiver behind `storeedge central`.
// It consumes the shops' CloudEvents batches from MQTT, stores them in
// PostgreSQL exactly once, keeps tables a CRM can query with plain SQL
// (sales, returns, closed shifts, shops, customers and their loyalty
// ledger), acknowledges each shop's
// gap-free watermark after its commit, and serves an HTTP API that lists
// shops and publishes downlink messages (and lets shops pull them).
//
// Every API route is guarded (auth.go): office tokens, stored as SHA-256
// in office_tokens, have the role admin or viewer; a shop proves itself
// with a shop token its enrolled key signed (Server.ShopKeys). One table,
// permissions, says what each role may do.
//
// # Basics
//
// A batch is applied in one transaction: its events are inserted with ON
// CONFLICT DO NOTHING (unique on store, epoch and storeseq, and on the event
// id), the events actually inserted get their effects in the CRM tables, and
// the watermark row of each (store, epoch) is locked and advanced over the
// contiguous run of stored sequences. Only after COMMIT is the ack published
// (retained, QoS 1), even for a batch of duplicates, because the shop may
// have missed the previous ack. Loyalty events go to loyalty_ledger in the
// same transaction; when a watermark moves over a customer's rows, that
// transaction also writes the customer's new balance as a chain-wide
// customers message (balance.go), published after COMMIT like the ack.
// Several replicas share the load through an
// MQTT shared subscription; they agree because the watermark lives in
// PostgreSQL and every batch of a store first locks that store's row.
//
// # Caveats
//
// paho hands every message to a handler that only queues it; a bounded
// worker pool (one queue per store hash, so one store's batches are applied
// in order by one worker) does the database work. A message that cannot be
// queued in time, or that does not decode, is dropped and counted: the
// shop resends everything that was not acknowledged, so nothing is lost.
//
// Acks published by two replicas for the same store may reach the broker
// out of order, so the retained ack can briefly be lower than the
// watermark. The shop ignores an ack that goes backwards, and at worst
// resends events that central then drops as duplicates.
package central
