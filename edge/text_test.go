package edge_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// TestControlCharacters sends control characters and invalid UTF-8 in
// every kind of input: each is a 400 naming the field, and the service is
// never called, so nothing is written.
func TestControlCharacters(t *testing.T) {
	s := newSaleServer(t)
	called := 0
	s.Sales.CreateSaleFn = func(context.Context, string, *pos.SaleRequest) (*pos.Sale, bool, error) {
		called++
		return fixedSale(), true, nil
	}
	s.Catalog.FindProductsFn = func(context.Context, pos.ProductFilter) ([]*pos.Product, string, error) {
		called++
		return nil, "", nil
	}
	sale := func(reference, sku string) string {
		return `{"lines":[{"sku":"` + sku + `","qty":1}],"payments":[{"method":"card","amount":{"amount":100,"currency":"RUB"},"reference":"` + reference + `"}]}`
	}
	for _, tc := range []struct {
		name, target, body, key, field string
	}{
		{"NULInReference", "/api/v1/sales", sale(`RRN\u0000 42`, "MILK-1"), "k-nul", "payments[0].reference"},
		{"TabInReference", "/api/v1/sales", sale(`RRN\t42`, "MILK-1"), "k-tab", "payments[0].reference"},
		{"C1InReference", "/api/v1/sales", sale(`RRN\u0085`, "MILK-1"), "k-c1", "payments[0].reference"},
		{"DELInSKU", "/api/v1/sales", sale("", `MILK\u007f`), "k-del", "lines[0].sku"},
		{"BadUTF8InReference", "/api/v1/sales", sale("RRN \xff", "MILK-1"), "k-utf8", "payments[0].reference"},
		{"TabInKey", "/api/v1/sales", sale("", "MILK-1"), "k-\t1", "Idempotency-Key"},
		{"C1InKey", "/api/v1/sales", sale("", "MILK-1"), "k-\xc2\x85", "Idempotency-Key"},
		{"NULInLogin", "/api/v1/login", `{"terminal_token":"t","cashier":"anna\u0000","pin":"1234"}`, "", "cashier"},
		{"NULInQuery", "/api/v1/products?q=%00milk", "", "", "q"},
		{"NewlineInQuery", "/api/v1/products?q=a%0Ab", "", "", "q"},
		{"BadUTF8InQuery", "/api/v1/products?q=%FF", "", "", "q"},
		{"ControlInQueryName", "/api/v1/products?q%01=milk", "", "", "query"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method := "GET"
			if tc.body != "" {
				method = "POST"
			}
			r := newRequest(method, tc.target, tc.body)
			if tc.key != "" {
				r.Header.Set("Idempotency-Key", tc.key)
			}
			res, body := s.send(t, r)
			wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, tc.field)
		})
	}
	if called != 0 {
		t.Fatalf("a service was called %d times with refused input", called)
	}
}

// TestControlCharacters_FreeText checks that a return's reason, a free
// text field, may hold tab and newline but still no other control
// character.
func TestControlCharacters_FreeText(t *testing.T) {
	s, got := newReturnServer(t)
	for _, tc := range []struct {
		reason string
		status int
	}{
		{`sour\nand\told`, http.StatusCreated},
		{`sour\r\n`, http.StatusBadRequest},
		{`sour\u0000`, http.StatusBadRequest},
	} {
		r := newRequest("POST", "/api/v1/sales/S1/returns", `{"lines":[{"sku":"MILK-1","qty":1}],"reason":"`+tc.reason+`"}`)
		r.Header.Set("Idempotency-Key", "rk-"+tc.reason)
		res, body := s.send(t, r)
		if tc.status != http.StatusCreated {
			wantProblem(t, res, body, tc.status, pos.CodeValidationFailed, "reason")
			continue
		}
		wantJSON(t, res, body, tc.status, nil)
		if got[2] != "sour\nand\told" {
			t.Fatalf("reason=%q", got[2])
		}
	}
}

// TestControlCharacters_Form checks the shopper's form fields and the
// query of a shopper's page.
func TestControlCharacters_Form(t *testing.T) {
	s := newShopServer(t)
	rec := s.recordReservations()
	res, body := s.shop(t, "POST", "/t/"+tvTag+"/reserve", "phone=%2B7916123%004567&ft=x")
	wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "phone")
	res, body = s.shop(t, "GET", "/t/"+tvTag+"?lang=en%1B", "")
	wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "lang")
	if got := rec.all(); len(got) != 0 {
		t.Fatalf("reservations made: %+v", got)
	}
}

// TestControlCharacters_Path sends raw bytes in a path parameter over a
// real connection (an http.Request would escape them): fiber leaves the
// path undecoded, so raw bytes are the only way in. fasthttp itself
// refuses C0 and DEL anywhere in the request line or a header, before
// routing, so those get the generic 400 without a field; C1 and invalid
// UTF-8 reach param, which names the parameter.
func TestControlCharacters_Path(t *testing.T) {
	s := newServer(t)
	s.Sales.FindSaleByIDFn = func(context.Context, string) (*pos.Sale, error) {
		t.Error("FindSaleByID called with a refused id")
		return nil, pos.Errorf(pos.CodeNotFound, "no sale")
	}
	mustOpen(t, s)
	for _, tc := range []struct{ id, key, field string }{
		{"S\x01", "k", ""},
		{"S\x7f", "k", ""},
		{"S\xc2\x85", "k", "id"},
		{"S\xff", "k", "id"},
		{"S1", "k\x01", ""},
	} {
		res, body := rawRequest(t, s.URL(), "GET /api/v1/sales/"+tc.id+" HTTP/1.1\r\nHost: x\r\n"+
			"Idempotency-Key: "+tc.key+"\r\nAuthorization: Bearer "+goodToken+"\r\n\r\n")
		if tc.field != "" {
			wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, tc.field)
			continue
		}
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"code":"validation_failed"`) {
			t.Fatalf("GET %q with key %q: %d %s, want 400 validation_failed", tc.id, tc.key, res.StatusCode, body)
		}
	}
}

// rawRequest writes raw bytes to the server at base ("http://host:port")
// and reads one response.
func rawRequest(tb testing.TB, base, raw string) (*http.Response, []byte) {
	tb.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 5*time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		tb.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res, body
}
