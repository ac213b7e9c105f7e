package main_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// tillOn enrols a till and a cashier in dir, imports the test catalog,
// starts serve with args, logs in and opens a shift.
func tillOn(t *testing.T, dir string, args ...string) (*proc, *client) {
	t.Helper()
	token := strings.TrimSpace(mustRun(t, "terminal", "add", "--data", dir, "--name", "till-1"))
	mustRun(t, "cashier", "add", "--data", dir, "--name", "anna", "--pin", "1234")
	mustRun(t, "catalog", "import", "--data", dir, "testdata/catalog.json")
	p := startServe(t, dir, args...)
	c := newClient(p.URL)
	c.login(t, token, "anna", "1234")
	c.must(t, 201, "POST", "/api/v1/shifts", map[string]any{"opening_float": money(100000)}, nil, nil)
	return p, c
}

// TestServe_NULInPaymentReference is the attack of issue 8: a NUL in a
// card payment's reference used to be accepted, and the event carrying it
// stalled the shop's sync. It is a 400 naming the field, and nothing is
// written: no sale, no outbox event.
func TestServe_NULInPaymentReference(t *testing.T) {
	p, c := tillOn(t, t.TempDir())
	var before, after struct {
		Pending int `json:"pending_events"`
	}
	c.must(t, 200, "GET", "/api/v1/sync/status", nil, nil, &before)
	sale := map[string]any{"lines": []any{map[string]any{"sku": "A1", "qty": 1}},
		"payments": []any{map[string]any{"method": "card", "amount": money(6990), "reference": "RRN\x00 0042"}}}
	var problem struct{ Code, Field string }
	c.must(t, 400, "POST", "/api/v1/sales", sale, map[string]string{"Idempotency-Key": "nul-1"}, &problem)
	if problem.Code != "validation_failed" || problem.Field != "payments[0].reference" {
		t.Fatalf("problem %+v, want validation_failed on payments[0].reference", problem)
	}
	c.must(t, 200, "GET", "/api/v1/sync/status", nil, nil, &after)
	var sales struct{ Items []any }
	c.must(t, 200, "GET", "/api/v1/sales", nil, nil, &sales)
	if after.Pending != before.Pending || len(sales.Items) != 0 {
		t.Fatalf("pending events %d → %d, %d sales: the refused sale wrote something", before.Pending, after.Pending, len(sales.Items))
	}
	// The same key with a clean reference is a new sale: the refusal did
	// not even remember the key.
	sale["payments"] = []any{map[string]any{"method": "card", "amount": money(6990), "reference": "RRN 0042"}}
	c.must(t, 201, "POST", "/api/v1/sales", sale, map[string]string{"Idempotency-Key": "nul-1"}, nil)
	p.stop(t)
}

// TestServe_Metrics checks that /metrics is served on metrics_listen, not
// on the shoppers' listener, and that an empty metrics_listen turns it off.
func TestServe_Metrics(t *testing.T) {
	p, c := tillOn(t, t.TempDir())
	if p.MetricsURL == "" || strings.HasPrefix(p.MetricsURL, p.URL) {
		t.Fatalf("metrics at %q, serving on %q: want a listener of their own", p.MetricsURL, p.URL)
	}
	body := get(t, p.MetricsURL, http.StatusOK)
	for _, want := range []string{"storeedge_outbox_pending_events ", `storeedge_http_requests_total{method="POST",route="/api/v1/shifts",status="201"} 1`, "go_goroutines"} {
		if !strings.Contains(body, want) {
			t.Fatalf("metrics lack %q:\n%s", want, body)
		}
	}
	var problem struct{ Code string }
	c.must(t, 404, "GET", "/metrics", nil, nil, &problem)
	p.stop(t)

	off := startServe(t, t.TempDir(), "--metrics-listen", "")
	if off.MetricsURL != "" {
		t.Fatalf("metrics on %s with metrics_listen empty", off.MetricsURL)
	}
	off.stop(t)
}

// get GETs url and returns the body, which must come with status want.
func get(t *testing.T, url string, want int) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != want {
		t.Fatalf("GET %s: %d (want %d) %v %s", url, res.StatusCode, want, err, body)
	}
	return string(body)
}
