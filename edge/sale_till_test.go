package edge_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

// TestCreateSale_ReservedStock: the till learns how much is free, in the
// problem's data, and retries with a manager's approval.
func TestCreateSale_ReservedStock(t *testing.T) {
	s := newSaleServer(t)
	create := s.Sales.CreateSaleFn
	var got *pos.Approval
	s.Sales.CreateSaleFn = func(ctx context.Context, key string, req *pos.SaleRequest) (*pos.Sale, bool, error) {
		if req.Approval == nil {
			return nil, false, &pos.Error{Code: pos.CodeReservedStock, Field: "lines[0].qty", Message: "reserved",
				Data: pos.ReservedStockData{SKU: "MILK-1", Unit: pos.UnitPiece, Requested: 2, Free: 1}}
		}
		got = req.Approval
		return create(ctx, key, req)
	}
	body := `{"lines":[{"sku":"MILK-1","qty":2}],"payments":[{"method":"cash","amount":{"amount":20000,"currency":"RUB"}}]}`
	r := newRequest("POST", "/api/v1/sales", body)
	r.Header.Set("Idempotency-Key", "k-1")
	res, out := s.send(t, r)
	p := wantProblem(t, res, out, http.StatusConflict, pos.CodeReservedStock, "lines[0].qty")
	if d, ok := p.Data.(map[string]any); !ok || d["sku"] != "MILK-1" || d["unit"] != "piece" || d["requested"] != 2.0 || d["free"] != 1.0 {
		t.Fatalf("data=%#v", p.Data)
	}

	approved := `{"lines":[{"sku":"MILK-1","qty":2}],"payments":[{"method":"cash","amount":{"amount":20000,"currency":"RUB"}}],` +
		`"approval":{"cashier":"Анна","pin":"1234"}}`
	r = newRequest("POST", "/api/v1/sales", approved)
	r.Header.Set("Idempotency-Key", "k-1")
	res, out = s.send(t, r)
	wantJSON(t, res, out, http.StatusCreated, nil)
	if got == nil || *got != (pos.Approval{Cashier: "Анна", PIN: "1234"}) {
		t.Fatalf("approval=%+v", got)
	}
	for name, tc := range map[string]struct{ body, field string }{
		"ErrNoApprover": {`{"cashier":"","pin":"1234"}`, "approval.cashier"},
		"ErrNoPIN":      {`{"cashier":"Анна"}`, "approval.pin"},
		"ErrPINType":    {`{"cashier":"Анна","pin":1234}`, "approval.pin"},
	} {
		t.Run(name, func(t *testing.T) {
			body := `{"lines":[{"sku":"MILK-1","qty":2}],"payments":[{"method":"cash","amount":{"amount":20000,"currency":"RUB"}}],"approval":` + tc.body + `}`
			r := newRequest("POST", "/api/v1/sales", body)
			r.Header.Set("Idempotency-Key", "k-2")
			res, out := s.send(t, r)
			wantProblem(t, res, out, http.StatusBadRequest, pos.CodeValidationFailed, tc.field)
		})
	}
}

// TestCreateSale_TillOps: price overrides, voided lines and barcode lines
// reach the service as sent; bad ones never do.
func TestCreateSale_TillOps(t *testing.T) {
	s := newSaleServer(t)
	create := s.Sales.CreateSaleFn
	var got *pos.SaleRequest
	s.Sales.CreateSaleFn = func(ctx context.Context, key string, req *pos.SaleRequest) (*pos.Sale, bool, error) {
		got = req
		return create(ctx, key, req)
	}
	const pay = `"payments":[{"method":"cash","amount":{"amount":20000,"currency":"RUB"}}]`
	const approval = `"approval":{"cashier":"boss","pin":"1234"}`
	ok := `{"lines":[{"sku":"MILK-1","qty":2,"price_override":{"amount":5000,"currency":"RUB"},"reason":"dented"},{"barcode":"2000123012506"}],` +
		`"voided_lines":[{"sku":"TV-55","qty":1,"reason":"changed mind"}],` + pay + `,` + approval + `}`
	r := newRequest("POST", "/api/v1/sales", ok)
	r.Header.Set("Idempotency-Key", "k-1")
	res, out := s.send(t, r)
	wantJSON(t, res, out, http.StatusCreated, nil)
	if got == nil || got.Lines[0].PriceOverride == nil || got.Lines[0].PriceOverride.Amount != 5000 || got.Lines[0].Reason != "dented" ||
		got.Lines[1].Barcode != "2000123012506" || len(got.VoidedLines) != 1 || got.VoidedLines[0].Reason != "changed mind" {
		t.Fatalf("request=%+v", got)
	}
	for name, tc := range map[string]struct {
		body, code, field string
		status            int
	}{
		"ErrNoApproval": {`{"lines":[{"sku":"MILK-1","qty":2,"price_override":{"amount":5000,"currency":"RUB"},"reason":"x"}],` + pay + `}`,
			pos.CodeForbidden, "approval", http.StatusForbidden},
		"ErrVoidNoApproval": {`{"lines":[{"sku":"MILK-1","qty":2}],"voided_lines":[{"sku":"TV-55","qty":1}],` + pay + `}`,
			pos.CodeForbidden, "approval", http.StatusForbidden},
		"ErrNoReason": {`{"lines":[{"sku":"MILK-1","qty":2,"price_override":{"amount":5000,"currency":"RUB"}}],` + pay + `,` + approval + `}`,
			pos.CodeValidationFailed, "lines[0].reason", http.StatusBadRequest},
		"ErrOverrideType": {`{"lines":[{"sku":"MILK-1","qty":2,"price_override":50.5,"reason":"x"}],` + pay + `,` + approval + `}`,
			pos.CodeValidationFailed, "lines[0].price_override", http.StatusBadRequest},
		"ErrVoidQty": {`{"lines":[{"sku":"MILK-1","qty":2}],"voided_lines":[{"sku":"TV-55","qty":0}],` + pay + `,` + approval + `}`,
			pos.CodeValidationFailed, "voided_lines[0].qty", http.StatusBadRequest},
		"ErrBarcode": {`{"lines":[{"barcode":"2000123012500"}],` + pay + `}`,
			pos.CodeValidationFailed, "lines[0].barcode", http.StatusBadRequest},
	} {
		t.Run(name, func(t *testing.T) {
			got = nil
			r := newRequest("POST", "/api/v1/sales", tc.body)
			r.Header.Set("Idempotency-Key", "k-"+name)
			res, out := s.send(t, r)
			wantProblem(t, res, out, tc.status, tc.code, tc.field)
			if got != nil {
				t.Fatal("the service was called")
			}
		})
	}
}

func TestShiftReport_TillOps(t *testing.T) {
	s := newServer(t)
	s.Shifts.FindShiftByIDFn = func(context.Context, string) (*pos.Shift, error) {
		sh := openShift()
		sh.Totals.PriceOverrides, sh.Totals.PriceOverrideAmount, sh.Totals.Voids = 2, 1234, 3
		return sh, nil
	}
	res, body := s.do(t, "GET", "/api/v1/shifts/SH1/report", "")
	var got map[string]any
	wantJSON(t, res, body, http.StatusOK, &got)
	if g, w := mustMarshal(t, got["price_overrides"]), `{"amount":{"amount":1234,"currency":"RUB"},"count":2}`; g != w {
		t.Fatalf("price_overrides=%s, want %s", g, w)
	}
	if g, w := mustMarshal(t, got["voids"]), `{"count":3}`; g != w {
		t.Fatalf("voids=%s, want %s", g, w)
	}
}
