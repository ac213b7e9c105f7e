package pos_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

const (
	goodProduct = `{"sku":"A1","name":"Milk","unit":"piece","vat_rate":10,"currency":"RUB","barcodes":["4006381333931"],"prices":[{"amount":100,"effective_from":"2025-01-01T00:00:00Z"}]}`
	goodPrice   = `{"sku":"A1","prices":[{"amount":120,"effective_from":"2025-02-01T00:00:00+03:00"},{"amount":100,"effective_from":"2025-01-01T00:00:00Z"}],"promotions":[{"kind":"percent","value":10,"from":"2025-01-01T00:00:00Z","to":"2025-01-02T00:00:00Z"}]}`
	goodPickup  = `{"id":"o1","order_no":"A-1","lines":[{"sku":"A1","name":"Milk","qty":2,"amount":{"amount":200,"currency":"RUB"}}],"total":{"amount":200,"currency":"RUB"},"paid":true}`
)

func TestDecodeDownlinkItems(t *testing.T) {
	tests := []struct {
		stream string
		items  []string
		field  string // "" when the message is valid
	}{
		{pos.StreamCatalog, []string{goodProduct, `{"sku":"A2","deleted":true}`}, ""},
		{pos.StreamCatalog, []string{goodProduct, `{"deleted":true}`}, "items[1].sku"},
		{pos.StreamCatalog, []string{`{"sku":"A1","name":"Milk","currency":"RUB","prices":[]}`}, "items[0].prices"},
		{pos.StreamCatalog, []string{`{"sku":"A1","name":"Milk","currency":"RUB","prices":[{"amount":1}],"barcodes":["123"]}`}, "items[0].barcodes[0]"},
		{pos.StreamCatalog, []string{`{"sku":"A1","colour":"red"}`}, "items[0]"},
		{pos.StreamCatalog, []string{`42`}, "items[0]"},
		{pos.StreamCatalog, []string{`null`}, "items[0].sku"},
		{pos.StreamPrices, []string{goodPrice}, ""},
		{pos.StreamPrices, []string{`{"sku":"A1","prices":[{"amount":1},{"amount":2}]}`}, "items[0].prices[1].effective_from"},
		{pos.StreamPrices, []string{`{"sku":"A1","prices":[{"amount":-1}]}`}, "items[0].prices[0].amount"},
		{pos.StreamPrices, []string{`{"sku":"A1","prices":[{"amount":1}],"promotions":[{"kind":"fixed","value":5,"from":"2025-01-02T00:00:00Z","to":"2025-01-01T00:00:00Z"}]}`}, "items[0].promotions[0].to"},
		{pos.StreamPrices, []string{`{"sku":"no spaces inside","prices":[{"amount":1}]}`}, "items[0].sku"},
		{pos.StreamPrices, []string{`{"sku":"A1","prices":[{"amount":1,"effective_from":"0000-01-01T00:00:00+01:00"}]}`}, "items[0].prices[0].effective_from"},
		{pos.StreamCatalog, []string{`{"sku":"A1","name":"M","currency":"RUB","prices":[{"amount":1}],"promotions":[{"kind":"fixed","value":1,"from":"2025-01-01T00:00:00Z","to":"9999-12-31T23:00:00-05:00"}]}`}, "items[0].promotions[0].from"},
		{pos.StreamCustomers, []string{`{"id":"c1","phone":"8 (912) 345-67-89"}`, `{"id":"c2","card":"C2"}`, `{"id":"c3","deleted":true}`}, ""},
		{pos.StreamCustomers, []string{`{"phone":"+79123456789"}`}, "items[0].id"},
		{pos.StreamCustomers, []string{`{"id":"c1","card":"C1","name":"Anna\u0000"}`}, "items[0].name"},
		{pos.StreamCatalog, []string{`{"sku":"A1","name":"Milk\u001b[2J","currency":"RUB","prices":[{"amount":1}]}`}, "items[0].name"},
		{pos.StreamCatalog, []string{`{"sku":"A1","name":"Milk","description":"Fresh.\n\tCold.","currency":"RUB","unit":"piece","prices":[{"amount":1}]}`}, ""},
		{pos.StreamPickups, []string{`{"id":"o1","order_no":"A-1\u0085","lines":[],"total":{"amount":0,"currency":"RUB"}}`}, "items[0].order_no"},
		{pos.StreamCustomers, []string{`{"id":"c1"}`}, "items[0].phone"},
		{pos.StreamCustomers, []string{`{"id":"c1","phone":"call me"}`}, "items[0].phone"},
		{pos.StreamCustomers, []string{`{"id":"c1","card":"C","discount_percent":51}`}, "items[0].discount_percent"},
		{pos.StreamCustomers, []string{`{"id":"c1","card":"C","loyalty_points":-100000000000000000}`}, "items[0].loyalty_points"}, // below zero is fine (a return took back spent points); out of range is not
		{pos.StreamStock, []string{`{"store":"s1","sku":"A1","available":5,"at":"2025-01-01T00:00:00Z"}`}, ""},
		{pos.StreamStock, []string{`{"store":"s/1","sku":"A1"}`}, "items[0].store"},
		{pos.StreamStock, []string{`{"store":"s1","sku":""}`}, "items[0].sku"},
		{pos.StreamStock, []string{`{"store":"s1","sku":"A1","available":1e300}`}, "items[0]"},
		{pos.StreamStock, []string{`{"store":"s1","sku":"A1","at":"9999-12-31T23:00:00-05:00"}`}, "items[0].at"},
		{pos.StreamPickups, []string{goodPickup}, ""},
		{pos.StreamPickups, []string{`{"id":"o/1","order_no":"A"}`}, "items[0].id"},
		{pos.StreamPickups, []string{`{"id":"o1","order_no":"A","lines":[]}`}, "items[0].lines"},
		{pos.StreamPickups, []string{`{"id":"o1","order_no":"A","status":"lost","lines":[{"sku":"A1","qty":1}],"total":{"amount":1,"currency":"RUB"}}`}, "items[0].status"},
		{pos.StreamPickups, []string{`{"id":"o1","order_no":"A","lines":[{"sku":"A1","qty":0}],"total":{"amount":1,"currency":"RUB"}}`}, "items[0].lines[0]"},
		{pos.StreamPickups, []string{`{"id":"o1","order_no":"A","lines":[{"sku":"A1","qty":1}],"total":{"amount":1,"currency":"rub"}}`}, "items[0].total"},
		{pos.StreamPickups, []string{`{"id":"o1","order_no":"A","lines":[{"sku":"A1","qty":1}],"total":{"amount":1,"currency":"RUB"},"created_at":"0000-01-01T00:30:00+01:00"}`}, "items[0].created_at"},
		{"weather", []string{`{}`}, "stream"},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(tt.stream, i), func(t *testing.T) {
			raw := make([]json.RawMessage, len(tt.items))
			for j, s := range tt.items {
				raw[j] = json.RawMessage(s)
			}
			got, err := pos.DecodeDownlinkItems(tt.stream, raw)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("err=%v", err)
				}
				if n := reflect.ValueOf(got).Len(); n != len(tt.items) {
					t.Fatalf("%d items, want %d", n, len(tt.items))
				}
				return
			}
			if pos.ErrorCode(err) != pos.CodeValidationFailed || pos.ErrorField(err) != tt.field {
				t.Fatalf("err=%v, want validation_failed on %s", err, tt.field)
			}
		})
	}
}

// TestDecodeDownlinkItems_Normalizes checks what decoding hands back: the
// types of each stream, sorted UTC price lists, E.164 phones and a default
// pickup status.
func TestDecodeDownlinkItems_Normalizes(t *testing.T) {
	decode := func(stream, item string) any {
		t.Helper()
		got, err := pos.DecodeDownlinkItems(stream, []json.RawMessage{json.RawMessage(item)})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	prices := decode(pos.StreamPrices, goodPrice).([]pos.PriceItem)
	if p := prices[0].Prices; p[0].Amount != 100 || p[1].EffectiveFrom.Location().String() != "UTC" {
		t.Fatalf("prices=%+v", p)
	}
	if c := decode(pos.StreamCustomers, `{"id":"c1","phone":"8 (912) 345-67-89"}`).([]pos.Customer); c[0].Phone != "+79123456789" {
		t.Fatalf("phone=%q", c[0].Phone)
	}
	if p := decode(pos.StreamPickups, goodPickup).([]pos.Pickup); p[0].Status != pos.PickupReceived {
		t.Fatalf("status=%q", p[0].Status)
	}
	if c := decode(pos.StreamCatalog, ` {"sku":" A1 ","name":" Milk ","currency":"RUB","prices":[{"amount":1}]}`).([]pos.CatalogItem); c[0].SKU != "A1" || c[0].Unit != pos.UnitPiece {
		t.Fatalf("item=%+v", c[0])
	}
	if p := decode(pos.StreamPrices, `{"sku":" A1 ","prices":[{"amount":1}]}`).([]pos.PriceItem); p[0].SKU != "A1" {
		t.Fatalf("sku=%q: validated trimmed, kept untrimmed", p[0].SKU)
	}
	_ = decode(pos.StreamStock, `{"store":"s1","sku":"A1"}`).([]pos.RemoteStock)
}

// FuzzDecodeDownlink feeds whole messages, as they come off the broker, to
// the envelope check and the item decoder. Nothing may panic; what is
// accepted must survive being stored as JSON and decoded again unchanged
// (so the storage layer can always write it, and normalizing is stable).
func FuzzDecodeDownlink(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds skipped in -short mode")
	}
	for _, s := range []string{
		`{"stream":"catalog","version":1,"items":[` + goodProduct + `,{"sku":"A2","deleted":true}]}`,
		`{"stream":"prices","version":2,"items":[` + goodPrice + `]}`,
		`{"stream":"customers","version":3,"items":[{"id":"c1","phone":"8 (912) 345-67-89","card":"C1"}]}`,
		`{"stream":"stock","version":4,"items":[{"store":"s1","sku":"A1","available":-3,"at":"2025-01-01T00:00:00+03:00"}]}`,
		`{"stream":"pickups","version":5,"items":[` + goodPickup + `]}`,
		`{"stream":"prices","version":6,"items":[{"sku":"A1","prices":[{"amount":1,"effective_from":"0000-01-01T00:00:00+01:00"}]}]}`,
		`{"stream":"stock","version":7,"items":[{"store":"s1","sku":"A1","at":"9999-12-31T23:00:00-05:00"}]}`,
		`{"stream":"catalog","version":0,"items":[]}`, `{"stream":"x"}`, `[]`, `null`, ``, `{"items":[1,2,3]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		var d pos.Downlink
		if json.Unmarshal(payload, &d) != nil || d.Validate() != nil {
			return
		}
		items, err := pos.DecodeDownlinkItems(d.Stream, d.Items)
		if err != nil {
			if pos.ErrorCode(err) != pos.CodeValidationFailed {
				t.Fatalf("err=%v, want validation_failed", err)
			}
			return
		}
		if n := reflect.ValueOf(items).Len(); n != len(d.Items) {
			t.Fatalf("%d items from %d", n, len(d.Items))
		}
		stored, err := json.Marshal(items)
		if err != nil {
			t.Fatalf("accepted items cannot be stored: %v", err)
		}
		var again []json.RawMessage
		if err := json.Unmarshal(stored, &again); err != nil {
			t.Fatal(err)
		}
		items2, err := pos.DecodeDownlinkItems(d.Stream, again)
		if err != nil {
			t.Fatalf("stored items refused: %v\n%s", err, stored)
		}
		if stored2, _ := json.Marshal(items2); !bytes.Equal(stored, stored2) {
			t.Fatalf("not stable:\n%s\n%s", stored, stored2)
		}
	})
}
