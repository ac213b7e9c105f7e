package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServe_TillFlow walks README's first-sale flow against the real
// binary: enrol a till and cashiers, import a catalog, log in, open a
// shift, sell (cash, card, split), return part of a sale, close the shift
// and read the Z report.
func TestServe_TillFlow(t *testing.T) {
	dir := t.TempDir()
	token := strings.TrimSpace(mustRun(t, "terminal", "add", "--data", dir, "--name", "till-1"))
	mustRun(t, "cashier", "add", "--data", dir, "--name", "anna", "--pin", "1234")
	mustRun(t, "cashier", "add", "--data", dir, "--name", "boris", "--pin", "9876", "--role", "manager")
	mustRun(t, "catalog", "import", "--data", dir, "testdata/catalog.json")
	p := startServe(t, dir)
	c := newClient(p.URL)
	c.login(t, token, "anna", "1234")

	var shift struct{ ID string }
	c.must(t, 201, "POST", "/api/v1/shifts", map[string]any{"opening_float": money(500000)}, nil, &shift)
	type sale struct {
		ID        string
		ReceiptNo int64 `json:"receipt_no"`
		Total     struct{ Amount int64 }
		Change    struct{ Amount int64 }
	}
	var cash, card, split sale
	body := map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 2}, map[string]any{"sku": "A4", "qty": 250}},
		"payments": []any{map[string]any{"method": "cash", "amount": money(50000)}}}
	c.must(t, 201, "POST", "/api/v1/sales", body, map[string]string{"Idempotency-Key": "sale-1"}, &cash)
	// 2 × 69.90 + 250 g × 899.00/kg (224.75) = 364.55; change from 500.00 is 135.45.
	if cash.Total.Amount != 36455 || cash.Change.Amount != 13545 || cash.ReceiptNo != 1 {
		t.Fatalf("cash sale: %+v", cash)
	}
	c.must(t, 200, "POST", "/api/v1/sales", body, map[string]string{"Idempotency-Key": "sale-1"}, nil)
	body["lines"] = []any{map[string]any{"sku": "A5", "qty": 1}}
	body["payments"] = []any{map[string]any{"method": "card", "amount": money(29665), "reference": "RRN 1234"}}
	c.must(t, 201, "POST", "/api/v1/sales", body, map[string]string{"Idempotency-Key": "sale-2"}, &card)
	body["lines"] = []any{map[string]any{"sku": "A3", "qty": 1}}
	body["payments"] = []any{map[string]any{"method": "card", "amount": money(100000)}, map[string]any{"method": "cash", "amount": money(100000)}}
	c.must(t, 201, "POST", "/api/v1/sales", body, map[string]string{"Idempotency-Key": "sale-3"}, &split)
	if card.Total.Amount != 29665 || split.Change.Amount != 1000 || split.ReceiptNo != 3 {
		t.Fatalf("card=%+v split=%+v", card, split)
	}

	var ret, again struct {
		ID    string
		Total struct{ Amount int64 }
	}
	var problem struct{ Code, Field string }
	one := map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 1}}}
	c.must(t, 400, "POST", "/api/v1/sales/"+cash.ID+"/returns", one, nil, &problem)
	if problem.Code != "validation_failed" || problem.Field != "Idempotency-Key" {
		t.Fatalf("return without a key: %+v", problem)
	}
	c.must(t, 201, "POST", "/api/v1/sales/"+cash.ID+"/returns", one, map[string]string{"Idempotency-Key": "ret-1"}, &ret)
	if ret.Total.Amount != 6990 {
		t.Fatalf("return total %d", ret.Total.Amount)
	}
	c.must(t, 200, "POST", "/api/v1/sales/"+cash.ID+"/returns", one, map[string]string{"Idempotency-Key": "ret-1"}, &again)
	if again.ID != ret.ID {
		t.Fatalf("replayed return %s, first %s", again.ID, ret.ID)
	}
	two := map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 2}}}
	c.must(t, 409, "POST", "/api/v1/sales/"+cash.ID+"/returns", two, map[string]string{"Idempotency-Key": "ret-1"}, &problem)
	if problem.Code != "idempotency_key_reused" {
		t.Fatalf("key reused: %+v", problem)
	}
	c.must(t, 422, "POST", "/api/v1/sales/"+cash.ID+"/returns", two, map[string]string{"Idempotency-Key": "ret-2"}, &problem)
	if problem.Code != "over_return" || problem.Field != "lines[0].qty" {
		t.Fatalf("problem %+v", problem)
	}

	var z struct {
		Kind         string
		ReceiptCount int64                  `json:"receipt_count"`
		ExpectedCash struct{ Amount int64 } `json:"expected_cash"`
		Difference   struct{ Amount int64 }
	}
	// Float 5000.00 + cash 364.55 + split cash 990.00 − refund 69.90 = 6284.65.
	c.must(t, 200, "POST", "/api/v1/shifts/"+shift.ID+"/close", map[string]any{"counted_cash": money(628465)}, nil, &z)
	if z.Kind != "Z" || z.ReceiptCount != 4 || z.ExpectedCash.Amount != 628465 || z.Difference.Amount != 0 {
		t.Fatalf("Z report: %+v", z)
	}
	var pickups struct{ Items []any }
	c.must(t, 200, "GET", "/api/v1/pickups", nil, nil, &pickups)
	c.must(t, 404, "GET", "/api/v1/customers/lookup?phone=%2B79161234567", nil, nil, &problem)
	c.must(t, 409, "POST", "/api/v1/sales", body, map[string]string{"Idempotency-Key": "sale-4"}, &problem)
	if problem.Code != "shift_not_open" {
		t.Fatalf("sale after close: %+v", problem)
	}
	p.stop(t)
}

// TestServe_Exclusive checks that a second opener of a served --data fails
// at once, and that backup works while the server runs.
func TestServe_Exclusive(t *testing.T) {
	dir := t.TempDir()
	p := startServe(t, dir, "--demo")
	start := time.Now()
	_, stderr, code := runCmd(t, "terminal", "add", "--data", dir, "--name", "x")
	if code != 1 || !strings.Contains(stderr, "in use") || time.Since(start) > 5*time.Second {
		t.Fatalf("exit %d after %v: %s", code, time.Since(start), stderr)
	}
	if _, _, code := runCmd(t, "serve", "--data", dir, "--listen", "127.0.0.1:0"); code != 1 {
		t.Fatalf("second serve: exit %d", code)
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	mustRun(t, "backup", "--data", dir, "--out", out)
	p.stop(t)

	// The copy opens as a shop of its own: a new epoch, the same catalog.
	restored := t.TempDir()
	if err := os.Rename(out, filepath.Join(restored, "storeedge.db")); err != nil {
		t.Fatal(err)
	}
	db := openForCheck(t, restored)
	defer db.Close()
	if !db.Restored() {
		t.Fatal("restored backup kept its epoch")
	}
	if _, err := os.Stat(filepath.Join(dir, "demo-credentials.txt")); err != nil {
		t.Fatal(err)
	}
}

// TestCommands checks exit codes: 0 ok, 1 runtime failure, 2 bad usage or
// configuration (naming the key).
func TestCommands(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"version"}, 0, "storeedge "},
		{[]string{}, 2, "no command"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"serve", "--http-body-limit", "12XB"}, 2, "http.body_limit"},
		{[]string{"serve", "--no-such-flag"}, 2, "no-such-flag"},
		{[]string{"terminal", "add", "--name", "x"}, 2, "--data"},
		{[]string{"cashier", "add", "--data", t.TempDir(), "--name", "x", "--pin", "12"}, 1, "PIN"},
		{[]string{"catalog", "import", "--data", t.TempDir(), "testdata/nope.csv"}, 1, "nope.csv"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, errs, code := runCmd(t, tt.args...)
			if code != tt.code || !strings.Contains(out+errs, tt.want) {
				t.Fatalf("exit %d (want %d), output %q (want %q)", code, tt.code, out+errs, tt.want)
			}
		})
	}
}
