package sync

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos/bolt"
)

// applyRelay is a relay with just what apply needs, on a real database.
func applyRelay(tb testing.TB) (*Relay, *bolt.DB) {
	tb.Helper()
	db := bolt.NewDB(tb.TempDir())
	db.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	r := NewRelay()
	r.Downlink = bolt.NewDownlinkService(db)
	r.log, r.metrics, r.logs = db.Logger, newMetrics(), newLogLimiter(time.Minute)
	return r, db
}

// FuzzApply feeds hostile payloads to the downlink path a broker message
// takes: each is applied or dead-lettered, never a panic or a stuck edge.
func FuzzApply(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz: not in -short")
	}
	for _, s := range []string{
		`{"stream":"customers","version":1,"items":[{"id":"c1","phone":"+79161234567","discount_percent":5,"loyalty_points":0}]}`,
		`{"stream":"customers","version":2,"items":[{"id":"c1","discount_percent":500}]}`,
		`{"stream":"prices","version":3,"items":[{"sku":"A","prices":[{"amount":-1}],"promotions":[]}]}`,
		`{"stream":"pickups","version":4,"items":[{"id":"p","lines":[{"sku":"A","qty":1e99}]}]}`,
		`{"stream":"stock","version":5,"items":[{"store":"s2","sku":"A","available":3,"at":"2026-01-01T00:00:00Z"}]}`,
		`{"stream":"catalog","version":18446744073709551615,"items":[{"sku":"` + string(make([]byte, 300)) + `"}]}`,
		"\xff\xfe\x00",
		`{"stream":"catalog","version":1,"items":[{}],"items":[]}`,
	} {
		f.Add([]byte(s))
	}
	r, _ := applyRelay(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := r.apply(context.Background(), DownlinkTopic("s1"), b); err != nil {
			t.Fatalf("apply %q: %v", b, err)
		}
	})
}

func TestApply_DeadLetter(t *testing.T) {
	r, db := applyRelay(t)
	ctx := context.Background()
	for _, b := range []string{`{{`, `{"stream":"customers","version":2,"items":[{"id":""}]}`} {
		if err := r.apply(ctx, "t", []byte(b)); err != nil {
			t.Fatal(err)
		}
	}
	st, err := bolt.NewOutboxService(db).SyncStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.DeadLetters, 2; got != want {
		t.Fatalf("dead letters=%d, want %d", got, want)
	}
	t.Run("StorageError", func(t *testing.T) {
		db.Close()
		err := r.apply(ctx, "t", []byte(`{"stream":"customers","version":3,"items":[]}`))
		if err == nil {
			t.Fatal("apply on a closed database succeeded")
		}
	})
}
