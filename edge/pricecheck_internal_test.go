package edge

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

func TestAppendPriceCheck(t *testing.T) {
	from := time.Date(2025, 3, 1, 9, 0, 0, 123456789, time.UTC)
	views := []priceCheckView{
		{SKU: "A", Name: "Молоко <1 л> & \"сливки\"", Unit: pos.UnitPiece, PriceUnit: "piece", StockHere: stockFew},
		{
			SKU: "B-1", Name: "x\u2028y\x00\t\n", NameEn: "bad \xff utf8", Unit: pos.UnitGram, PriceUnit: "kg", StockHere: stockInStock,
			Price: &pos.Money{Amount: 123456, Currency: "RUB"}, PromoPrice: &pos.Money{Amount: -1, Currency: "RUB"},
			Promotion: &promotionView{Kind: pos.PromoFixed, Value: 10, From: from, To: from.Add(time.Hour)}, Available: true,
		},
	}
	for _, v := range views {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendPriceCheck(nil, v); string(got) != string(want) {
			t.Fatalf("appendPriceCheck=%s\nwant            %s", got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds run without -short")
	}
	for _, seed := range []string{"", "plain", "Привет", "<&>", "\"\\", "\x00\x1f\x7f", "\u2028\u2029", "\xff\xfe", "\ufffd", "a\xe2\x80"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("appendJSONString(%q)=%s, want %s", s, got, want)
		}
	})
}

func TestFormGuard(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 10, 0, 30, 0, time.UTC)
	g := newFormGuard()
	tok := g.token("TAG1", "", t0)
	tests := []struct {
		name, tok, code, customer string
		at                        time.Time
		want                      bool
	}{
		{"Same", tok, "TAG1", "", t0, true},
		{"LaterWithinTTL", tok, "TAG1", "", t0.Add(formTokenTTL - time.Minute), true},
		{"Expired", tok, "TAG1", "", t0.Add(formTokenTTL + time.Minute), false},
		{"FromTheFuture", tok, "TAG1", "", t0.Add(-2 * time.Minute), false},
		{"OtherTag", tok, "TAG2", "", t0, false},
		{"OtherCustomer", tok, "TAG1", "C1", t0, false},
		{"OtherKey", newFormGuard().token("TAG1", "", t0), "TAG1", "", t0, false},
		{"Empty", "", "TAG1", "", t0, false},
		{"NoDot", "abc", "TAG1", "", t0, false},
		{"BadMinute", "zzzzzzzzzzzzzz.x", "TAG1", "", t0, false},
	}
	for _, tc := range tests {
		if got := g.valid(tc.tok, tc.code, tc.customer, tc.at); got != tc.want {
			t.Errorf("%s: valid=%v, want %v", tc.name, got, tc.want)
		}
	}
}
