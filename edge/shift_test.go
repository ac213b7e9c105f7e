package edge_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

func openShift() *pos.Shift {
	return &pos.Shift{ID: "SH1", TerminalID: "T1", CashierID: "C1", CashierName: "Anna", OpenedAt: now,
		OpeningFloat: pos.M(500000, "RUB"), LastReceiptNo: 3,
		Totals: pos.ShiftTotals{Sales: 3, SalesTotal: 30000, SalesCash: 30000}}
}

func closedShift() *pos.Shift {
	sh := openShift()
	at, counted := now.Add(8*3600e9), pos.M(530100, "RUB")
	sh.ClosedAt, sh.CountedCash = &at, &counted
	return sh
}

func TestOpenShift(t *testing.T) {
	s := newServer(t)
	s.Shifts.OpenShiftFn = func(ctx context.Context, req *pos.OpenShiftRequest) (*pos.Shift, error) {
		if pos.SessionFromContext(ctx).TerminalID != "T1" {
			t.Error("no session in context")
		}
		if req.OpeningFloat.Amount == 1 {
			return nil, pos.Errorf(pos.CodeShiftOpen, "till T1 already has an open shift")
		}
		return openShift(), nil
	}
	res, body := s.do(t, "POST", "/api/v1/shifts", `{"opening_float":{"amount":500000,"currency":"RUB"}}`)
	wantJSON(t, res, body, http.StatusCreated, nil)
	if got, want := res.Header.Get("Location"), "/api/v1/shifts/SH1"; got != want {
		t.Fatalf("Location=%q, want %q", got, want)
	}
	if got, want := string(body), mustMarshal(t, openShift()); got != want {
		t.Fatalf("body=%s\nwant %s", got, want)
	}
	res, body = s.do(t, "POST", "/api/v1/shifts", `{"opening_float":{"amount":1,"currency":"RUB"}}`)
	wantProblem(t, res, body, http.StatusConflict, pos.CodeShiftOpen, "")
	for _, tc := range []struct{ body, field string }{
		{`{"opening_float":{"amount":1,"currency":"USD"}}`, "opening_float.currency"},
		{`{"opening_float":{"amount":-1,"currency":"RUB"}}`, "opening_float.amount"},
		{`{"opening_float":{"amount":"1","currency":"RUB"}}`, "opening_float.amount"},
	} {
		res, body := s.do(t, "POST", "/api/v1/shifts", tc.body)
		wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, tc.field)
	}
}

func TestCurrentShift(t *testing.T) {
	s := newServer(t)
	open := true
	s.Shifts.FindOpenShiftFn = func(_ context.Context, terminalID string) (*pos.Shift, error) {
		if terminalID != "T1" {
			t.Errorf("FindOpenShift(%q), want the session's till T1", terminalID)
		}
		if !open {
			return nil, pos.Errorf(pos.CodeShiftNotOpen, "no open shift on this till")
		}
		return openShift(), nil
	}
	res, body := s.do(t, "GET", "/api/v1/shifts/current", "")
	var got pos.Shift
	wantJSON(t, res, body, http.StatusOK, &got)
	if got.ID != "SH1" {
		t.Fatalf("shift=%s", body)
	}
	open = false
	res, body = s.do(t, "GET", "/api/v1/shifts/current", "")
	wantProblem(t, res, body, http.StatusConflict, pos.CodeShiftNotOpen, "")
}

func TestGetShift(t *testing.T) {
	s := newServer(t)
	s.Shifts.FindShiftByIDFn = findShift
	res, body := s.do(t, "GET", "/api/v1/shifts/SH1", "")
	wantJSON(t, res, body, http.StatusOK, nil)
	if got, want := string(body), mustMarshal(t, openShift()); got != want {
		t.Fatalf("body=%s\nwant %s", got, want)
	}
	res, body = s.do(t, "GET", "/api/v1/shifts/SH9", "")
	wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
}

// findShift knows SH1 (open) and SH2 (closed).
func findShift(_ context.Context, id string) (*pos.Shift, error) {
	switch id {
	case "SH1":
		return openShift(), nil
	case "SH2":
		return closedShift(), nil
	}
	return nil, pos.Errorf(pos.CodeNotFound, "no shift %s", id)
}

func TestShiftReport(t *testing.T) {
	s := newServer(t)
	s.Shifts.FindShiftByIDFn = findShift
	for id, kind := range map[string]string{"SH1": "X", "SH2": "Z"} {
		t.Run(kind, func(t *testing.T) {
			res, body := s.do(t, "GET", "/api/v1/shifts/"+id+"/report", "")
			var got pos.ShiftReport
			wantJSON(t, res, body, http.StatusOK, &got)
			if got.Kind != kind || got.ExpectedCash.Amount != 530000 {
				t.Fatalf("report=%s", body)
			}
			if kind == "Z" && (got.Difference == nil || got.Difference.Amount != 100) {
				t.Fatalf("Z report difference=%v", got.Difference)
			}
		})
	}
	res, body := s.do(t, "GET", "/api/v1/shifts/SH9/report", "")
	wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
}

func TestMoveCash(t *testing.T) {
	s := newServer(t)
	s.Shifts.MoveCashFn = func(_ context.Context, id string, req *pos.CashMovementRequest) (*pos.Shift, error) {
		if id == "SH2" {
			return nil, pos.Errorf(pos.CodeShiftClosed, "shift SH2 is closed")
		}
		sh := openShift()
		sh.Totals.AddCash(req.Kind, req.Amount.Amount)
		return sh, nil
	}
	res, body := s.do(t, "POST", "/api/v1/shifts/SH1/cash", `{"kind":"out","amount":{"amount":100000,"currency":"RUB"},"reason":"bank"}`)
	var got pos.Shift
	wantJSON(t, res, body, http.StatusOK, &got)
	if got.Totals.CashOut != 100000 {
		t.Fatalf("shift=%s", body)
	}
	res, body = s.do(t, "POST", "/api/v1/shifts/SH2/cash", `{"kind":"in","amount":{"amount":1,"currency":"RUB"}}`)
	wantProblem(t, res, body, http.StatusConflict, pos.CodeShiftClosed, "")
	res, body = s.do(t, "POST", "/api/v1/shifts/SH1/cash", `{"kind":"sideways","amount":{"amount":1,"currency":"RUB"}}`)
	wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "kind")
}

func TestCloseShift(t *testing.T) {
	s := newServer(t)
	s.Shifts.CloseShiftFn = func(_ context.Context, id string, req *pos.CloseShiftRequest) (*pos.ShiftReport, error) {
		switch id {
		case "SH2":
			return nil, pos.Errorf(pos.CodeShiftClosed, "shift SH2 is already closed")
		case "SH3":
			return nil, pos.Errorf(pos.CodeForbidden, "only a manager closes another cashier's shift")
		}
		sh := closedShift()
		sh.CountedCash = &req.CountedCash
		return sh.Report(), nil
	}
	res, body := s.do(t, "POST", "/api/v1/shifts/SH1/close", `{"counted_cash":{"amount":529900,"currency":"RUB"}}`)
	var got pos.ShiftReport
	wantJSON(t, res, body, http.StatusOK, &got)
	if got.Kind != "Z" || got.Difference == nil || got.Difference.Amount != -100 {
		t.Fatalf("report=%s", body)
	}
	res, body = s.do(t, "POST", "/api/v1/shifts/SH2/close", `{"counted_cash":{"amount":0,"currency":"RUB"}}`)
	wantProblem(t, res, body, http.StatusConflict, pos.CodeShiftClosed, "")
	res, body = s.do(t, "POST", "/api/v1/shifts/SH3/close", `{"counted_cash":{"amount":0,"currency":"RUB"}}`)
	wantProblem(t, res, body, http.StatusForbidden, pos.CodeForbidden, "")
	res, body = s.do(t, "POST", "/api/v1/shifts/SH1/close", `{"counted_cash":{"amount":0,"currency":"rub"}}`)
	wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "counted_cash.currency")
}
