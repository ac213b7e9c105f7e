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

// newReturnServer records the arguments of CreateReturn and, like the real
// service, replays by key and refuses a key reused with another body.
func newReturnServer(t *testing.T) (*testServer, *[3]string) {
	s := newServer(t)
	var got [3]string // sale ID, key, reason
	seen := map[string]string{}
	s.Sales.CreateReturnFn = func(_ context.Context, saleID, key string, req *pos.ReturnRequest) (*pos.Return, bool, error) {
		got = [3]string{saleID, key, req.Reason}
		if saleID == "S-OVER" {
			return nil, false, &pos.Error{Code: pos.CodeOverReturn, Message: "cannot return more than was sold", Field: "lines[0].qty"}
		}
		body := saleID + mustMarshal(t, req)
		if prev, ok := seen[key]; ok && prev != body {
			return nil, false, pos.Errorf(pos.CodeIdempotencyKey, "This Idempotency-Key was used for a different request.")
		}
		created := seen[key] == ""
		seen[key] = body
		return fixedReturn(saleID), created, nil
	}
	return s, &got
}

// returnRequest is a return's POST with an Idempotency-Key.
func returnRequest(target, body, key string) *http.Request {
	r := newRequest("POST", target, body)
	r.Header.Set("Idempotency-Key", key)
	return r
}

func TestCreateReturn(t *testing.T) {
	s, got := newReturnServer(t)
	t.Run("OK", func(t *testing.T) {
		res, body := s.send(t, returnRequest("/api/v1/sales/S1/returns", returnBody, "rk-ok"))
		wantJSON(t, res, body, http.StatusCreated, nil)
		if *got != [3]string{"S1", "rk-ok", "sour"} {
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
			res, body := s.send(t, returnRequest("/api/v1/sales/S1/returns", returnBody, "rk-1"))
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
	t.Run("ErrKeyReused", func(t *testing.T) {
		res, body := s.send(t, returnRequest("/api/v1/sales/S1/returns", `{"lines":[{"sku":"MILK-1","qty":2}]}`, "rk-1"))
		wantProblem(t, res, body, http.StatusConflict, pos.CodeIdempotencyKey, "")
	})
	t.Run("Receiptless", func(t *testing.T) {
		res, body := s.send(t, returnRequest("/api/v1/returns",
			`{"lines":[{"sku":"MILK-1","qty":1}],"refund_method":"cash","approval":{"cashier":"Boss","pin":"9999"}}`, "rk-norcpt"))
		wantJSON(t, res, body, http.StatusCreated, nil)
		if got[0] != "" {
			t.Fatalf("sale ID=%q, want \"\"", got[0])
		}
	})
	t.Run("ErrOverReturn", func(t *testing.T) {
		res, body := s.send(t, returnRequest("/api/v1/sales/S-OVER/returns", returnBody, "rk-over"))
		wantProblem(t, res, body, http.StatusUnprocessableEntity, pos.CodeOverReturn, "lines[0].qty")
	})
	for _, tc := range []struct{ name, target, key, body, field string }{
		{"NoKey", "/api/v1/sales/S1/returns", "", returnBody, "Idempotency-Key"},
		{"NoKeyReceiptless", "/api/v1/returns", "", returnBody, "Idempotency-Key"},
		{"BadKey", "/api/v1/sales/S1/returns", strings.Repeat("k", 129), returnBody, "Idempotency-Key"},
		{"NoLines", "/api/v1/sales/S1/returns", "k", `{"lines":[]}`, "lines"},
		{"BadRefund", "/api/v1/sales/S1/returns", "k", `{"lines":[{"sku":"A","qty":1}],"refund_method":"cheque"}`, "refund_method"},
		{"UnknownField", "/api/v1/sales/S1/returns", "k", `{"lines":[{"sku":"A","qty":1}],"approval":{"cashier":"B","pin":"1","role":"x"}}`, "approval.role"},
	} {
		t.Run("Err"+tc.name, func(t *testing.T) {
			r := newRequest("POST", tc.target, tc.body)
			if tc.key != "" {
				r.Header.Set("Idempotency-Key", tc.key)
			}
			calls := *got
			res, body := s.send(t, r)
			wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, tc.field)
			if *got != calls {
				t.Fatalf("CreateReturn was called: %q", *got)
			}
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
