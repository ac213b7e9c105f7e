package bolt_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// FuzzApplyDownlink applies hostile messages to a real database: each is
// applied or refused as validation_failed (never an internal error, which
// would stall the caller instead of dead-lettering), and a replay of an
// applied message changes nothing.
func FuzzApplyDownlink(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds skipped in -short mode")
	}
	for _, s := range []string{
		`{"stream":"catalog","version":1,"items":[{"sku":"A1","name":"Milk","currency":"RUB","barcodes":["4006381333931"],"prices":[{"amount":100}]},{"sku":"A2","deleted":true}]}`,
		`{"stream":"catalog","version":2,"items":[{"sku":"B1","name":"Milk","currency":"RUB","barcodes":["4600000000008"],"prices":[{"amount":100}]}]}`,
		`{"stream":"catalog","version":3,"items":[{"sku":"A1","name":"x","currency":"USD","prices":[{"amount":1}]}]}`,
		`{"stream":"prices","version":2,"items":[{"sku":"MILK","prices":[{"amount":120,"effective_from":"2030-01-01T00:00:00Z"}]},{"sku":"NEW","prices":[{"amount":1}]}]}`,
		`{"stream":"customers","version":3,"items":[{"id":"c1","phone":"8 (912) 345-67-89","card":"C1"},{"id":"c1","deleted":true}]}`,
		`{"stream":"stock","version":4,"items":[{"store":"s1","sku":"A1","available":-3,"at":"2025-01-01T00:00:00+03:00"}]}`,
		`{"stream":"pickups","version":5,"items":[{"id":"o1","order_no":"A-1","lines":[{"sku":"A1","name":"Milk","qty":2,"amount":{"amount":200,"currency":"RUB"}}],"total":{"amount":200,"currency":"RUB"}}]}`,
		`{"stream":"pickups","version":6,"items":[{"id":"\u0000","order_no":"\u0000","lines":[{"sku":"A","qty":1}],"total":{"amount":0,"currency":"RUB"}}]}`,
		`{"stream":"catalog","version":18446744073709551615,"items":[]}`, `{"stream":"x"}`, `null`,
	} {
		f.Add([]byte(s))
	}
	db := MustOpenDB(f)
	seed(f, db)
	s := bolt.NewDownlinkService(db)
	f.Fuzz(func(t *testing.T, payload []byte) {
		var d pos.Downlink
		if json.Unmarshal(payload, &d) != nil {
			return
		}
		_, err := s.ApplyDownlink(context.Background(), &d)
		if err != nil {
			if pos.ErrorCode(err) != pos.CodeValidationFailed {
				t.Fatalf("err=%v, want nil or validation_failed", err)
			}
			return
		}
		if n, err := s.ApplyDownlink(context.Background(), &d); err != nil || n != 0 {
			t.Fatalf("replay: applied=%d err=%v", n, err)
		}
	})
}
