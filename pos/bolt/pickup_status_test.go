package bolt_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// pickupOrder is a paid one-line order for one TV central sends down.
func pickupOrder(id, status string, created time.Time) pos.Pickup {
	return pos.Pickup{ID: id, OrderNo: "A-" + id, Phone: "+79123456789", Status: status, CreatedAt: created,
		Lines: []pos.PickupLine{{SKU: "TV", Name: "TV", Qty: 1, Amount: pos.M(2999000, "RUB")}},
		Total: pos.M(2999000, "RUB"), Paid: true}
}

// milkOrder is an order of 3 milk at 80.00 each, paid at pickup.
func milkOrder(id string, created time.Time) pos.Pickup {
	return pos.Pickup{ID: id, OrderNo: "A-" + id, Phone: "+79123456789", CreatedAt: created,
		Lines: []pos.PickupLine{{SKU: "MILK", Name: "Milk", Qty: 3, Amount: pos.M(24000, "RUB")}},
		Total: pos.M(24000, "RUB")}
}

// openPickups opens a database with the seed catalog (TV: 1 on hand,
// MILK: 100), a shift open on till t1, and orders o1 and o2 (received,
// version 1), o3 (cancelled) and m1 (milk, paid at pickup). It returns the
// database, the pickup and downlink services and the cashier's context.
func openPickups(tb testing.TB) (*bolt.DB, *bolt.PickupService, *bolt.DownlinkService, context.Context) {
	tb.Helper()
	db := MustOpenDB(tb)
	db.Now = func() time.Time { return t0 }
	ctx := seed(tb, db)
	dl := bolt.NewDownlinkService(db)
	mustApply(tb, dl, msg(tb, pos.StreamPickups, 1,
		pickupOrder("o2", "", t0.Add(-time.Hour)), pickupOrder("o1", pos.PickupPending, t0.Add(-2*time.Hour)),
		pickupOrder("o3", pos.PickupCancelled, t0), milkOrder("m1", t0.Add(time.Minute))), 4)
	return db, bolt.NewPickupService(db), dl, ctx
}

// pickupEvents decodes the data of the outbox events of a type.
func pickupEvents(tb testing.TB, db *bolt.DB, typ string) []pos.PickupEvent {
	tb.Helper()
	var out []pos.PickupEvent
	for _, ev := range eventsOf(tb, db, typ) {
		var data pos.PickupEvent
		if err := json.Unmarshal(ev.Data, &data); err != nil {
			tb.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// wantStatus checks an order's merged status.
func wantStatus(tb testing.TB, s *bolt.PickupService, id, want string) {
	tb.Helper()
	p, err := s.FindPickupByID(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	if got := p.Status; got != want {
		tb.Fatalf("%s status=%q, want %q", id, got, want)
	}
}

// wantStock checks a SKU's on-hand and reserved stock.
func wantStock(tb testing.TB, db *bolt.DB, sku string, onHand, reserved int64) {
	tb.Helper()
	st := stockOf(tb, db, sku)
	if st.OnHand != onHand || st.Reserved != reserved {
		tb.Fatalf("%s stock=%+v, want on_hand %d, reserved %d", sku, st, onHand, reserved)
	}
}

// mustMove moves an order through steps or fails the test.
func mustMove(tb testing.TB, ctx context.Context, s *bolt.PickupService, id string, steps ...func(context.Context, string) (*pos.Pickup, error)) {
	tb.Helper()
	for _, step := range steps {
		if _, err := step(ctx, id); err != nil {
			tb.Fatal(err)
		}
	}
}

func TestPickupService_Holds(t *testing.T) {
	db, s, dl, _ := openPickups(t)
	// o1 and o2 hold a TV each though only one is on hand: central sold
	// them; available going below zero tells the shop to find another.
	wantStock(t, db, "TV", 1, 2)
	wantStock(t, db, "MILK", 100, 3)
	t.Run("ReplayHoldsOnce", func(t *testing.T) {
		mustApply(t, dl, msg(t, pos.StreamPickups, 2, pickupOrder("o1", pos.PickupReceived, t0)), 1)
		wantStock(t, db, "TV", 1, 2)
	})
	t.Run("CentralChangesLines", func(t *testing.T) {
		m := milkOrder("m1", t0)
		m.Lines = append(m.Lines, pos.PickupLine{SKU: "APPLE", Qty: 500, Amount: pos.M(9495, "RUB")})
		m.Lines[0].Qty = 5
		m.Total.Amount += 9495
		mustApply(t, dl, msg(t, pos.StreamPickups, 3, m), 1)
		wantStock(t, db, "MILK", 100, 5)
		wantStock(t, db, "APPLE", 50000, 500)
		mustApply(t, dl, msg(t, pos.StreamPickups, 4, milkOrder("m1", t0)), 1)
		wantStock(t, db, "MILK", 100, 3)
		wantStock(t, db, "APPLE", 50000, 0)
	})
	t.Run("CentralCancels", func(t *testing.T) {
		mustApply(t, dl, msg(t, pos.StreamPickups, 5, pickupOrder("o2", pos.PickupCancelled, t0)), 1)
		wantStatus(t, s, "o2", pos.PickupCancelled)
		wantStock(t, db, "TV", 1, 1)
		// An older message cannot reopen it.
		mustApply(t, dl, msg(t, pos.StreamPickups, 1, pickupOrder("o2", pos.PickupReceived, t0)), 0)
		wantStock(t, db, "TV", 1, 1)
	})
	holds, err := db.PickupHolds()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(holds), "map[m1:map[MILK:3] o1:map[TV:1]]"; got != want {
		t.Fatalf("holds=%s, want %s", got, want)
	}
}

func TestPickupService_Moves(t *testing.T) {
	db, s, _, ctx := openPickups(t)
	t.Run("Picking", func(t *testing.T) {
		p, err := s.StartPicking(ctx, "o1")
		if err != nil || p.Status != pos.PickupPicking {
			t.Fatalf("p=%+v err=%v", p, err)
		}
		if _, err := s.StartPicking(ctx, "o1"); err != nil {
			t.Fatal(err)
		}
		want := pos.PickupEvent{ID: "o1", OrderNo: "A-o1", Phone: "+79123456789", Status: pos.PickupPicking, PreviousStatus: pos.PickupReceived,
			At: t0, Terminal: "t1", Cashier: "c1", CashierName: "c1"}
		evs := pickupEvents(t, db, pos.EventPickupPicking)
		if len(evs) != 1 || evs[0] != want {
			t.Fatalf("events=%+v, want one %+v: picking twice writes nothing", evs, want)
		}
	})
	t.Run("Ready", func(t *testing.T) {
		p, err := s.MarkPickupReady(ctx, "o1")
		if err != nil || p.Status != pos.PickupReady || p.ReadyAt == nil || !p.ReadyAt.Equal(t0) {
			t.Fatalf("p=%+v err=%v", p, err)
		}
		if _, err := s.MarkPickupReady(ctx, "o1"); err != nil {
			t.Fatal(err)
		}
		evs := eventsOf(t, db, pos.EventPickupReady)
		if got, want := len(evs), 1; got != want {
			t.Fatalf("events=%d, want %d", got, want)
		}
		if got, want := evs[0].Source, "/stores/store-1/terminals/t1"; got != want {
			t.Fatalf("source=%q, want %q", got, want)
		}
		wantStock(t, db, "TV", 1, 2) // still held
	})
	for _, tt := range []struct {
		name string
		fn   func(context.Context, string) (*pos.Pickup, error)
		id   string
		code string
	}{
		{"ErrPickingReady", s.StartPicking, "o1", pos.CodeConflict},
		{"ErrPickingCancelled", s.StartPicking, "o3", pos.CodeConflict},
		{"ErrReadyCancelled", s.MarkPickupReady, "o3", pos.CodeConflict},
		{"ErrNotFound", s.MarkPickupReady, "nope", pos.CodeNotFound},
		{"ErrEmptyID", s.StartPicking, "", pos.CodeNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.fn(ctx, tt.id)
			wantErr(t, err, tt.code, "")
		})
	}
	t.Run("ErrNoSession", func(t *testing.T) {
		_, err := s.StartPicking(context.Background(), "o2")
		wantErr(t, err, pos.CodeUnauthorized, "")
		wantStatus(t, s, "o2", pos.PickupReceived)
	})
}

func TestPickupService_CollectPrepaid(t *testing.T) {
	db, s, _, ctx := openPickups(t)
	t.Run("ErrNotReady", func(t *testing.T) {
		_, _, _, err := s.CollectPickup(ctx, "o1", "k0", nil)
		wantErr(t, err, pos.CodePickupNotReady, "status")
		mustMove(t, ctx, s, "o1", s.StartPicking)
		_, _, _, err = s.CollectPickup(ctx, "o1", "k0", nil)
		wantErr(t, err, pos.CodePickupNotReady, "status")
	})
	mustMove(t, ctx, s, "o1", s.MarkPickupReady)
	t.Run("ErrPayment", func(t *testing.T) {
		req := &pos.PickupCollectRequest{Payments: []pos.PaymentRequest{{Method: "cash", Amount: pos.M(100, "RUB")}}}
		_, _, _, err := s.CollectPickup(ctx, "o1", "k1", req)
		wantErr(t, err, pos.CodeValidationFailed, "payments")
	})
	t.Run("ErrNoKey", func(t *testing.T) {
		_, _, _, err := s.CollectPickup(ctx, "o1", "", nil)
		wantErr(t, err, pos.CodeValidationFailed, pos.FieldIdempotencyKey)
	})
	var sale *pos.Sale
	t.Run("OK", func(t *testing.T) {
		p, got, created, err := s.CollectPickup(ctx, "o1", "k1", nil)
		if err != nil || !created {
			t.Fatalf("created=%v err=%v", created, err)
		}
		sale = got
		if p.Status != pos.PickupCollected || p.SaleID != sale.ID || p.CollectedAt == nil {
			t.Fatalf("pickup=%+v", p)
		}
		want := []pos.Payment{{Method: pos.PaymentOnline, Amount: pos.M(2999000, "RUB")}}
		if fmt.Sprint(sale.Payments) != fmt.Sprint(want) || sale.PickupID != "o1" || sale.ReceiptNo != 1 {
			t.Fatalf("sale=%+v", sale)
		}
		if sale.Customer == nil || sale.Customer.Phone != "+79123456789" {
			t.Fatalf("customer=%+v", sale.Customer)
		}
		wantStock(t, db, "TV", 0, 1) // taken; o2 still holds one
	})
	t.Run("Replay", func(t *testing.T) {
		p, got, created, err := s.CollectPickup(ctx, "o1", "k1", nil)
		if err != nil || created || got.ID != sale.ID || p.Status != pos.PickupCollected {
			t.Fatalf("created=%v sale=%v err=%v", created, got, err)
		}
		wantStock(t, db, "TV", 0, 1)
	})
	t.Run("ErrKeyOtherOrder", func(t *testing.T) {
		mustMove(t, ctx, s, "o2", s.MarkPickupReady)
		_, _, _, err := s.CollectPickup(ctx, "o2", "k1", nil)
		wantErr(t, err, pos.CodeIdempotencyKey, "")
	})
	t.Run("ErrTwice", func(t *testing.T) {
		_, _, _, err := s.CollectPickup(ctx, "o1", "k2", nil)
		wantErr(t, err, pos.CodePickupNotReady, "status")
	})
	t.Run("Events", func(t *testing.T) {
		evs := pickupEvents(t, db, pos.EventPickupCollected)
		if len(evs) != 1 || evs[0].SaleID != sale.ID || !evs[0].Prepaid || evs[0].Total == nil || evs[0].Total.Amount != 2999000 {
			t.Fatalf("events=%+v", evs)
		}
		sales := eventsOf(t, db, pos.EventSaleCompleted)
		if len(sales) != 1 {
			t.Fatalf("sale events=%d, want 1", len(sales))
		}
	})
	t.Run("Shift", func(t *testing.T) {
		sh, err := bolt.NewShiftService(db).FindOpenShift(ctx, "t1")
		if err != nil {
			t.Fatal(err)
		}
		r := sh.Report()
		if r.Sales.Online != pos.M(2999000, "RUB") || r.Sales.Cash.Amount != 0 || r.ExpectedCash.Amount != 500000 {
			t.Fatalf("report sales=%+v expected cash=%v", r.Sales, r.ExpectedCash)
		}
	})
}

func TestPickupService_CollectPayAtPickup(t *testing.T) {
	db, s, _, ctx := openPickups(t)
	mustMove(t, ctx, s, "m1", s.StartPicking, s.MarkPickupReady)
	t.Run("ErrNoPayments", func(t *testing.T) {
		_, _, _, err := s.CollectPickup(ctx, "m1", "k1", nil)
		wantErr(t, err, pos.CodeValidationFailed, "payments")
	})
	t.Run("ErrShort", func(t *testing.T) {
		req := &pos.PickupCollectRequest{Payments: []pos.PaymentRequest{{Method: "card", Amount: pos.M(20000, "RUB")}}}
		_, _, _, err := s.CollectPickup(ctx, "m1", "k1", req)
		wantErr(t, err, pos.CodeValidationFailed, "payments")
	})
	t.Run("ErrPointsUnknownCustomer", func(t *testing.T) {
		req := &pos.PickupCollectRequest{Payments: []pos.PaymentRequest{{Method: "points", Amount: pos.M(1000, "RUB")}, {Method: "cash", Amount: pos.M(30000, "RUB")}}}
		_, _, _, err := s.CollectPickup(ctx, "m1", "k1", req)
		wantErr(t, err, pos.CodeValidationFailed, "payments[0]")
	})
	t.Run("ErrNoShift", func(t *testing.T) {
		req := &pos.PickupCollectRequest{Payments: []pos.PaymentRequest{{Method: "cash", Amount: pos.M(30000, "RUB")}}}
		_, _, _, err := s.CollectPickup(ctxAs("t9", "c1", pos.RoleCashier), "m1", "k1", req)
		wantErr(t, err, pos.CodeShiftNotOpen, "")
	})
	wantStock(t, db, "MILK", 100, 3)
	t.Run("OK", func(t *testing.T) {
		req := &pos.PickupCollectRequest{Payments: []pos.PaymentRequest{{Method: "cash", Amount: pos.M(30000, "RUB")}}}
		p, sale, created, err := s.CollectPickup(ctx, "m1", "k1", req)
		if err != nil || !created || p.Status != pos.PickupCollected {
			t.Fatalf("p=%+v err=%v", p, err)
		}
		if sale.Total.Amount != 24000 || sale.Change.Amount != 6000 || sale.Lines[0].UnitPrice.Amount != 8000 {
			t.Fatalf("sale=%+v", sale)
		}
		wantStock(t, db, "MILK", 97, 0)
	})
}

// managerCtx adds manager "Olga" (PIN 4321) and returns a manager's
// session context.
func addManager(tb testing.TB, db *bolt.DB) *pos.Approval {
	tb.Helper()
	if _, err := bolt.NewAuthService(db).CreateCashier(context.Background(), "Olga", "4321", pos.RoleManager); err != nil {
		tb.Fatal(err)
	}
	return &pos.Approval{Cashier: "Olga", PIN: "4321"}
}

func TestPickupService_CancelAndNoShow(t *testing.T) {
	db, s, _, ctx := openPickups(t)
	ok := addManager(t, db)
	wrong := &pos.Approval{Cashier: "Olga", PIN: "0000"}
	mustMove(t, ctx, s, "o2", s.MarkPickupReady)
	for _, tt := range []struct {
		name   string
		cancel bool
		id     string
		req    *pos.PickupCloseRequest
		code   string
	}{
		{"ErrNoApproval", true, "o1", nil, pos.CodeForbidden},
		{"ErrWrongPIN", true, "o1", &pos.PickupCloseRequest{Approval: wrong}, pos.CodeForbidden},
		{"ErrCancelledAlready", true, "o3", &pos.PickupCloseRequest{Approval: ok}, pos.CodeConflict},
		{"ErrNoShowNotReady", false, "o1", &pos.PickupCloseRequest{Approval: ok}, pos.CodeConflict},
		{"ErrNotFound", false, "zz", &pos.PickupCloseRequest{Approval: ok}, pos.CodeNotFound},
		{"ErrReason", true, "o1", &pos.PickupCloseRequest{Approval: ok, Reason: "\a"}, pos.CodeValidationFailed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fn := s.MarkNoShow
			if tt.cancel {
				fn = s.CancelPickup
			}
			_, err := fn(ctx, tt.id, tt.req)
			if got := pos.ErrorCode(err); got != tt.code {
				t.Fatalf("code=%q (%v), want %q", got, err, tt.code)
			}
		})
	}
	wantStock(t, db, "TV", 1, 2)
	t.Run("Cancel", func(t *testing.T) {
		p, err := s.CancelPickup(ctx, "o1", &pos.PickupCloseRequest{Approval: ok, Reason: "customer called"})
		if err != nil || p.Status != pos.PickupCancelled || p.CancelledAt == nil {
			t.Fatalf("p=%+v err=%v", p, err)
		}
		evs := pickupEvents(t, db, pos.EventPickupCancelled)
		if len(evs) != 1 || evs[0].ApprovedBy == "" || evs[0].Reason != "customer called" || evs[0].Cashier != "c1" {
			t.Fatalf("events=%+v", evs)
		}
		wantStock(t, db, "TV", 1, 1)
	})
	t.Run("NoShowByManager", func(t *testing.T) {
		mctx := ctxAs("t1", "m9", pos.RoleManager)
		p, err := s.MarkNoShow(mctx, "o2", nil)
		if err != nil || p.Status != pos.PickupNoShow || p.NoShowAt == nil {
			t.Fatalf("p=%+v err=%v", p, err)
		}
		evs := pickupEvents(t, db, pos.EventPickupNoShow)
		if len(evs) != 1 || evs[0].ApprovedBy != "m9" {
			t.Fatalf("events=%+v", evs)
		}
		wantStock(t, db, "TV", 1, 0)
	})
}

func TestPickupService_ReleaseNoShows(t *testing.T) {
	db, s, _, ctx := openPickups(t)
	clock := newTestClock(db, t0)
	mustMove(t, ctx, s, "o1", s.MarkPickupReady)
	clock.Set(t0.Add(24 * time.Hour))
	mustMove(t, ctx, s, "o2", s.MarkPickupReady)
	restore := bolt.SetExpireBatch(1)
	defer restore()
	for _, tt := range []struct {
		at   time.Duration
		want int
	}{
		{7*24*time.Hour - time.Second, 0},
		{7 * 24 * time.Hour, 1}, // o1, a week after it was ready
		{8 * 24 * time.Hour, 1}, // o2
		{30 * 24 * time.Hour, 0},
	} {
		clock.Set(t0.Add(tt.at))
		n, err := s.ReleaseNoShows(context.Background())
		if err != nil || n != tt.want {
			t.Fatalf("at +%v: released %d (%v), want %d", tt.at, n, err, tt.want)
		}
	}
	wantStatus(t, s, "o1", pos.PickupNoShow)
	wantStatus(t, s, "o2", pos.PickupNoShow)
	wantStatus(t, s, "m1", pos.PickupReceived) // never ready: waits for staff
	wantStock(t, db, "TV", 1, 0)
	evs := pickupEvents(t, db, pos.EventPickupNoShow)
	if len(evs) != 2 || evs[0].Terminal != "instore" || evs[0].Cashier != "" {
		t.Fatalf("events=%+v", evs)
	}
	t.Run("Configured", func(t *testing.T) {
		db.NoShowAfter = time.Hour
		mustMove(t, ctx, s, "m1", s.MarkPickupReady)
		clock.Set(clock.Now().Add(time.Hour))
		if n, err := s.ReleaseNoShows(context.Background()); err != nil || n != 1 {
			t.Fatalf("released %d (%v), want 1", n, err)
		}
	})
}

// TestPickupService_Downlink checks that central's later messages never
// undo what staff did, except for a cancellation of an open order.
func TestPickupService_Downlink(t *testing.T) {
	db, s, dl, ctx := openPickups(t)
	mustMove(t, ctx, s, "o1", s.StartPicking)
	mustMove(t, ctx, s, "o2", s.MarkPickupReady)
	if _, _, _, err := s.CollectPickup(ctx, "o2", "k1", nil); err != nil {
		t.Fatal(err)
	}
	mustApply(t, dl, msg(t, pos.StreamPickups, 2,
		pickupOrder("o1", pos.PickupPending, t0), pickupOrder("o2", pos.PickupReceived, t0)), 2)
	wantStatus(t, s, "o1", pos.PickupPicking)
	wantStatus(t, s, "o2", pos.PickupCollected)
	wantStock(t, db, "TV", 0, 1)

	mustApply(t, dl, msg(t, pos.StreamPickups, 3,
		pickupOrder("o1", pos.PickupCancelled, t0), pickupOrder("o2", pos.PickupCancelled, t0)), 2)
	wantStatus(t, s, "o1", pos.PickupCancelled)
	wantStatus(t, s, "o2", pos.PickupCollected)
	wantStock(t, db, "TV", 0, 0)
	_, err := s.MarkPickupReady(ctx, "o1")
	wantErr(t, err, pos.CodeConflict, "")
}

func TestPickupService_FindPickups(t *testing.T) {
	_, s, _, ctx := openPickups(t)
	mustMove(t, ctx, s, "o2", s.MarkPickupReady)
	for _, tt := range []struct {
		status string
		want   []string
	}{
		{"", []string{"o1", "o2", "o3", "m1"}}, // oldest first
		{pos.PickupReceived, []string{"o1", "m1"}},
		{pos.PickupPending, []string{"o1", "m1"}}, // the old name
		{pos.PickupReady, []string{"o2"}},
		{pos.PickupCancelled, []string{"o3"}},
		{pos.PickupCollected, nil},
	} {
		t.Run("Status="+tt.status, func(t *testing.T) {
			got, err := s.FindPickups(ctx, tt.status)
			if err != nil {
				t.Fatal(err)
			}
			if got.Items == nil {
				t.Fatal("FindPickups returned nil, want an empty list")
			}
			ids := make([]string, 0, len(got.Items))
			for _, p := range got.Items {
				ids = append(ids, p.ID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(nonNilStrings(tt.want)) {
				t.Fatalf("ids=%v, want %v", ids, tt.want)
			}
			want := map[string]int{"received": 2, "picking": 0, "ready": 1, "collected": 0, "no_show": 0, "cancelled": 1}
			if fmt.Sprint(got.Counts) != fmt.Sprint(want) {
				t.Fatalf("counts=%v, want %v", got.Counts, want)
			}
		})
	}
	t.Run("ErrStatus", func(t *testing.T) {
		_, err := s.FindPickups(ctx, "lost")
		wantErr(t, err, pos.CodeValidationFailed, "status")
	})
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestPickupService_Concurrent checks that of tills collecting the same
// order at once exactly one succeeds, with one sale and one event.
func TestPickupService_Concurrent(t *testing.T) {
	db, s, _, ctx := openPickups(t)
	mustMove(t, ctx, s, "o1", s.MarkPickupReady)
	shifts := bolt.NewShiftService(db)
	const tills = 8
	for i := range tills {
		tctx := ctxAs(fmt.Sprint("T", i), "c", pos.RoleCashier)
		if _, err := shifts.OpenShift(tctx, &pos.OpenShiftRequest{OpeningFloat: pos.M(0, "RUB")}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, tills)
	for i := range tills {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, _, err := s.CollectPickup(ctxAs(fmt.Sprint("T", i), "c", pos.RoleCashier), "o1", fmt.Sprint("key-", i), nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		switch pos.ErrorCode(err) {
		case "":
			ok++
		case pos.CodePickupNotReady:
		default:
			t.Fatalf("err=%v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d tills collected the order, want 1", ok)
	}
	if got, want := len(eventsOf(t, db, pos.EventPickupCollected)), 1; got != want {
		t.Fatalf("events=%d, want %d", got, want)
	}
	if got, want := len(eventsOf(t, db, pos.EventSaleCompleted)), 1; got != want {
		t.Fatalf("sales=%d, want %d", got, want)
	}
}

// TestPickupService_CollectWithPoints checks that an order paid at the
// counter takes points as a sale at the till does, under the same rules.
func TestPickupService_CollectWithPoints(t *testing.T) {
	db := MustOpenDB(t)
	db.Now = func() time.Time { return t0 }
	ctx := seedLoyalty(t, db)
	order := milkOrder("m1", t0)
	order.Phone = annPhone
	mustApply(t, bolt.NewDownlinkService(db), msg(t, pos.StreamPickups, 1, order), 1)
	s := bolt.NewPickupService(db)
	mustMove(t, ctx, s, "m1", s.MarkPickupReady)
	pay := func(points, cash int64) *pos.PickupCollectRequest {
		return &pos.PickupCollectRequest{Payments: []pos.PaymentRequest{
			{Method: pos.PaymentPoints, Amount: pos.M(points, "RUB")}, {Method: "cash", Amount: pos.M(cash, "RUB")}}}
	}
	t.Run("ErrOverLimit", func(t *testing.T) {
		_, _, _, err := s.CollectPickup(ctx, "m1", "k1", pay(15000, 9000)) // more than half of 240.00
		if got := pos.ErrorCode(err); got != pos.CodePointsLimit {
			t.Fatalf("code=%q (%v), want %q", got, err, pos.CodePointsLimit)
		}
	})
	_, sale, _, err := s.CollectPickup(ctx, "m1", "k2", pay(10000, 14000))
	if err != nil {
		t.Fatal(err)
	}
	if sale.CustomerID != "ann" || sale.PointsPaid != 100 {
		t.Fatalf("sale customer=%q points paid=%d", sale.CustomerID, sale.PointsPaid)
	}
	if n := len(eventsOf(t, db, pos.EventLoyaltyRedeemed)); n != 1 {
		t.Fatalf("redeemed events=%d, want 1", n)
	}
	mustAccount(t, bolt.NewLoyaltyService(db), 1000-100+sale.PointsEarned, 200)
}
