package pos_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

func TestResolveBarcodes(t *testing.T) {
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	apples := &pos.Product{SKU: "APPLE", Unit: pos.UnitGram, ScaleCode: "123", Prices: []pos.PricePoint{{Amount: 18990}}}
	milk := &pos.Product{SKU: "MILK", Unit: pos.UnitPiece, Barcodes: []string{"4600000000008"}, Prices: []pos.PricePoint{{Amount: 8990}}}
	find := pos.BarcodeLookup{
		ByBarcode: func(b string) (*pos.Product, error) {
			if b == "4600000000008" {
				return milk, nil
			}
			return nil, pos.Errorf(pos.CodeNotFound, "none")
		},
		ByScaleCode: func(code string) (*pos.Product, error) {
			if code == "123" {
				return apples, nil
			}
			return nil, nil
		},
	}
	apple := label("200012301250") // 1250 g of item 123
	type line = pos.SaleLineRequest
	tests := []struct {
		name  string
		lines []line
		want  []line
		code  string
		field string
	}{
		{"ScaleLabel", []line{{Barcode: apple}}, []line{{SKU: "APPLE", Qty: 1250, Barcode: apple}}, "", ""},
		{"Again", []line{{SKU: "APPLE", Qty: 1250, Barcode: apple}}, []line{{SKU: "APPLE", Qty: 1250, Barcode: apple}}, "", ""},
		{"Barcode", []line{{SKU: "X", Qty: 1}, {Barcode: "4600000000008"}}, []line{{SKU: "X", Qty: 1}, {SKU: "MILK", Qty: 1, Barcode: "4600000000008"}}, "", ""},
		{"BarcodeQty", []line{{Barcode: "4600000000008", Qty: 3}}, []line{{SKU: "MILK", Qty: 3, Barcode: "4600000000008"}}, "", ""},
		{"ErrUnknownScaleCode", []line{{SKU: "X", Qty: 1}, {Barcode: label("200099901250")}}, nil, pos.CodeUnknownScaleCode, "lines[1].barcode"},
		{"ErrUnknownBarcode", []line{{Barcode: "4006381333931"}}, nil, pos.CodeUnknownSKU, "lines[0].barcode"},
		{"ErrCheckDigit", []line{{Barcode: "2000123012500"}}, nil, pos.CodeValidationFailed, "lines[0].barcode"},
		{"ErrOtherSKU", []line{{SKU: "MILK", Barcode: apple}}, nil, pos.CodeValidationFailed, "lines[0].sku"},
		{"ErrOtherQty", []line{{Qty: 1000, Barcode: apple}}, nil, pos.CodeValidationFailed, "lines[0].qty"},
		{"ErrWeighsNothing", []line{{Barcode: label("200012300000")}}, nil, pos.CodeValidationFailed, "lines[0].qty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &pos.SaleRequest{Lines: tt.lines}
			before := append([]line(nil), tt.lines...)
			got, err := pos.ResolveBarcodes(req, pos.ScaleFormat{}, find, at)
			if !reflect.DeepEqual(req.Lines, before) {
				t.Fatal("the request was changed")
			}
			if tt.code != "" {
				if pos.ErrorCode(err) != tt.code || pos.ErrorField(err) != tt.field {
					t.Fatalf("err=%v, want %s at %s", err, tt.code, tt.field)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got.Lines, tt.want) {
				t.Fatalf("lines=%+v err=%v, want %+v", got, err, tt.want)
			}
		})
	}
}

func TestSaleRequest_Validate_Barcode(t *testing.T) {
	pay := []pos.PaymentRequest{{Method: "cash", Amount: pos.M(100, "RUB")}}
	tests := []struct {
		name  string
		line  pos.SaleLineRequest
		field string
	}{
		{"BarcodeOnly", pos.SaleLineRequest{Barcode: "4600000000008"}, ""},
		{"BarcodeAndSKU", pos.SaleLineRequest{SKU: "MILK", Qty: 2, Barcode: "4600000000008"}, ""},
		{"ErrBadBarcode", pos.SaleLineRequest{Barcode: "4600000000009"}, "lines[0].barcode"},
		{"ErrBarcodeNegQty", pos.SaleLineRequest{Barcode: "4600000000008", Qty: -1}, "lines[0].qty"},
		{"ErrBarcodeBadSKU", pos.SaleLineRequest{Barcode: "4600000000008", SKU: "a b"}, "lines[0].sku"},
		{"ErrNeither", pos.SaleLineRequest{Qty: 1}, "lines[0].sku"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &pos.SaleRequest{Lines: []pos.SaleLineRequest{tt.line}, Payments: pay}
			if got := pos.ErrorField(req.Validate("RUB")); got != tt.field {
				t.Fatalf("field=%q, want %q", got, tt.field)
			}
		})
	}
}
