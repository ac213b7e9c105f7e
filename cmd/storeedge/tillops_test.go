package main_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// TestTillOps_Demo drives the till operations of issue 10 against the
// demo shop, as `make run` serves it: a scale label of a weighed demo
// product, sold by its barcode alone.
func TestTillOps_Demo(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	dir := t.TempDir()
	p := startServe(t, dir, "--demo")
	till := demoClient(t, dir, p)
	till.must(t, 201, "POST", "/api/v1/shifts", map[string]any{"opening_float": money(100000)}, nil, nil)
	key := func() map[string]string {
		return map[string]string{"Idempotency-Key": fmt.Sprint(time.Now().UnixNano())}
	}

	var weighed struct {
		Items []struct {
			SKU       string
			ScaleCode string `json:"scale_code"`
		}
	}
	till.must(t, 200, "GET", "/api/v1/products?q=Яблоки&limit=20", nil, nil, &weighed)
	var sku, code string
	for _, it := range weighed.Items {
		if it.ScaleCode != "" {
			sku, code = it.SKU, it.ScaleCode
			break
		}
	}
	if sku == "" {
		t.Fatalf("no weighed demo product with a scale code: %+v", weighed)
	}
	body := "20" + strings.Repeat("0", 5-len(code)) + code + "00750" // 750 g
	label := body + string(pos.CheckDigit(body))

	t.Run("ScaleLabel", func(t *testing.T) {
		var got struct {
			SKU        string
			ScaleLabel struct{ Qty int64 } `json:"scale_label"`
		}
		till.must(t, 200, "GET", "/api/v1/barcodes/"+label, nil, nil, &got)
		if got.SKU != sku || got.ScaleLabel.Qty != 750 {
			t.Fatalf("barcode %s: %+v", label, got)
		}
		var sale struct {
			Lines []struct {
				SKU, Barcode string
				Qty          int64
			}
		}
		req := map[string]any{"lines": []any{map[string]any{"barcode": label}},
			"payments": []any{map[string]any{"method": "cash", "amount": money(1000000)}}}
		till.must(t, 201, "POST", "/api/v1/sales", req, key(), &sale)
		if len(sale.Lines) != 1 || sale.Lines[0].SKU != sku || sale.Lines[0].Qty != 750 || sale.Lines[0].Barcode != label {
			t.Fatalf("sale %+v", sale)
		}
	})
}
