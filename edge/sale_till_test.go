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
