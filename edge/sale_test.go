package edge_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

const saleBody = `{"lines":[{"sku":"MILK-1","qty":2}],"payments":[{"method":"cash","amount":{"amount":20000,"currency":"RUB"}}],"customer":{"phone":"8 916 123-45-67"}}`

// fixedSale is what the mock SaleService records.
func fixedSale() *pos.Sale {
	rub := func(a int64) pos.Money { return pos.M(a, "RUB") }
	return &pos.Sale{
		ID: "S/1", ReceiptNo: 7, StoreID: "msk-1", TerminalID: "T1", CashierID: "C1", ShiftID: "SH1",
		Lines: []pos.SaleLine{{No: 1, SKU: "MILK-1", Name: "Milk", Unit: pos.UnitPiece, Qty: 2,
			UnitPrice: rub(8091), RegularPrice: rub(8990), Discount: rub(1798), Total: rub(16182), VATRate: 10, VAT: rub(1471)}},
		Total: rub(16182), Discount: rub(1798), VAT: []pos.VATAmount{{Rate: 10, Gross: rub(16182), VAT: rub(1471)}},
		Payments: []pos.Payment{{Method: "cash", Amount: rub(20000)}}, Change: rub(3818),
		StoreSeq: 42, CreatedAt: now, IdempotencyKey: "k-1",
	}
}

// newSaleServer returns a server whose CreateSale records one sale per key
// and replays it, like the real service.
func newSaleServer(t testing.TB) *testServer {
	s := newServer(t)
	seen := map[string]bool{}
	s.Sales.CreateSaleFn = func(ctx context.Context, key string, req *pos.SaleRequest) (*pos.Sale, bool, error) {
		if pos.SessionFromContext(ctx) == nil {
			return nil, false, pos.Errorf(pos.CodeUnauthorized, "no session")
		}
		created := !seen[key]
		seen[key] = true
		return fixedSale(), created, nil
	}
	return s
}

func TestCreateSale(t *testing.T) {
	s := newSaleServer(t)
	var gotReq *pos.SaleRequest
	create := s.Sales.CreateSaleFn
	s.Sales.CreateSaleFn = func(ctx context.Context, key string, req *pos.SaleRequest) (*pos.Sale, bool, error) {
		gotReq = req
		return create(ctx, key, req)
	}
	r := newRequest("POST", "/api/v1/sales", saleBody)
	r.Header.Set("Idempotency-Key", "k-1")
	res, first := s.send(t, r)
	wantJSON(t, res, first, http.StatusCreated, nil)
	if got, want := res.Header.Get("Location"), "/api/v1/sales/S%2F1"; got != want {
		t.Fatalf("Location=%q, want %q", got, want)
	}
	if got, want := string(first), mustMarshal(t, fixedSale()); got != want {
		t.Fatalf("body=%s\nwant %s", got, want)
	}
	if got, want := gotReq.Customer.Phone, "+79161234567"; got != want {
		t.Fatalf("phone=%q, want the normalized %q", got, want)
	}

	t.Run("Replay", func(t *testing.T) {
		r := newRequest("POST", "/api/v1/sales", saleBody)
		r.Header.Set("Idempotency-Key", "k-1")
		res, again := s.send(t, r)
		wantJSON(t, res, again, http.StatusOK, nil)
		if !bytes.Equal(again, first) {
			t.Fatalf("replay body=%s\nwant %s", again, first)
		}
	})
}

func TestCreateSale_Validation(t *testing.T) {
	s := newSaleServer(t)
	for _, tc := range []struct{ name, key, body, field string }{
		{"NoKey", "", saleBody, "Idempotency-Key"},
		{"LongKey", strings.Repeat("k", 129), saleBody, "Idempotency-Key"},
		{"NonASCIIKey", "ключ", saleBody, "Idempotency-Key"},
		{"UnknownField", "k", `{"lines":[{"sku":"A","qty":1,"price":1}],"payments":[]}`, "lines[0].price"},
		{"UnknownNestedField", "k", `{"lines":[{"sku":"A","qty":1}],"payments":[{"method":"cash","amount":{"amount":1,"currency":"RUB","cents":5}}]}`, "payments[0].amount.cents"},
		{"UnknownTopField", "k", `{"lines":[],"total":5}`, "total"},
		{"TrailingGarbage", "k", saleBody + `xyz`, ""},
		{"TwoValues", "k", saleBody + saleBody, ""},
		{"WrongType", "k", `{"lines":[{"sku":"A","qty":1},{"sku":"B","qty":"2"}]}`, "lines[1].qty"},
		{"WrongNestedType", "k", `{"lines":[{"sku":"A","qty":1}],"payments":[{"method":"cash","amount":{"amount":1.5,"currency":"RUB"}}]}`, "payments[0].amount.amount"},
		{"WrongContainer", "k", `{"lines":{"sku":"A"}}`, "lines"},
		{"NotAnObject", "k", `[1,2]`, ""},
		{"Syntax", "k", `{"lines":[{"sku":"A",}]}`, "lines[0]"},
		{"Truncated", "k", `{"lines":[{"sku":"A"`, ""},
		{"Empty", "k", ``, ""},
		{"NoLines", "k", `{"lines":[],"payments":[{"method":"cash","amount":{"amount":1,"currency":"RUB"}}]}`, "lines"},
		{"BadQty", "k", `{"lines":[{"sku":"A","qty":0}],"payments":[{"method":"cash","amount":{"amount":1,"currency":"RUB"}}]}`, "lines[0].qty"},
		{"WrongCurrency", "k", `{"lines":[{"sku":"A","qty":1}],"payments":[{"method":"cash","amount":{"amount":1,"currency":"EUR"}}]}`, "payments[0].amount.currency"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRequest("POST", "/api/v1/sales", tc.body)
			if tc.key != "" {
				r.Header.Set("Idempotency-Key", tc.key)
			}
			res, body := s.send(t, r)
			wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, tc.field)
		})
	}
}

func TestCreateSale_ServiceErrors(t *testing.T) {
	for _, tc := range []struct {
		err    *pos.Error
		status int
	}{
		{&pos.Error{Code: pos.CodeUnknownSKU, Message: "unknown SKU", Field: "lines[0].sku"}, 422},
		{&pos.Error{Code: pos.CodeInsufficientStock, Message: "only 1 left", Field: "lines[0].qty"}, 409},
		{&pos.Error{Code: pos.CodeIdempotencyKey, Message: "key reused with another body"}, 409},
		{&pos.Error{Code: pos.CodeShiftNotOpen, Message: "open a shift first"}, 409},
		{&pos.Error{Code: pos.CodeStorageFull, Message: "storage is full"}, 507},
		{&pos.Error{Code: pos.CodeValidationFailed, Message: "payments do not cover the total", Field: "payments"}, 400},
	} {
		t.Run(tc.err.Code, func(t *testing.T) {
			s := newServer(t)
			s.Sales.CreateSaleFn = func(context.Context, string, *pos.SaleRequest) (*pos.Sale, bool, error) {
				return nil, false, tc.err
			}
			r := newRequest("POST", "/api/v1/sales", saleBody)
			r.Header.Set("Idempotency-Key", "k-1")
			res, body := s.send(t, r)
			p := wantProblem(t, res, body, tc.status, tc.err.Code, tc.err.Field)
			if got, want := p.Detail, tc.err.Message; got != want {
				t.Fatalf("detail=%q, want %q", got, want)
			}
			if res.Header.Get("Location") != "" {
				t.Fatal("a failed sale has a Location")
			}
		})
	}
}

func TestGetSale(t *testing.T) {
	s := newServer(t)
	s.Sales.FindSaleByIDFn = func(_ context.Context, id string) (*pos.Sale, error) {
		if id != "S1" {
			return nil, pos.Errorf(pos.CodeNotFound, "no sale %s", id)
		}
		return fixedSale(), nil
	}
	res, body := s.do(t, "GET", "/api/v1/sales/S1", "")
	wantJSON(t, res, body, http.StatusOK, nil)
	if got, want := string(body), mustMarshal(t, fixedSale()); got != want {
		t.Fatalf("body=%s\nwant %s", got, want)
	}
	res, body = s.do(t, "GET", "/api/v1/sales/S2", "")
	wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
}

func TestListSales(t *testing.T) {
	s := newServer(t)
	var gotFilter pos.SaleFilter
	s.Sales.FindSalesFn = func(_ context.Context, f pos.SaleFilter) ([]*pos.Sale, string, error) {
		gotFilter = f
		return []*pos.Sale{fixedSale()}, "", nil
	}
	t.Run("OK", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/sales?shift=SH1&since=2025-03-01T12:00:00%2B03:00&limit=5&cursor=c", "")
		var got struct {
			Items      []pos.Sale
			NextCursor *string `json:"next_cursor"`
		}
		wantJSON(t, res, body, http.StatusOK, &got)
		if len(got.Items) != 1 || got.Items[0].ID != "S/1" || got.NextCursor == nil || *got.NextCursor != "" {
			t.Fatalf("list=%s", body)
		}
		want := pos.SaleFilter{ShiftID: "SH1", Since: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), Limit: 5, Cursor: "c"}
		if gotFilter != want {
			t.Fatalf("filter=%+v, want %+v", gotFilter, want)
		}
	})
	for _, tc := range []struct{ query, field string }{
		{"since=yesterday", "since"},
		{"since=2025-03-01", "since"},
		{"limit=1000", "limit"},
		{"cursor=" + strings.Repeat("c", 600), "cursor"},
	} {
		t.Run("Err"+tc.field, func(t *testing.T) {
			res, body := s.do(t, "GET", "/api/v1/sales?"+tc.query, "")
			wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, tc.field)
		})
	}
}

// FuzzCreateSale feeds arbitrary bodies to POST /api/v1/sales: whatever
// comes in, the answer is a sale or a 4xx problem, never a 500 or a panic.
func FuzzCreateSale(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzzing is skipped in -short mode")
	}
	for _, seed := range []string{
		saleBody, "", "null", "{}", "[]", `{"lines":null}`, `{"lines":[{"sku":"A","qty":1e3}]}`,
		`{"lines":[{"sku":"A","qty":1}],"payments":[{"method":"card","amount":{"amount":99999999999999999999,"currency":"RUB"}}]}`,
		`{"customer":{"phone":"+7 (916) 123"}}`, `{"lines":[{"sku":"\u0000","qty":-1}]}`, `{"LINES":[]}`,
		`{"lines":[{"sku":"A","qty":1}]} trailing`, "\xff\xfe", `{"a":{"b":[[[{}]]]}}`,
	} {
		f.Add(seed)
	}
	s := newSaleServer(f)
	f.Fuzz(func(t *testing.T, body string) {
		r := newRequest("POST", "/api/v1/sales", body)
		r.Header.Set("Idempotency-Key", "fuzz")
		res, out := s.send(t, r)
		if res.StatusCode >= 500 || (res.StatusCode >= 300 && !bytes.Contains(out, []byte(`"code"`))) {
			t.Fatalf("body %q: status=%d %s", body, res.StatusCode, out)
		}
	})
}
