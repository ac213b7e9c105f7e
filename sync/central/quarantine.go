package central

import (
	"context"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// Rows of the tables that keep a shop's sequence moving whatever it
// sends: sequence_fill (places held by something other than a stored
// event), quarantine (events kept verbatim with why) and conflicts.

// fillRow is a place of a shop's sequence held by an alias or quarantine.
type fillRow struct {
	Epoch      string  `json:"epoch"`
	Seq        int64   `json:"seq"`
	ID         string  `json:"id"`
	Kind       string  `json:"kind"`
	AliasEpoch *string `json:"alias_epoch"`
	AliasSeq   *int64  `json:"alias_seq"`
}

// quarantineRow is an event kept verbatim with the reason.
type quarantineRow struct {
	Epoch   *string `json:"epoch"`
	Seq     *int64  `json:"seq"`
	EventID string  `json:"event_id"`
	Type    string  `json:"type"`
	Reason  string  `json:"reason"`
	Event   string  `json:"event"`
	Hash    []byte  `json:"event_hash"`
	Stored  bool    `json:"stored"`
}

// conflictRow is an event offered where another id is held.
type conflictRow struct {
	Epoch     string `json:"epoch"`
	Seq       int64  `json:"seq"`
	HeldID    string `json:"held_id"`
	OfferedID string `json:"offered_id"`
	Event     string `json:"offered_event"`
}

// maxQuarantinedText bounds what is kept of one event's text.
const maxQuarantinedText = 256 << 10

// newQuarantine keeps an event as text PostgreSQL accepts (no NUL, valid
// UTF-8), which is its JSON text whenever it was JSON.
func newQuarantine(store string, in *incoming, reason string, stored bool) quarantineRow {
	q := quarantineRow{EventID: storable(in.ev.ID, 200), Type: storable(in.ev.Type, 200),
		Reason: storable(reason, 2000), Event: storable(string(in.raw), maxQuarantinedText),
		Hash: hashOf(in.raw), Stored: stored}
	if in.slotted {
		k := in.key()
		q.Epoch, q.Seq = &k.Epoch, &k.Seq
	}
	return q
}

// storable makes a peer's string fit a text column: at most n bytes of
// valid UTF-8 without NUL.
func storable(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", `\u0000`)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

const sqlInsertFills = `INSERT INTO sequence_fill (store, epoch, seq, id, kind, alias_epoch, alias_seq)
SELECT $1, f.epoch, f.seq, f.id, f.kind, f.alias_epoch, f.alias_seq
FROM jsonb_to_recordset($2::jsonb) AS f(epoch text, seq bigint, id text, kind text, alias_epoch text, alias_seq bigint)
ON CONFLICT DO NOTHING`

func insertFills(ctx context.Context, tx pgx.Tx, store string, fills []fillRow) error {
	if len(fills) == 0 {
		return nil
	}
	for i := range fills {
		fills[i].ID = storable(fills[i].ID, 200)
	}
	b, err := jsonArg(fills)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, sqlInsertFills, store, b)
	return err
}

const sqlInsertQuarantine = `WITH q AS (
	INSERT INTO quarantine (store, epoch, seq, event_id, type, reason, event, event_hash, stored)
	SELECT $1, q.epoch, q.seq, q.event_id, q.type, q.reason, q.event, decode(q.event_hash, 'base64'), q.stored
	FROM jsonb_to_recordset($2::jsonb) AS q(epoch text, seq bigint, event_id text, type text, reason text,
		event text, event_hash text, stored boolean)
	ON CONFLICT DO NOTHING RETURNING 1)
UPDATE stores SET quarantined = quarantined + (SELECT count(*) FROM q) WHERE store = $1
RETURNING (SELECT count(*) FROM q)`

// insertQuarantine keeps the rows (a resent event is kept once) and counts
// them on the shop's row; it returns how many were new.
func insertQuarantine(ctx context.Context, tx pgx.Tx, store string, rows []quarantineRow) (int, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	b, err := jsonArg(rows)
	if err != nil {
		return 0, err
	}
	var n int
	err = tx.QueryRow(ctx, sqlInsertQuarantine, store, b).Scan(&n)
	return n, err
}

const sqlRecordConflicts = `WITH c AS (
	INSERT INTO conflicts (store, epoch, seq, held_id, offered_id, offered_event)
	SELECT $1, c.epoch, c.seq, c.held_id, c.offered_id, c.offered_event
	FROM jsonb_to_recordset($2::jsonb) AS c(epoch text, seq bigint, held_id text, offered_id text, offered_event text)
	ON CONFLICT (store, epoch, seq, offered_id) DO UPDATE SET last_seen = now(), times = conflicts.times + 1
	RETURNING (xmax = 0) AS new)
UPDATE stores SET conflicts = conflicts + (SELECT count(*) FROM c WHERE new), last_conflict_at = now()
WHERE store = $1`

// recordConflicts keeps every conflict (a repeat counts its times) and
// shows it on the shop's row.
func recordConflicts(ctx context.Context, tx pgx.Tx, store string, rows []conflictRow) error {
	if len(rows) == 0 {
		return nil
	}
	for i := range rows {
		r := &rows[i]
		r.HeldID, r.OfferedID, r.Event = storable(r.HeldID, 200), storable(r.OfferedID, 200), storable(r.Event, maxQuarantinedText)
	}
	b, err := jsonArg(rows)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, sqlRecordConflicts, store, b)
	return err
}

// jsonArg is rows as one JSON array argument.
func jsonArg(rows any) (string, error) {
	b, err := json.Marshal(rows)
	return string(b), err
}
