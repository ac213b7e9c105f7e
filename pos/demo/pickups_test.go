package demo_test

import (
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/demo"
)

func TestPickups(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	orders := demo.Pickups(demo.Products(now, "RUB"), now, "RUB")
	if len(orders) != 2 || !orders[0].Paid || orders[1].Paid {
		t.Fatalf("orders=%+v", orders)
	}
	for _, o := range orders {
		if err := o.Validate(); err != nil {
			t.Fatalf("%s: %v", o.ID, err)
		}
		var sum int64
		for _, l := range o.Lines {
			sum += l.Amount.Amount
		}
		if sum != o.Total.Amount || o.Status != pos.PickupReceived {
			t.Fatalf("%s: lines add up to %d, total %d, status %q", o.ID, sum, o.Total.Amount, o.Status)
		}
	}
}
