package main_test

import (
	"testing"
)

// TestServe_TillBadInputWritesNothing sends the till's new endpoints
// (customers, points, reservations at the till, click & collect, manager
// actions) bad input through the real binary: each answer is problem+json
// with a stable code and the field, and nothing is written: no outgoing
// event, no sale.
func TestServe_TillBadInputWritesNothing(t *testing.T) {
	p, c := tillOn(t, t.TempDir())
	defer p.stop(t)
	pending := func() int {
		var st struct {
			Pending int `json:"pending_events"`
		}
		c.must(t, 200, "GET", "/api/v1/sync/status", nil, nil, &st)
		return st.Pending
	}
	sale := func(payments ...any) map[string]any {
		return map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 1}}, "payments": payments,
			"customer": map[string]any{"phone": "+79161234567"}}
	}
	before := pending()
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		code, field        string
	}{
		{"RegisterNoName", "POST", "/api/v1/customers", map[string]any{"phone": "+79165550102"}, 400, "validation_failed", "name"},
		{"RegisterBadPhone", "POST", "/api/v1/customers", map[string]any{"phone": "12", "name": "Ольга"}, 400, "validation_failed", "phone"},
		{"RegisterUnknownField", "POST", "/api/v1/customers", map[string]any{"phone": "+79165550102", "name": "Ольга", "points": 100}, 400, "validation_failed", "points"},
		{"RegisterControlChar", "POST", "/api/v1/customers", map[string]any{"phone": "+79165550102", "name": "Ольга\x00"}, 400, "validation_failed", "name"},
		{"LookupBoth", "GET", "/api/v1/customers/lookup?phone=%2B79161234567&card=LC-1", nil, 400, "validation_failed", "phone"},
		{"LookupBadToken", "GET", "/api/v1/customers/lookup?token=forged.token", nil, 400, "validation_failed", "token"},
		{"PointsUnknownCustomer", "POST", "/api/v1/sales", sale(map[string]any{"method": "points", "amount": money(1000)},
			map[string]any{"method": "cash", "amount": money(10000)}), 400, "validation_failed", "payments[0]"},
		{"PointsNoCustomer", "POST", "/api/v1/sales", map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 1}},
			"payments": []any{map[string]any{"method": "points", "amount": money(1000)}}}, 400, "validation_failed", "payments[0].method"},
		{"ScaleBadCheckDigit", "POST", "/api/v1/sales", map[string]any{"lines": []any{map[string]any{"barcode": "2000073005008"}},
			"payments": []any{map[string]any{"method": "cash", "amount": money(100000)}}}, 400, "validation_failed", "lines[0].barcode"},
		{"ScaleUnknownCode", "GET", "/api/v1/barcodes/2099999005002", nil, 422, "unknown_scale_code", "ean"},
		{"OverrideNoApproval", "POST", "/api/v1/sales", map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 1,
			"price_override": money(100), "reason": "dented"}},
			"payments": []any{map[string]any{"method": "cash", "amount": money(100000)}}}, 403, "forbidden", "approval"},
		{"OverrideWrongPIN", "POST", "/api/v1/sales", map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 1,
			"price_override": money(100), "reason": "dented"}}, "approval": map[string]any{"cashier": "anna", "pin": "0000"},
			"payments": []any{map[string]any{"method": "cash", "amount": money(100000)}}}, 403, "forbidden", ""},
		{"VoidNoQty", "POST", "/api/v1/sales", map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 1}},
			"voided_lines": []any{map[string]any{"sku": "A1", "qty": 0, "reason": "x"}},
			"payments": []any{map[string]any{"method": "cash", "amount": money(100000)}}}, 400, "validation_failed", "voided_lines[0].qty"},
		{"OnlineFromTill", "POST", "/api/v1/sales", map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 1}},
			"payments": []any{map[string]any{"method": "online", "amount": money(100000)}}}, 400, "validation_failed", "payments[0].method"},
		{"ShortCodeUnknown", "GET", "/api/v1/reservations/123456", nil, 404, "not_found", "code"},
		{"SaleShortCodeUnknown", "POST", "/api/v1/sales", map[string]any{"reservation_code": "123456",
			"payments": []any{map[string]any{"method": "cash", "amount": money(100000)}}}, 404, "not_found", "reservation_code"},
		{"PickupUnknown", "POST", "/api/v1/pickups/nope/collect", nil, 404, "not_found", ""},
		{"PickupPickingUnknown", "POST", "/api/v1/pickups/nope/picking", nil, 404, "not_found", ""},
		{"PickupsBadStatus", "GET", "/api/v1/pickups?status=lost", nil, 400, "validation_failed", "status"},
		{"OrderNoCustomer", "POST", "/api/v1/orders", map[string]any{"sku": "A1", "qty": 1}, 400, "validation_failed", "customer"},
		{"OrderUnknownSKU", "POST", "/api/v1/orders", map[string]any{"sku": "NOPE", "qty": 1,
			"customer": map[string]any{"phone": "+79161234567"}}, 422, "unknown_sku", "sku"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var problem struct{ Code, Field string }
			c.must(t, tc.status, tc.method, tc.path, tc.body, map[string]string{"Idempotency-Key": "bad-" + tc.name}, &problem)
			if problem.Code != tc.code || problem.Field != tc.field {
				t.Fatalf("problem %+v, want %s on %q", problem, tc.code, tc.field)
			}
		})
	}
	if after := pending(); after != before {
		t.Fatalf("pending events %d → %d: bad input wrote something", before, after)
	}
}
