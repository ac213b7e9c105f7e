package central

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/storeedge/storeedge/pos"
)

// effects collects the CRM rows of a batch's new events, table by table.
// Rows travel to PostgreSQL as one JSON array per table and are expanded by
// jsonb_populate_recordset, so a batch costs one statement per table
// whatever its size.
type effects struct {
	sales       []saleRow
	saleLines   []saleLineRow
	returns     []returnRow
	returnLines []returnLineRow
	shifts      []shiftRow
	ledger      []ledgerRow
	customers   []customerRow
	registered  []string        // ids of customers registered at tills
	byTable     [5][]*pos.Event // the events behind each table's rows
}

// failure is a stored event whose business rows central could not write:
// it is quarantined (with stored = true) and counted, never silently lost.
type failure struct {
	e      *pos.Event
	reason string
}

// tables are the CRM tables, in the order effects writes them.
var tables = [5]struct {
	sql  string
	rows func(fx *effects) []any
}{
	{sqlInsertSales, func(fx *effects) []any { return []any{fx.sales, fx.saleLines} }},
	{sqlInsertReturns, func(fx *effects) []any { return []any{fx.returns, fx.returnLines} }},
	{sqlInsertShifts, func(fx *effects) []any { return []any{fx.shifts} }},
	{sqlInsertLedger, func(fx *effects) []any { return []any{fx.ledger} }},
	{sqlInsertCustomers, func(fx *effects) []any { return []any{fx.customers} }},
}

// applyEffects writes the CRM rows of the inserted events and returns the
// events whose rows could not be written, with why, and the customers
// registered at tills. Refusing the batch instead would block the shop's
// whole sequence behind one event.
func applyEffects(ctx context.Context, tx pgx.Tx, store string, inserted []*pos.Event) ([]failure, []string, error) {
	var fx effects
	var failed []failure
	for _, e := range inserted {
		if reason := fx.add(store, e); reason != "" {
			failed = append(failed, failure{e, reason})
		}
	}
	more, err := fx.write(ctx, tx, store)
	return append(failed, more...), fx.registered, err
}

// add adds an event's rows, or says why it has none it should have.
func (fx *effects) add(store string, e *pos.Event) string {
	t, reason := -1, ""
	switch e.Type {
	case pos.EventSaleCompleted:
		t, reason = 0, fx.addSale(store, e)
	case pos.EventSaleReturned:
		t, reason = 1, fx.addReturn(store, e)
	case pos.EventShiftClosed:
		t, reason = 2, fx.addShift(store, e)
	case pos.EventLoyaltyAccrued:
		t, reason = 3, fx.addLedger(store, kindAccrued, e)
	case pos.EventLoyaltyRedeemed:
		t, reason = 3, fx.addLedger(store, kindRedeemed, e)
	case pos.EventCustomerRegistered:
		t, reason = 4, fx.addRegistration(store, e)
	}
	if t >= 0 && reason == "" {
		fx.byTable[t] = append(fx.byTable[t], e)
	}
	return reason
}

// write runs one statement per table. When PostgreSQL refuses a table's
// rows, each event of that table is tried alone, so only the events at
// fault fail.
func (fx *effects) write(ctx context.Context, tx pgx.Tx, store string) ([]failure, error) {
	var failed []failure
	for i, t := range tables {
		if len(fx.byTable[i]) == 0 {
			continue
		}
		err := execIsolated(ctx, tx, t.sql, t.rows(fx)...)
		if err == nil {
			continue
		}
		if !isDataError(err) {
			return nil, err
		}
		for _, e := range fx.byTable[i] {
			var one effects
			one.add(store, e)
			if err := execIsolated(ctx, tx, t.sql, t.rows(&one)...); err != nil {
				if !isDataError(err) {
					return nil, err
				}
				failed = append(failed, failure{e, "rows refused: " + err.Error()})
			}
		}
	}
	return failed, nil
}

// execIsolated runs execRows under a savepoint, so a row PostgreSQL
// refuses loses only its table's rows of this batch: the events stay stored
// and the shop's sequence goes on.
func execIsolated(ctx context.Context, tx pgx.Tx, sql string, rowSets ...any) error {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	if err := execRows(ctx, sp, sql, rowSets...); err != nil {
		_ = sp.Rollback(ctx)
		return err
	}
	return sp.Commit(ctx)
}

// isDataError reports an error about the data itself (SQLSTATE classes 22,
// data exception, and 23, integrity constraint violation): retrying cannot
// help.
func isDataError(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "22") || strings.HasPrefix(pe.Code, "23"))
}

// execRows runs sql with each row set as a JSON array argument.
func execRows(ctx context.Context, tx pgx.Tx, sql string, rowSets ...any) error {
	args := make([]any, len(rowSets))
	for i, rs := range rowSets {
		b, err := json.Marshal(rs)
		if err != nil {
			return err
		}
		args[i] = string(b)
	}
	_, err := tx.Exec(ctx, sql, args...)
	return err
}

// decodeData decodes an event's data leniently (later shops may add
// fields), returning why it failed or "".
func decodeData(e *pos.Event, v any) string {
	if err := json.Unmarshal(e.Data, v); err != nil {
		return "data does not decode: " + err.Error()
	}
	return ""
}

// text makes a peer's string storable: PostgreSQL text refuses NUL.
func text(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "")
}

// optText is text for a nullable column: empty means NULL.
func optText(s string) *string {
	if s == "" {
		return nil
	}
	t := text(s)
	return &t
}

// int32OrNil keeps an int column's value in range; anything else is NULL.
func int32OrNil(n int) *int {
	if n <= 0 || n > 1<<31-1 {
		return nil
	}
	return &n
}
