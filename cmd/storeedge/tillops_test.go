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

	// A product sold by the piece that nothing holds yet (the demo's click
	// & collect orders hold a few): one shopper will hold the last one.
	var piece string
	var prod struct {
		Unit  string
		Stock struct {
			OnHand    int64 `json:"on_hand"`
			Available int64
		}
	}
	for i := 1; i <= 99 && piece == ""; i++ {
		sku := fmt.Sprintf("DEMO-%04d", i)
		till.must(t, 200, "GET", "/api/v1/products/"+sku, nil, nil, &prod)
		if prod.Unit == "piece" && prod.Stock.Available > 0 && prod.Stock.Available == prod.Stock.OnHand {
			piece = sku
		}
	}
	if piece == "" {
		t.Fatal("no demo product sold by the piece with free stock")
	}
	shopper := newClient(p.URL)
	var res struct {
		Code      string
		ShortCode string `json:"short_code"`
	}
	shopper.must(t, 201, "POST", "/api/v1/reservations", map[string]any{"sku": piece, "qty": 1, "phone": "+79161234567"},
		map[string]string{"Authorization": ""}, &res)
	// Take the rest off the shelf, so that the reservation holds the last one.
	if n := prod.Stock.Available - 1; n > 0 {
		req := map[string]any{"lines": []any{map[string]any{"sku": piece, "qty": n}},
			"payments": []any{map[string]any{"method": "cash", "amount": money(100000000)}}}
		till.must(t, 201, "POST", "/api/v1/sales", req, key(), nil)
	}
	boss := demoCreds(t, dir)["BORIS_PIN"]
	sell := func(extra map[string]any) map[string]any {
		req := map[string]any{"lines": []any{map[string]any{"sku": piece, "qty": 1}},
			"payments": []any{map[string]any{"method": "cash", "amount": money(100000000)}}}
		for k, v := range extra {
			req[k] = v
		}
		return req
	}

	t.Run("ReservedStock", func(t *testing.T) {
		var problem struct {
			Code string
			Data struct {
				SKU             string
				Requested, Free int64
			}
		}
		till.must(t, 409, "POST", "/api/v1/sales", sell(nil), key(), &problem)
		if problem.Code != "reserved_stock" || problem.Data.SKU != piece || problem.Data.Requested != 1 || problem.Data.Free != 0 {
			t.Fatalf("problem %+v", problem)
		}
		var sale struct {
			ReservedOverrides []struct {
				SKU string
				Qty int64
			} `json:"reserved_overrides"`
			ApprovedByName string `json:"approved_by_name"`
		}
		till.must(t, 201, "POST", "/api/v1/sales", sell(map[string]any{"approval": map[string]any{"cashier": "boris", "pin": boss}}), key(), &sale)
		if len(sale.ReservedOverrides) != 1 || sale.ReservedOverrides[0].Qty != 1 || sale.ApprovedByName == "" {
			t.Fatalf("sale %+v", sale)
		}
	})
	t.Run("ShortCode", func(t *testing.T) {
		var got struct {
			Code  string
			Items []struct{ SKU string }
		}
		till.must(t, 200, "GET", "/api/v1/reservations/"+res.ShortCode, nil, nil, &got)
		if got.Code != res.Code || len(got.Items) != 1 || got.Items[0].SKU != piece {
			t.Fatalf("reservation %+v", got)
		}
		shopper.must(t, 404, "GET", "/api/v1/reservations/"+res.ShortCode, nil, nil, nil)
		req := map[string]any{"reservation_code": res.ShortCode,
			"payments": []any{map[string]any{"method": "cash", "amount": money(100000000)}}}
		till.must(t, 201, "POST", "/api/v1/sales", req, key(), nil) // its own hold: no approval
		var after struct{ Status string }
		shopper.must(t, 200, "GET", "/api/v1/reservations/"+res.Code, nil, nil, &after)
		if after.Status != "fulfilled" {
			t.Fatalf("reservation %+v", after)
		}
	})
	t.Run("OverrideVoidReport", func(t *testing.T) {
		approval := map[string]any{"cashier": "boris", "pin": boss}
		req := map[string]any{
			"lines":        []any{map[string]any{"sku": "DEMO-0002", "qty": 1, "price_override": money(100), "reason": "dented"}},
			"voided_lines": []any{map[string]any{"sku": "DEMO-0003", "qty": 1, "reason": "changed mind"}},
			"payments":     []any{map[string]any{"method": "cash", "amount": money(100)}},
			"approval":     approval,
		}
		var sale struct {
			ShiftID string `json:"shift_id"`
			Lines   []struct {
				PriceBefore *struct{ Amount int64 } `json:"price_before"`
				ApprovedBy  string                  `json:"approved_by"`
			}
		}
		till.must(t, 201, "POST", "/api/v1/sales", req, key(), &sale)
		if sale.Lines[0].PriceBefore == nil || sale.Lines[0].ApprovedBy == "" {
			t.Fatalf("sale %+v", sale)
		}
		var report struct {
			PriceOverrides struct {
				Count  int64
				Amount struct{ Amount int64 }
			} `json:"price_overrides"`
			Voids struct{ Count int64 }
		}
		till.must(t, 200, "GET", "/api/v1/shifts/"+sale.ShiftID+"/report", nil, nil, &report)
		if report.PriceOverrides.Count != 1 || report.PriceOverrides.Amount.Amount != sale.Lines[0].PriceBefore.Amount-100 || report.Voids.Count != 1 {
			t.Fatalf("report %+v", report)
		}
	})
}
