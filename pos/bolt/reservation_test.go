package bolt_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"go.etcd.io/bbolt"
)

// testClock is a clock for db.Now that a test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

// newTestClock sets db.Now to a clock at t.
func newTestClock(db *bolt.DB, t time.Time) *testClock {
	c := &testClock{t: t}
	db.Now = c.Now
	return c
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

const (
	phoneA = "+79161111111"
	phoneB = "+79162222222"
)

var (
	codeRe  = regexp.MustCompile(`^[a-z2-7]{20}$`)
	shortRe = regexp.MustCompile(`^[0-9]{6}$`)
)

// customerC1 identifies the shopper of the tests of today's rules, which
// identified customers keep; the anonymous limits have tests of their own.
const customerC1 = "C1"

// mustReserve reserves for an identified customer or fails the test.
func mustReserve(tb testing.TB, s *bolt.ReservationService, sku string, qty int64, phone string) *pos.Reservation {
	tb.Helper()
	r, err := s.CreateReservation(context.Background(), &pos.ReservationRequest{SKU: sku, Qty: qty, Phone: phone, CustomerID: customerC1})
	if err != nil {
		tb.Fatalf("reserve %d %s for %s: %v", qty, sku, phone, err)
	}
	return r
}

// wantErr checks an error's code and field.
func wantErr(tb testing.TB, err error, code, field string) {
	tb.Helper()
	if got := pos.ErrorCode(err); got != code {
		tb.Fatalf("code=%q (%v), want %q", got, err, code)
	}
	if got := pos.ErrorField(err); got != field {
		tb.Fatalf("field=%q (%v), want %q", got, err, field)
	}
}

// stockOf returns a SKU's stock.
func stockOf(tb testing.TB, db *bolt.DB, sku string) pos.Stock {
	tb.Helper()
	return product(tb, db, sku).Stock
}

// eventsOf returns the outbox events of a type, in order.
func eventsOf(tb testing.TB, db *bolt.DB, typ string) []pos.Event {
	tb.Helper()
	raw, err := bolt.NewOutboxService(db).Events(context.Background(), 1, 100_000)
	if err != nil {
		tb.Fatal(err)
	}
	var out []pos.Event
	for _, r := range raw {
		var ev pos.Event
		if err := json.Unmarshal(r, &ev); err != nil {
			tb.Fatal(err)
		}
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// checkReserved checks the stock invariant: every SKU's reserved stock is
// the sum of its active reservations, and what anonymous shoppers hold is
// the sum of their active reservations.
func checkReserved(tb testing.TB, db *bolt.DB) {
	tb.Helper()
	want, wantAnon := map[string]int64{}, map[string]int64{}
	err := db.Bolt().View(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("reservations")).ForEach(func(k, v []byte) error {
			var r struct {
				pos.Reservation
				Anonymous bool `json:"anonymous"`
			}
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			if r.Status == pos.ReservationActive {
				want[r.SKU] += r.Qty
			}
			if r.Status == pos.ReservationActive && r.Anonymous {
				wantAnon[r.SKU] += r.Qty
			}
			return nil
		})
	})
	if err != nil {
		tb.Fatal(err)
	}
	skus := []string{"MILK", "TV", "APPLE"}
	for sku := range want {
		skus = append(skus, sku)
	}
	for _, sku := range skus {
		p := product(tb, db, sku)
		if p == nil { // not in this test's catalog
			continue
		}
		if got := p.Stock.Reserved; got != want[sku] {
			tb.Fatalf("%s reserved=%d, want %d (the active reservations)", sku, got, want[sku])
		}
		if got := bolt.AnonymousHeld(db, sku); got != wantAnon[sku] {
			tb.Fatalf("%s held anonymously=%d, want %d (the active anonymous reservations)", sku, got, wantAnon[sku])
		}
	}
}

func TestReservationService_CreateReservation(t *testing.T) {
	db := MustOpenDB(t)
	newTestClock(db, t0)
	seed(t, db) // MILK 100, TV 1, APPLE 50000 g
	s := bolt.NewReservationService(db)

	t.Run("OK", func(t *testing.T) {
		r := mustReserve(t, s, "MILK", 2, "8 (916) 111-11-11")
		if !codeRe.MatchString(r.Code) || !shortRe.MatchString(r.ShortCode) {
			t.Fatalf("code=%q short=%q", r.Code, r.ShortCode)
		}
		if r.Status != pos.ReservationActive || r.Phone != phoneA || r.Name != "Молоко 3,2%" || r.Qty != 2 {
			t.Fatalf("reservation=%+v", r)
		}
		if got, want := r.ExpiresAt, t0.Add(24*time.Hour); !got.Equal(want) {
			t.Fatalf("ExpiresAt=%v, want %v", got, want)
		}
		if got, want := stockOf(t, db, "MILK"), (pos.Stock{OnHand: 100, Reserved: 2, Available: 98}); got != want {
			t.Fatalf("stock=%+v, want %+v", got, want)
		}
		found, err := s.FindReservation(context.Background(), strings.ToUpper(r.Code))
		if err != nil || found.Code != r.Code || found.Status != pos.ReservationActive {
			t.Fatalf("found=%+v err=%v", found, err)
		}
	})

	tests := []struct {
		name        string
		req         pos.ReservationRequest
		code, field string
	}{
		{"ErrUnknownSKU", pos.ReservationRequest{SKU: "NOPE", Qty: 1, Phone: phoneA}, pos.CodeUnknownSKU, "sku"},
		{"ErrInsufficientStock", pos.ReservationRequest{SKU: "TV", Qty: 2, Phone: phoneA, CustomerID: customerC1}, pos.CodeInsufficientStock, "qty"},
		{"ErrInsufficientAfterReserved", pos.ReservationRequest{SKU: "MILK", Qty: 99, Phone: phoneA, CustomerID: customerC1}, pos.CodeInsufficientStock, "qty"},
		{"ErrNoSKU", pos.ReservationRequest{Qty: 1, Phone: phoneA}, pos.CodeValidationFailed, "sku"},
		{"ErrZeroQty", pos.ReservationRequest{SKU: "MILK", Phone: phoneA}, pos.CodeValidationFailed, "qty"},
		{"ErrQtyTooLarge", pos.ReservationRequest{SKU: "MILK", Qty: 1001, Phone: phoneA}, pos.CodeValidationFailed, "qty"},
		{"ErrNoPhone", pos.ReservationRequest{SKU: "MILK", Qty: 1}, pos.CodeValidationFailed, "phone"},
		{"ErrBadPhone", pos.ReservationRequest{SKU: "MILK", Qty: 1, Phone: "call me"}, pos.CodeValidationFailed, "phone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreateReservation(context.Background(), &tt.req)
			wantErr(t, err, tt.code, tt.field)
		})
	}
	t.Run("ErrPhoneLimit", func(t *testing.T) {
		var first *pos.Reservation
		for i := range 3 {
			r := mustReserve(t, s, "MILK", 1, phoneB)
			if i == 0 {
				first = r
			}
		}
		_, err := s.CreateReservation(context.Background(), &pos.ReservationRequest{SKU: "APPLE", Qty: 500, Phone: "89162222222"})
		wantErr(t, err, pos.CodeTooManyRequests, "phone")
		if _, err := s.CancelReservation(context.Background(), first.Code); err != nil {
			t.Fatal(err)
		}
		mustReserve(t, s, "APPLE", 500, phoneB) // a cancelled one no longer counts
	})
	t.Run("ConfiguredLimit", func(t *testing.T) {
		db.MaxReservationsPerPhone = 1
		defer func() { db.MaxReservationsPerPhone = bolt.DefaultMaxReservationsPerPhone }()
		_, err := s.CreateReservation(context.Background(), &pos.ReservationRequest{SKU: "MILK", Qty: 1, Phone: phoneA})
		wantErr(t, err, pos.CodeTooManyRequests, "phone")
	})
	t.Run("NothingWrittenOnError", func(t *testing.T) {
		if got, want := len(eventsOf(t, db, pos.EventReservationCreated)), 5; got != want {
			t.Fatalf("created events=%d, want %d", got, want)
		}
		checkReserved(t, db)
	})
}

func TestReservationService_CancelReservation(t *testing.T) {
	db := MustOpenDB(t)
	clock := newTestClock(db, t0)
	seed(t, db)
	s := bolt.NewReservationService(db)
	ctx := context.Background()
	r := mustReserve(t, s, "MILK", 3, phoneA)

	t.Run("OK", func(t *testing.T) {
		clock.Set(t0.Add(time.Hour))
		got, err := s.CancelReservation(ctx, r.Code)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != pos.ReservationCancelled || !got.ClosedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("status=%s closed=%v", got.Status, got.ClosedAt)
		}
		if st := stockOf(t, db, "MILK"); st.Reserved != 0 || st.Available != 100 {
			t.Fatalf("stock=%+v, want all released", st)
		}
		evs := eventsOf(t, db, pos.EventReservationCancelled)
		if len(evs) != 1 || evs[0].Source != "/stores/store-1/terminals/instore" {
			t.Fatalf("cancelled events=%+v", evs)
		}
	})
	t.Run("ErrTwice", func(t *testing.T) {
		_, err := s.CancelReservation(ctx, r.Code)
		wantErr(t, err, pos.CodeConflict, "code")
		if got := stockOf(t, db, "MILK").Reserved; got != 0 {
			t.Fatalf("reserved=%d after a second cancel", got)
		}
	})
	t.Run("ByStaff", func(t *testing.T) {
		r := mustReserve(t, s, "MILK", 1, phoneA)
		if _, err := s.CancelReservation(ctxAs("t1", "c1", pos.RoleCashier), r.Code); err != nil {
			t.Fatal(err)
		}
		evs := eventsOf(t, db, pos.EventReservationCancelled)
		if got, want := evs[len(evs)-1].Source, "/stores/store-1/terminals/t1"; got != want {
			t.Fatalf("source=%q, want %q", got, want)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		other := r.Code[:19] + "a" // the real code but its last character
		if other == r.Code {
			other = r.Code[:19] + "b"
		}
		for _, code := range []string{"", "short", strings.Repeat("a", 20), other, r.Code + "a"} {
			_, err := s.CancelReservation(ctx, code)
			wantErr(t, err, pos.CodeNotFound, "code")
			_, err = s.FindReservation(ctx, code)
			wantErr(t, err, pos.CodeNotFound, "code")
		}
	})
	checkReserved(t, db)
}

func TestReservationService_Expiry(t *testing.T) {
	db := MustOpenDB(t)
	clock := newTestClock(db, t0)
	db.ReservationHold = 2 * time.Hour
	till := seed(t, db)
	s, sales := bolt.NewReservationService(db), bolt.NewSaleService(db)
	ctx := context.Background()
	r := mustReserve(t, s, "TV", 1, phoneA) // the only one
	due := t0.Add(2 * time.Hour)

	t.Run("ActiveUntilTheLastNanosecond", func(t *testing.T) {
		clock.Set(due.Add(-time.Nanosecond))
		got, err := s.FindReservation(ctx, r.Code)
		if err != nil || got.Status != pos.ReservationActive {
			t.Fatalf("status=%v err=%v", got, err)
		}
		if n, err := s.ExpireReservations(ctx); err != nil || n != 0 {
			t.Fatalf("expired=%d err=%v before the hold passed", n, err)
		}
	})
	t.Run("ExpiredBeforeTheSweeper", func(t *testing.T) {
		clock.Set(due)
		got, err := s.FindReservation(ctx, r.Code)
		if err != nil || got.Status != pos.ReservationExpired {
			t.Fatalf("status=%v err=%v, want expired", got, err)
		}
		_, err = s.CancelReservation(ctx, r.Code)
		wantErr(t, err, pos.CodeConflict, "code")
		sale := cashSale()
		sale.ReservationCode = r.Code
		_, _, err = sales.CreateSale(till, "exp-1", sale)
		wantErr(t, err, pos.CodeConflict, "reservation_code")
		if got := stockOf(t, db, "TV").Reserved; got != 1 {
			t.Fatalf("reserved=%d: only the sweeper (or a new reservation) releases it", got)
		}
	})
	t.Run("SweeperReleasesStock", func(t *testing.T) {
		clock.Set(due.Add(time.Hour))
		n, err := s.ExpireReservations(ctx)
		if err != nil || n != 1 {
			t.Fatalf("expired=%d err=%v, want 1", n, err)
		}
		if st := stockOf(t, db, "TV"); st.Reserved != 0 || st.Available != 1 {
			t.Fatalf("TV stock=%+v", st)
		}
		got, _ := s.FindReservation(ctx, r.Code)
		if got.Status != pos.ReservationExpired || !got.ClosedAt.Equal(due) {
			t.Fatalf("status=%s closed=%v, want expired at %v", got.Status, got.ClosedAt, due)
		}
		if evs := eventsOf(t, db, pos.EventReservationExpired); len(evs) != 1 {
			t.Fatalf("expired events=%d, want 1", len(evs))
		}
		if n, err := s.ExpireReservations(ctx); err != nil || n != 0 {
			t.Fatalf("second sweep expired=%d err=%v", n, err)
		}
		mustReserve(t, s, "TV", 1, phoneB) // the TV is available again
	})
	t.Run("CreateExpiresDueFirst", func(t *testing.T) {
		// phoneB's TV reservation is due, the sweeper has not run: a new
		// reservation expires it first, so the TV is available, and the
		// phone's limit no longer counts it.
		clock.Set(due.Add(4 * time.Hour))
		db.MaxReservationsPerPhone = 1
		defer func() { db.MaxReservationsPerPhone = bolt.DefaultMaxReservationsPerPhone }()
		mustReserve(t, s, "TV", 1, phoneB)
		if evs := eventsOf(t, db, pos.EventReservationExpired); len(evs) != 2 {
			t.Fatalf("expired events=%d, want 2", len(evs))
		}
		if st := stockOf(t, db, "TV"); st.Reserved != 1 {
			t.Fatalf("TV stock=%+v", st)
		}
	})
	checkReserved(t, db)
}

// TestReservationService_ExpireInBatches: the sweeper works through more
// reservations than one transaction takes.
func TestReservationService_ExpireInBatches(t *testing.T) {
	defer bolt.SetExpireBatch(2)()
	db := MustOpenDB(t)
	clock := newTestClock(db, t0)
	seed(t, db)
	s := bolt.NewReservationService(db)
	for i := range 7 {
		clock.Set(t0.Add(time.Duration(i) * time.Minute))
		mustReserve(t, s, "MILK", 1, fmt.Sprintf("+7916000000%d", i))
	}
	clock.Set(t0.Add(24*time.Hour + 3*time.Minute)) // the first 4 are due
	if n, err := s.ExpireReservations(context.Background()); err != nil || n != 4 {
		t.Fatalf("expired=%d err=%v, want 4", n, err)
	}
	if got := stockOf(t, db, "MILK").Reserved; got != 3 {
		t.Fatalf("reserved=%d, want 3", got)
	}
	clock.Set(t0.Add(48 * time.Hour))
	if n, err := s.ExpireReservations(context.Background()); err != nil || n != 3 {
		t.Fatalf("expired=%d err=%v, want 3", n, err)
	}
	checkReserved(t, db)
}

// TestReservationService_LastItemRace: many shoppers reserve the last TV at
// once; exactly one wins and the rest are told it is gone.
func TestReservationService_LastItemRace(t *testing.T) {
	db := MustOpenDB(t)
	seed(t, db) // TV: 1 on hand
	s := bolt.NewReservationService(db)
	const shoppers = 50
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, shoppers)
	for i := range shoppers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = s.CreateReservation(context.Background(),
				&pos.ReservationRequest{SKU: "TV", Qty: 1, Phone: fmt.Sprintf("+791650000%02d", i), CustomerID: customerC1})
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch pos.ErrorCode(err) {
		case "":
			won++
		case pos.CodeInsufficientStock:
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d shoppers got the last TV, want exactly 1", won)
	}
	st := stockOf(t, db, "TV")
	if st.Reserved != st.OnHand || st.Available != 0 {
		t.Fatalf("stock=%+v, want reserved == on hand", st)
	}
	if got := len(eventsOf(t, db, pos.EventReservationCreated)); got != 1 {
		t.Fatalf("created events=%d, want 1", got)
	}
	checkReserved(t, db)
}

// TestReservationService_ConcurrentMix reserves and cancels from many
// goroutines: reserved stock always equals the active reservations and
// never exceeds what is on hand.
func TestReservationService_ConcurrentMix(t *testing.T) {
	db := MustOpenDB(t)
	seed(t, db) // MILK: 100 on hand
	s := bolt.NewReservationService(db)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			phone := fmt.Sprintf("+791670000%02d", i)
			for j := range 10 {
				r, err := s.CreateReservation(context.Background(), &pos.ReservationRequest{SKU: "MILK", Qty: 4, Phone: phone})
				if pos.ErrorCode(err) == pos.CodeInsufficientStock || pos.ErrorCode(err) == pos.CodeTooManyRequests {
					continue
				} else if err != nil {
					t.Error(err)
					return
				}
				if j%2 == 0 {
					if _, err := s.CancelReservation(context.Background(), r.Code); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	st := stockOf(t, db, "MILK")
	if st.Reserved > st.OnHand || st.Reserved == 0 {
		t.Fatalf("stock=%+v", st)
	}
	checkReserved(t, db)
}

// TestReservationService_Events: every change is an event, and no event
// carries the code (it grants the pickup).
func TestReservationService_Events(t *testing.T) {
	db := MustOpenDB(t)
	clock := newTestClock(db, t0)
	ctx := seed(t, db)
	s := bolt.NewReservationService(db)
	a := mustReserve(t, s, "MILK", 1, phoneA)
	b := mustReserve(t, s, "MILK", 2, phoneA)
	c := mustReserve(t, s, "MILK", 3, phoneB)
	if _, err := s.CancelReservation(context.Background(), a.Code); err != nil {
		t.Fatal(err)
	}
	sale := cashSale()
	sale.ReservationCode = b.Code
	if _, _, err := bolt.NewSaleService(db).CreateSale(ctx, "ev-1", sale); err != nil {
		t.Fatal(err)
	}
	clock.Set(t0.Add(25 * time.Hour))
	if _, err := s.ExpireReservations(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		typ   string
		codes []*pos.Reservation
	}{
		{pos.EventReservationCreated, []*pos.Reservation{a, b, c}},
		{pos.EventReservationCancelled, []*pos.Reservation{a}},
		{pos.EventReservationFulfilled, []*pos.Reservation{b}},
		{pos.EventReservationExpired, []*pos.Reservation{c}},
	} {
		evs := eventsOf(t, db, tt.typ)
		if len(evs) != len(tt.codes) {
			t.Fatalf("%s: %d events, want %d", tt.typ, len(evs), len(tt.codes))
		}
		for i, ev := range evs {
			r := tt.codes[i]
			if strings.Contains(string(ev.Data), r.Code) {
				t.Fatalf("%s carries the secret code: %s", tt.typ, ev.Data)
			}
			var data struct {
				ID        string    `json:"id"`
				ShortCode string    `json:"short_code"`
				SKU       string    `json:"sku"`
				Qty       int64     `json:"qty"`
				Phone     string    `json:"phone"`
				ExpiresAt time.Time `json:"expires_at"`
				SaleID    string    `json:"sale_id"`
			}
			if err := json.Unmarshal(ev.Data, &data); err != nil {
				t.Fatal(err)
			}
			if data.ID == "" || data.ShortCode != r.ShortCode || data.SKU != r.SKU || data.Qty != r.Qty ||
				data.Phone != r.Phone || !data.ExpiresAt.Equal(r.ExpiresAt) {
				t.Fatalf("%s data=%s, want %+v", tt.typ, ev.Data, r)
			}
			if (tt.typ == pos.EventReservationFulfilled) != (data.SaleID != "") {
				t.Fatalf("%s sale_id=%q", tt.typ, data.SaleID)
			}
		}
	}
	checkReserved(t, db)
}

func TestReservationService_FindReservationByShortCode(t *testing.T) {
	db := MustOpenDB(t)
	seed(t, db)
	s := bolt.NewReservationService(db)
	ctx := context.Background()
	r := mustReserve(t, s, "MILK", 1, phoneA)
	got, err := s.FindReservationByShortCode(ctx, r.ShortCode, "1111")
	if err != nil || got.Code != r.Code {
		t.Fatalf("got=%+v err=%v", got, err)
	}
	for _, tt := range []struct{ short, digits string }{
		{r.ShortCode, "2222"}, {r.ShortCode, "111"}, {"000000x", "1111"}, {"", "1111"},
	} {
		_, err := s.FindReservationByShortCode(ctx, tt.short, tt.digits)
		wantErr(t, err, pos.CodeNotFound, "short_code")
	}
	if _, err := s.CancelReservation(ctx, r.Code); err != nil {
		t.Fatal(err)
	}
	_, err = s.FindReservationByShortCode(ctx, r.ShortCode, "1111")
	wantErr(t, err, pos.CodeNotFound, "short_code")
}

func TestReservationService_CreateOrder(t *testing.T) {
	db := MustOpenDB(t)
	newTestClock(db, t0)
	seed(t, db)
	s := bolt.NewReservationService(db)
	o, err := s.CreateOrder(context.Background(), &pos.OrderRequest{SKU: "TV", Qty: 2, Phone: "8 916 111 11 11"})
	if err != nil {
		t.Fatal(err)
	}
	if o.ID == "" || o.Name != "Телевизор" || o.Phone != phoneA || !o.CreatedAt.Equal(t0) {
		t.Fatalf("order=%+v", o)
	}
	evs := eventsOf(t, db, pos.EventOrderRequested)
	if len(evs) != 1 {
		t.Fatalf("order events=%d, want 1", len(evs))
	}
	var data pos.Order
	if err := json.Unmarshal(evs[0].Data, &data); err != nil || data != *o {
		t.Fatalf("data=%+v err=%v, want %+v", data, err, o)
	}
	if st := stockOf(t, db, "TV"); st.Reserved != 0 {
		t.Fatalf("an order reserved stock: %+v", st)
	}
	for _, tt := range []struct {
		req         pos.OrderRequest
		code, field string
	}{
		{pos.OrderRequest{SKU: "NOPE", Qty: 1, Phone: phoneA}, pos.CodeUnknownSKU, "sku"},
		{pos.OrderRequest{SKU: "TV", Qty: 0, Phone: phoneA}, pos.CodeValidationFailed, "qty"},
		{pos.OrderRequest{SKU: "TV", Qty: 1, Phone: "x"}, pos.CodeValidationFailed, "phone"},
	} {
		_, err := s.CreateOrder(context.Background(), &tt.req)
		wantErr(t, err, tt.code, tt.field)
	}
}
