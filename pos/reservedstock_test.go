package pos_test

import (
	"reflect"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

func TestCheckReservedStock(t *testing.T) {
	stock := map[string]pos.Stock{
		"TV":    {OnHand: 3, Reserved: 2},    // 1 free
		"MILK":  {OnHand: 100, Reserved: 10}, // 90 free
		"APPLE": {OnHand: 500, Reserved: 400},
		"SHORT": {OnHand: 1, Reserved: 3}, // more held than on the shelf
		"NEG":   {OnHand: -2},
	}
	stockOf := func(sku string) pos.Stock { return stock[sku] }
	type (
		line = pos.SaleLine
		ov   = pos.ReservedOverride
		data = pos.ReservedStockData
	)
	tests := []struct {
		name  string
		lines []line
		own   map[string]int64
		want  []ov
		field string
		wantD *data
	}{
		{"Free", []line{{SKU: "TV", Qty: 1}, {SKU: "MILK", Qty: 90}}, nil, nil, "", nil},
		{"IntoHolds", []line{{SKU: "MILK", Qty: 1}, {SKU: "TV", Qty: 2, Unit: pos.UnitPiece}}, nil,
			[]ov{{"TV", 1}}, "lines[1].qty", &data{"TV", pos.UnitPiece, 2, 1}},
		{"SummedOverLines", []line{{SKU: "TV", Qty: 1}, {SKU: "TV", Qty: 1}}, nil,
			[]ov{{"TV", 1}}, "lines[0].qty", &data{"TV", "", 2, 1}},
		{"OwnHoldIsTheBuyers", []line{{SKU: "TV", Qty: 3}}, map[string]int64{"TV": 2}, nil, "", nil},
		{"OwnHoldPartly", []line{{SKU: "TV", Qty: 3}}, map[string]int64{"TV": 1},
			[]ov{{"TV", 1}}, "lines[0].qty", &data{"TV", "", 3, 2}},
		{"PastTheShelfIsNoOverride", []line{{SKU: "TV", Qty: 9}}, nil,
			[]ov{{"TV", 2}}, "lines[0].qty", &data{"TV", "", 9, 1}},
		{"MoreHeldThanOnHand", []line{{SKU: "SHORT", Qty: 1}}, nil,
			[]ov{{"SHORT", 1}}, "lines[0].qty", &data{"SHORT", "", 1, 0}},
		{"NegativeNoHolds", []line{{SKU: "NEG", Qty: 5}}, nil, nil, "", nil},
		{"UnknownNoHolds", []line{{SKU: "NEW", Qty: 5}}, nil, nil, "", nil},
		{"Grams", []line{{SKU: "APPLE", Qty: 150, Unit: pos.UnitGram}}, nil,
			[]ov{{"APPLE", 50}}, "lines[0].qty", &data{"APPLE", pos.UnitGram, 150, 100}},
		{"EveryOverrideFirstError", []line{{SKU: "APPLE", Qty: 101}, {SKU: "TV", Qty: 3}}, nil,
			[]ov{{"APPLE", 1}, {"TV", 2}}, "lines[0].qty", &data{"APPLE", "", 101, 100}},
		{"NegativeOwnIgnored", []line{{SKU: "TV", Qty: 2}}, map[string]int64{"TV": -5},
			[]ov{{"TV", 1}}, "lines[0].qty", &data{"TV", "", 2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pos.CheckReservedStock(tt.lines, stockOf, tt.own)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("overrides=%v, want %v", got, tt.want)
			}
			if tt.wantD == nil {
				if err != nil {
					t.Fatalf("err=%v, want none", err)
				}
				return
			}
			if pos.ErrorCode(err) != pos.CodeReservedStock || pos.ErrorField(err) != tt.field {
				t.Fatalf("err=%v, want reserved_stock at %s", err, tt.field)
			}
			if d, _ := pos.ErrorData(err).(pos.ReservedStockData); d != *tt.wantD {
				t.Fatalf("data=%+v, want %+v", d, *tt.wantD)
			}
		})
	}
}
