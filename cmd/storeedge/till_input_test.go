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
