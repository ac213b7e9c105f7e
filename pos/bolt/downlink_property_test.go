package bolt_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// randomPriceMessages returns n price messages, versions 1..n, each setting
// a random subset of skus (one of which the catalog does not have yet).
func randomPriceMessages(tb testing.TB, r *rand.Rand, n int, skus []string) []*pos.Downlink {
	var out []*pos.Downlink
	for v := 1; v <= n; v++ {
		var items []any
		for _, sku := range skus {
			if r.IntN(2) == 0 {
				continue
			}
			it := priceItem(sku, pos.PricePoint{Amount: int64(r.IntN(100000))},
				pos.PricePoint{Amount: int64(r.IntN(100000)), EffectiveFrom: t0.Add(time.Duration(r.IntN(48)+1) * time.Hour)})
			if r.IntN(3) == 0 {
				it.Promotions = []pos.Promotion{{Kind: pos.PromoFixed, Value: int64(r.IntN(100) + 1), From: t0, To: t0.Add(time.Hour)}}
			}
			items = append(items, it)
		}
		out = append(out, msg(tb, pos.StreamPrices, uint64(v), items...))
	}
	return out
}

// priceState is what the prices stream decided, once the catalog has every
// SKU: each product's price list and promotions.
func priceState(tb testing.TB, db *bolt.DB, skus []string) string {
	tb.Helper()
	mustApply(tb, bolt.NewDownlinkService(db), msg(tb, pos.StreamCatalog, 1_000_000, catalogItem("LATE", "Late", 1)), 1)
	state := map[string]any{}
	for _, sku := range skus {
		p := product(tb, db, sku)
		state[sku] = []any{p.Prices, p.Promotions}
	}
	st := mustStatus(tb, bolt.NewOutboxService(db))
	state["version"] = st.DownlinkVersions[pos.StreamPrices]
	b, _ := json.Marshal(state)
	return string(b)
}

// TestDownlinkService_PricesAnyOrder applies a random permutation of
// versioned price messages, with duplicates, and checks that the shop ends
// in the state of applying them once, in order.
func TestDownlinkService_PricesAnyOrder(t *testing.T) {
	skus := []string{"MILK", "TV", "APPLE", "LATE"}
	for n := range uint64(8) {
		t.Run(fmt.Sprint("Seed", n), func(t *testing.T) {
			r := rand.New(rand.NewPCG(n, 42))
			msgs := randomPriceMessages(t, r, 25, skus)

			inOrder := MustOpenDB(t)
			seed(t, inOrder)
			for _, d := range msgs {
				if _, err := bolt.NewDownlinkService(inOrder).ApplyDownlink(context.Background(), d); err != nil {
					t.Fatal(err)
				}
			}
			shuffled := MustOpenDB(t)
			seed(t, shuffled)
			var replay []*pos.Downlink
			for _, d := range msgs {
				for range 1 + r.IntN(3) {
					replay = append(replay, d)
				}
			}
			r.Shuffle(len(replay), func(i, j int) { replay[i], replay[j] = replay[j], replay[i] })
			for _, d := range replay {
				if _, err := bolt.NewDownlinkService(shuffled).ApplyDownlink(context.Background(), d); err != nil {
					t.Fatal(err)
				}
			}
			if got, want := priceState(t, shuffled, skus), priceState(t, inOrder, skus); got != want {
				t.Fatalf("shuffled state\n%s\nwant (in order)\n%s", got, want)
			}
		})
	}
}
