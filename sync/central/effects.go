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
	failures    int
}

// applyEffects writes the CRM rows of the inserted events. An event whose
// data does not decode stays in events and is counted: refusing the batch
// would block the shop's whole sequence behind it.
func applyEffects(ctx context.Context, tx pgx.Tx, store string, inserted []*pos.Event) (failures int, err error) {
	var fx effects
	for _, e := range inserted {
		var ok bool
		switch e.Type {
		case pos.EventSaleCompleted:
			ok = fx.addSale(store, e)
		case pos.EventSaleReturned:
			ok = fx.addReturn(store, e)
		case pos.EventShiftClosed:
			ok = fx.addShift(store, e)
		default:
			ok = true // kept in events only
		}
		if !ok {
			fx.failures++
		}
	}
	return fx.failures, fx.write(ctx, tx)
}

func (fx *effects) write(ctx context.Context, tx pgx.Tx) error {
	steps := []struct {
		n    int
		sql  string
		rows []any
	}{
		{len(fx.sales), sqlInsertSales, []any{fx.sales, fx.saleLines}},
		{len(fx.returns), sqlInsertReturns, []any{fx.returns, fx.returnLines}},
		{len(fx.shifts), sqlInsertShifts, []any{fx.shifts}},
	}
	for _, st := range steps {
		if st.n == 0 {
			continue
		}
		if err := execIsolated(ctx, tx, st.sql, st.rows...); err != nil {
			if !isDataError(err) {
				return err
			}
			fx.failures += st.n
		}
	}
	return nil
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
// fields), reporting failure instead of an error.
func decodeData(e *pos.Event, v any) bool {
	return json.Unmarshal(e.Data, v) == nil
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
