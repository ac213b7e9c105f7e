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

// pickupOrder is a paid one-line order central sends down.
func pickupOrder(id, status string, created time.Time) pos.Pickup {
	return pos.Pickup{ID: id, OrderNo: "A-" + id, Phone: "+79123456789", Status: status, CreatedAt: created,
		Lines: []pos.PickupLine{{SKU: "TV", Name: "TV", Qty: 1, Amount: pos.M(2999000, "RUB")}},
		Total: pos.M(2999000, "RUB"), Paid: true}
}

// openPickups opens a database holding orders o1 and o2 (pending, version
// 1) and o3 (cancelled), and returns the pickup and downlink services.
func openPickups(tb testing.TB) (*bolt.DB, *bolt.PickupService, *bolt.DownlinkService) {
	tb.Helper()
	db := MustOpenDB(tb)
	db.Now = func() time.Time { return t0 }
	dl := bolt.NewDownlinkService(db)
	mustApply(tb, dl, msg(tb, pos.StreamPickups, 1,
		pickupOrder("o2", "", t0.Add(-time.Hour)), pickupOrder("o1", pos.PickupPending, t0.Add(-2*time.Hour)),
		pickupOrder("o3", pos.PickupCancelled, t0)), 3)
	return db, bolt.NewPickupService(db), dl
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

func TestPickupService_MarkPickupReady(t *testing.T) {
	db, s, _ := openPickups(t)
	ctx := ctxAs("T1", "anna", pos.RoleCashier)
	t.Run("OK", func(t *testing.T) {
		p, err := s.MarkPickupReady(ctx, "o1")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := p.Status, pos.PickupReady; got != want {
			t.Fatalf("status=%q, want %q", got, want)
		}
		wantStatus(t, s, "o1", pos.PickupReady)
		evs := eventsOf(t, db, pos.EventPickupReady)
		if got, want := len(evs), 1; got != want {
			t.Fatalf("events=%d, want %d", got, want)
		}
		if got, want := evs[0].Source, "/stores/store-1/terminals/T1"; got != want {
			t.Fatalf("source=%q, want %q", got, want)
		}
		want := pos.PickupEvent{ID: "o1", OrderNo: "A-o1", Status: pos.PickupReady, PreviousStatus: pos.PickupPending,
			At: t0, Terminal: "T1", Cashier: "anna", CashierName: "anna"}
		if got := pickupEvents(t, db, pos.EventPickupReady)[0]; got != want {
			t.Fatalf("data=%+v, want %+v", got, want)
		}
	})
	t.Run("Twice", func(t *testing.T) {
		p, err := s.MarkPickupReady(ctx, "o1")
		if err != nil || p.Status != pos.PickupReady {
			t.Fatalf("p=%+v err=%v", p, err)
		}
		if got, want := len(eventsOf(t, db, pos.EventPickupReady)), 1; got != want {
			t.Fatalf("events=%d, want %d: ready twice must write nothing", got, want)
		}
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		_, err := s.MarkPickupReady(ctx, "o3")
		wantErr(t, err, pos.CodeConflict, "")
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, id := range []string{"nope", ""} {
			_, err := s.MarkPickupReady(ctx, id)
			wantErr(t, err, pos.CodeNotFound, "")
		}
	})
	t.Run("ErrNoSession", func(t *testing.T) {
		_, err := s.MarkPickupReady(context.Background(), "o2")
		wantErr(t, err, pos.CodeUnauthorized, "")
		wantStatus(t, s, "o2", pos.PickupPending)
	})
}

func TestPickupService_CollectPickup(t *testing.T) {
	db, s, _ := openPickups(t)
	ctx := ctxAs("T2", "boris", pos.RoleCashier)
	if _, err := s.MarkPickupReady(ctx, "o1"); err != nil {
		t.Fatal(err)
	}
	t.Run("FromReady", func(t *testing.T) {
		p, err := s.CollectPickup(ctx, "o1")
		if err != nil || p.Status != pos.PickupCollected {
			t.Fatalf("p=%+v err=%v", p, err)
		}
	})
	t.Run("FromPending", func(t *testing.T) {
		p, err := s.CollectPickup(ctx, "o2")
		if err != nil || p.Status != pos.PickupCollected {
			t.Fatalf("p=%+v err=%v", p, err)
		}
	})
	evs := pickupEvents(t, db, pos.EventPickupCollected)
	if got, want := len(evs), 2; got != want {
		t.Fatalf("events=%d, want %d", got, want)
	}
	if evs[0].PreviousStatus != pos.PickupReady || evs[1].PreviousStatus != pos.PickupPending || evs[1].Terminal != "T2" {
		t.Fatalf("events=%+v", evs)
	}
	for _, tt := range []struct{ name, id, code string }{
		{"ErrTwice", "o1", pos.CodeConflict},
		{"ErrCancelled", "o3", pos.CodeConflict},
		{"ErrNotFound", "o9", pos.CodeNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CollectPickup(ctx, tt.id)
			wantErr(t, err, tt.code, "")
		})
	}
	t.Run("ErrReadyAfterCollected", func(t *testing.T) {
		_, err := s.MarkPickupReady(ctx, "o1")
		wantErr(t, err, pos.CodeConflict, "")
	})
	if got, want := len(eventsOf(t, db, pos.EventPickupCollected)), 2; got != want {
		t.Fatalf("events=%d, want %d: a refused change wrote an event", got, want)
	}
}

// TestPickupService_Downlink checks that central's later messages never
// undo what staff did, except for a cancellation of an order not yet
// handed over.
func TestPickupService_Downlink(t *testing.T) {
	_, s, dl := openPickups(t)
	ctx := ctxAs("T1", "anna", pos.RoleCashier)
	if _, err := s.MarkPickupReady(ctx, "o1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CollectPickup(ctx, "o2"); err != nil {
		t.Fatal(err)
	}
	mustApply(t, dl, msg(t, pos.StreamPickups, 2,
		pickupOrder("o1", pos.PickupPending, t0), pickupOrder("o2", pos.PickupPending, t0)), 2)
	wantStatus(t, s, "o1", pos.PickupReady)
	wantStatus(t, s, "o2", pos.PickupCollected)

	mustApply(t, dl, msg(t, pos.StreamPickups, 3,
		pickupOrder("o1", pos.PickupCancelled, t0), pickupOrder("o2", pos.PickupCancelled, t0)), 2)
	wantStatus(t, s, "o1", pos.PickupCancelled)
	wantStatus(t, s, "o2", pos.PickupCollected)
	_, err := s.CollectPickup(ctx, "o1")
	wantErr(t, err, pos.CodeConflict, "")
}

func TestPickupService_FindPickups(t *testing.T) {
	_, s, _ := openPickups(t)
	ctx := ctxAs("T1", "anna", pos.RoleCashier)
	if _, err := s.MarkPickupReady(ctx, "o2"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		status string
		want   []string
	}{
		{"", []string{"o1", "o2", "o3"}}, // oldest first
		{pos.PickupPending, []string{"o1"}},
		{pos.PickupReady, []string{"o2"}},
		{pos.PickupCancelled, []string{"o3"}},
		{pos.PickupCollected, nil},
	} {
		t.Run("Status="+tt.status, func(t *testing.T) {
			got, err := s.FindPickups(ctx, tt.status)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Fatal("FindPickups returned nil, want an empty list")
			}
			ids := make([]string, 0, len(got))
			for _, p := range got {
				ids = append(ids, p.ID)
			}
			if g, w := len(ids), len(tt.want); g != w {
				t.Fatalf("ids=%v, want %v", ids, tt.want)
			}
			for i := range ids {
				if ids[i] != tt.want[i] {
					t.Fatalf("ids=%v, want %v", ids, tt.want)
				}
			}
		})
	}
	t.Run("ErrStatus", func(t *testing.T) {
		_, err := s.FindPickups(ctx, "lost")
		wantErr(t, err, pos.CodeValidationFailed, "status")
	})
}

// TestPickupService_Concurrent checks that of tills collecting the same
// order at once exactly one succeeds and one event is written.
func TestPickupService_Concurrent(t *testing.T) {
	db, s, _ := openPickups(t)
	const tills = 16
	var wg sync.WaitGroup
	errs := make(chan error, tills)
	for i := range tills {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.CollectPickup(ctxAs(fmt.Sprint("T", i), "c", pos.RoleCashier), "o1")
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
		case pos.CodeConflict:
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
}
