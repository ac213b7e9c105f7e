package edge_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

const returnBody = `{"lines":[{"sku":"MILK-1","qty":1}],"reason":"sour"}`

func fixedReturn(saleID string) *pos.Return {
	return &pos.Return{ID: "R1", SaleID: saleID, ReceiptNo: 8, TerminalID: "T1", CashierID: "C1", ShiftID: "SH1",
		Lines: []pos.ReturnLine{{SaleLineNo: 1, SKU: "MILK-1", Name: "Milk", Qty: 1, Amount: pos.M(8091, "RUB"), VATRate: 10, VAT: pos.M(736, "RUB")}},
		Total: pos.M(8091, "RUB"), Refunds: []pos.Payment{{Method: "cash", Amount: pos.M(8091, "RUB")}}, StoreSeq: 43, CreatedAt: now}
}

// newReturnServer records the arguments of CreateReturn and replays by key.
func newReturnServer(t *testing.T) (*testServer, *[3]string) {
	s := newServer(t)
	var got [3]string // sale ID, key, reason
	seen := map[string]bool{}
	s.Sales.CreateReturnFn = func(_ context.Context, saleID, key string, req *pos.ReturnRequest) (*pos.Return, bool, error) {
		got = [3]string{saleID, key, req.Reason}
		if saleID == "S-OVER" {
			return nil, false, &pos.Error{Code: pos.CodeOverReturn, Message: "cannot return more than was sold", Field: "lines[0].qty"}
		}
		created := key == "" || !seen[key]
		seen[key] = true
		return fixedReturn(saleID), created, nil
	}
	return s, &got
}

func TestCreateReturn(t *testing.T) {
	s, got := newReturnServer(t)
	t.Run("OK", func(t *testing.T) {
		res, body := s.do(t, "POST", "/api/v1/sales/S1/returns", returnBody)
		wantJSON(t, res, body, http.StatusCreated, nil)
		if *got != [3]string{"S1", "", "sour"} {
			t.Fatalf("CreateReturn got %q", *got)
		}
		if got, want := res.Header.Get("Location"), "/api/v1/returns/R1"; got != want {
			t.Fatalf("Location=%q, want %q", got, want)
		}
		if got, want := string(body), mustMarshal(t, fixedReturn("S1")); got != want {
			t.Fatalf("body=%s\nwant %s", got, want)
		}
	})
	t.Run("Replay", func(t *testing.T) {
		var first []byte
		for i, status := range []int{http.StatusCreated, http.StatusOK} {
			r := newRequest("POST", "/api/v1/sales/S1/returns", returnBody)
			r.Header.Set("Idempotency-Key", "rk-1")
			res, body := s.send(t, r)
			wantJSON(t, res, body, status, nil)
			if i == 1 && !bytes.Equal(body, first) {
				t.Fatalf("replay body=%s\nwant %s", body, first)
			}
			first = body
		}
		if got[1] != "rk-1" {
			t.Fatalf("key=%q", got[1])
		}
	})
	t.Run("Receiptless", func(t *testing.T) {
		res, body := s.do(t, "POST", "/api/v1/returns",
			`{"lines":[{"sku":"MILK-1","qty":1}],"refund_method":"cash","approval":{"cashier":"Boss","pin":"9999"}}`)
		wantJSON(t, res, body, http.StatusCreated, nil)
		if got[0] != "" {
			t.Fatalf("sale ID=%q, want \"\"", got[0])
		}
	})
	t.Run("ErrOverReturn", func(t *testing.T) {
		res, body := s.do(t, "POST", "/api/v1/sales/S-OVER/returns", returnBody)
		wantProblem(t, res, body, http.StatusUnprocessableEntity, pos.CodeOverReturn, "lines[0].qty")
	})
	for _, tc := range []struct{ name, key, body, field string }{
		{"BadKey", strings.Repeat("k", 129), returnBody, "Idempotency-Key"},
		{"NoLines", "", `{"lines":[]}`, "lines"},
		{"BadRefund", "", `{"lines":[{"sku":"A","qty":1}],"refund_method":"cheque"}`, "refund_method"},
		{"UnknownField", "", `{"lines":[{"sku":"A","qty":1}],"approval":{"cashier":"B","pin":"1","role":"x"}}`, "approval.role"},
	} {
		t.Run("Err"+tc.name, func(t *testing.T) {
			r := newRequest("POST", "/api/v1/sales/S1/returns", tc.body)
			if tc.key != "" {
				r.Header.Set("Idempotency-Key", tc.key)
			}
			res, body := s.send(t, r)
			wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, tc.field)
		})
	}
}

func TestGetReturn(t *testing.T) {
	s := newServer(t)
	s.Sales.FindReturnByIDFn = func(_ context.Context, id string) (*pos.Return, error) {
		if id != "R1" {
			return nil, pos.Errorf(pos.CodeNotFound, "no return %s", id)
		}
		return fixedReturn("S1"), nil
	}
	res, body := s.do(t, "GET", "/api/v1/returns/R1", "")
	wantJSON(t, res, body, http.StatusOK, nil)
	if got, want := string(body), mustMarshal(t, fixedReturn("S1")); got != want {
		t.Fatalf("body=%s\nwant %s", got, want)
	}
	res, body = s.do(t, "GET", "/api/v1/returns/R2", "")
	wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
}
