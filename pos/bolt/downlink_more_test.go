package bolt_test

import (
	"context"
	"fmt"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

func TestDownlinkService_Customers(t *testing.T) {
	db := MustOpenDB(t)
	s := bolt.NewDownlinkService(db)
	ctx := context.Background()
	find := func(phone, card string) string {
		t.Helper()
		c, err := s.FindCustomer(ctx, phone, card)
		if pos.ErrorCode(err) == pos.CodeNotFound {
			return ""
		} else if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	ann := pos.Customer{ID: "c1", Phone: "8 (912) 345-67-89", Card: "CARD1", Name: "Анна", DiscountPercent: 5}

	t.Run("OK", func(t *testing.T) {
		mustApply(t, s, msg(t, pos.StreamCustomers, 1, ann), 1)
		if got := find("+79123456789", ""); got != "c1" {
			t.Fatalf("by phone: %q", got)
		}
		if got := find("", "CARD1"); got != "c1" {
			t.Fatalf("by card: %q", got)
		}
		c, _ := s.FindCustomer(ctx, "9123456789", "")
		if c.Phone != "+79123456789" || c.DiscountPercent != 5 {
			t.Fatalf("customer=%+v", c)
		}
	})
	t.Run("ReplayAndOlder", func(t *testing.T) {
		mustApply(t, s, msg(t, pos.StreamCustomers, 1, ann), 0)
		mustApply(t, s, msg(t, pos.StreamCustomers, 2, ann), 1)
		mustApply(t, s, msg(t, pos.StreamCustomers, 1, pos.Customer{ID: "c1", Card: "OLD"}), 0)
		if got := find("", "OLD"); got != "" {
			t.Fatal("an older version changed the card index")
		}
	})
	t.Run("ChangeMovesIndexes", func(t *testing.T) {
		moved := ann
		moved.Phone, moved.Card = "+79990000001", "CARD2"
		mustApply(t, s, msg(t, pos.StreamCustomers, 3, moved), 1)
		if find("+79123456789", "") != "" || find("", "CARD1") != "" {
			t.Fatal("the old phone or card still finds the customer")
		}
		if find("+79990000001", "CARD2") != "c1" {
			t.Fatal("the new phone does not find the customer")
		}
	})
	t.Run("PhoneTakenByAnother", func(t *testing.T) {
		bob := pos.Customer{ID: "c2", Phone: "+79990000001"}
		mustApply(t, s, msg(t, pos.StreamCustomers, 4, bob), 1)
		// c1 changes its card only: the phone c2 took stays c2's.
		mustApply(t, s, msg(t, pos.StreamCustomers, 5, pos.Customer{ID: "c1", Phone: "+79990000009", Card: "CARD3"}), 1)
		if got := find("+79990000001", ""); got != "c2" {
			t.Fatalf("phone finds %q, want c2", got)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		mustApply(t, s, msg(t, pos.StreamCustomers, 6, pos.Customer{ID: "c1", Deleted: true}), 1)
		if find("+79990000009", "CARD3") != "" {
			t.Fatal("a deleted customer is still found")
		}
		mustApply(t, s, msg(t, pos.StreamCustomers, 5, ann), 0) // no resurrection by a late message
		if find("", "CARD1") != "" {
			t.Fatal("an older message brought a deleted customer back")
		}
	})
	t.Run("ErrNoKey", func(t *testing.T) {
		if _, err := s.FindCustomer(ctx, "", ""); pos.ErrorCode(err) != pos.CodeValidationFailed {
			t.Fatalf("err=%v", err)
		}
		if _, err := s.FindCustomer(ctx, "abc", ""); pos.ErrorField(err) != "phone" {
			t.Fatalf("err=%v", err)
		}
	})
}

func TestDownlinkService_RemoteStock(t *testing.T) {
	db := MustOpenDB(t)
	s := bolt.NewDownlinkService(db)
	ctx := context.Background()
	line := func(store string, n int64) pos.RemoteStock {
		return pos.RemoteStock{Store: store, StoreName: "Shop " + store, SKU: "MILK", Available: n, At: t0}
	}
	mustApply(t, s, msg(t, pos.StreamStock, 1, line("s2", 5), line("s1", 7),
		pos.RemoteStock{Store: "s1", SKU: "MILKY", Available: 1}), 3)
	mustApply(t, s, msg(t, pos.StreamStock, 3, line("s2", 4)), 1)
	mustApply(t, s, msg(t, pos.StreamStock, 2, line("s2", 99), line("s3", 1)), 1) // s2 is older, s3 is new
	mustApply(t, s, msg(t, pos.StreamStock, 3, line("s2", 4)), 0)
	got, err := s.FindRemoteStock(ctx, "MILK")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint([]pos.RemoteStock{line("s1", 7), line("s2", 4), line("s3", 1)}) {
		t.Fatalf("got %v", got)
	}
	if got, _ := s.FindRemoteStock(ctx, "NONE"); len(got) != 0 {
		t.Fatalf("got %v", got)
	}
}

func TestDownlinkService_Pickups(t *testing.T) {
	db := MustOpenDB(t)
	s := bolt.NewDownlinkService(db)
	ctx := context.Background()
	order := func(id, status string) pos.Pickup {
		return pos.Pickup{ID: id, OrderNo: "A-" + id, Phone: "+79123456789", Status: status, CreatedAt: t0,
			Lines: []pos.PickupLine{{SKU: "TV", Name: "TV", Qty: 1, Amount: pos.M(2999000, "RUB")}},
			Total: pos.M(2999000, "RUB"), Paid: true}
	}
	mustApply(t, s, msg(t, pos.StreamPickups, 1, order("o1", ""), order("o2", pos.PickupPending)), 2)
	mustApply(t, s, msg(t, pos.StreamPickups, 2, order("o1", pos.PickupCancelled)), 1)
	mustApply(t, s, msg(t, pos.StreamPickups, 1, order("o1", pos.PickupPending)), 0)
	pending, err := s.FindPickups(ctx, pos.PickupPending)
	if err != nil || len(pending) != 1 || pending[0].ID != "o2" {
		t.Fatalf("pending=%v err=%v", pending, err)
	}
	if all, _ := s.FindPickups(ctx, ""); len(all) != 2 {
		t.Fatalf("all=%d", len(all))
	}
	if p, err := s.FindPickupByID(ctx, "o1"); err != nil || p.Status != pos.PickupCancelled || !p.CreatedAt.Equal(t0) {
		t.Fatalf("p=%+v err=%v", p, err)
	}
	if _, err := s.FindPickupByID(ctx, "nope"); pos.ErrorCode(err) != pos.CodeNotFound {
		t.Fatalf("err=%v", err)
	}
	if _, err := s.FindPickups(ctx, "lost"); pos.ErrorCode(err) != pos.CodeValidationFailed {
		t.Fatalf("err=%v", err)
	}
}

func TestDownlinkService_Cursors(t *testing.T) {
	db := MustOpenDB(t)
	s := bolt.NewDownlinkService(db)
	ctx := context.Background()
	if c, err := s.DownlinkCursors(ctx); err != nil || len(c) != 0 {
		t.Fatalf("cursors=%v err=%v", c, err)
	}
	for _, v := range []uint64{5, 3, 5, 0} {
		if err := s.SetDownlinkCursor(ctx, pos.StreamCatalog, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetDownlinkCursor(ctx, pos.StreamPickups, 9); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDownlinkCursor(ctx, "weather", 1); pos.ErrorCode(err) != pos.CodeValidationFailed {
		t.Fatalf("err=%v", err)
	}
	c, _ := s.DownlinkCursors(ctx)
	if got, want := fmt.Sprint(c), "map[catalog:5 pickups:9]"; got != want {
		t.Fatalf("cursors=%s, want %s", got, want)
	}
}

func TestDownlinkService_DeadLetters(t *testing.T) {
	db := MustOpenDB(t)
	db.Now = func() time.Time { return t0 }
	s := bolt.NewDownlinkService(db)
	ctx := context.Background()

	t.Run("Truncated", func(t *testing.T) {
		big := make([]byte, 0, 100<<10)
		for len(big) < 100<<10 {
			big = append(big, "ж"...)
		}
		big = append([]byte{0xff, 0xfe}, big...) // invalid UTF-8 at the front
		dl := &pos.DeadLetter{Topic: "storeedge/v1/all/downlink", Reason: "bad", Payload: string(big)}
		if err := s.AddDeadLetter(ctx, dl); err != nil {
			t.Fatal(err)
		}
		got, _ := s.DeadLetters(ctx, 1)
		if len(got) != 1 || got[0].Seq != 1 || dl.Seq != 1 || !got[0].ReceivedAt.Equal(t0) {
			t.Fatalf("got %+v", got)
		}
		if n := len(got[0].Payload); n > bolt.MaxDeadLetterPayload || n < bolt.MaxDeadLetterPayload-4 {
			t.Fatalf("payload of %d bytes", n)
		}
		if !utf8.ValidString(got[0].Payload) {
			t.Fatal("payload is not valid UTF-8")
		}
	})
	t.Run("Capped", func(t *testing.T) {
		const n = bolt.MaxDeadLetters + 20
		errs := make(chan error, n)
		for i := 2; i <= n; i++ { // many at once: they share group commits
			go func() {
				errs <- s.AddDeadLetter(ctx, &pos.DeadLetter{Reason: fmt.Sprint("r", i), Payload: "{}"})
			}()
		}
		for i := 2; i <= n; i++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.DeadLetters(ctx, 5000)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != bolt.MaxDeadLetters || got[0].Seq != n || got[len(got)-1].Seq != n-bolt.MaxDeadLetters+1 {
			t.Fatalf("kept %d, newest %d, oldest %d", len(got), got[0].Seq, got[len(got)-1].Seq)
		}
		if st := mustStatus(t, bolt.NewOutboxService(db)); st.DeadLetters != n {
			t.Fatalf("status dead_letters=%d, want %d", st.DeadLetters, n)
		}
	})
}
