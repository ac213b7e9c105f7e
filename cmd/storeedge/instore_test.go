package main_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/storeedge/storeedge/sync/synctest"
)

// artifactDir is where the browser test keeps its screenshots
// (STOREEDGE_TEST_ARTIFACTS, or artifacts/ at the top of the repo).
func artifactDir(t *testing.T) string {
	dir := os.Getenv("STOREEDGE_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser starts headless Chromium (Debian's chromium-headless-shell or
// chromium), found through synctest.Need: make test installs it; without
// it the test fails in CI and skips elsewhere, saying how to install it.
func browser(t *testing.T, width, height int64) context.Context {
	path := synctest.Need(t, "chromium-headless-shell", "chromium-headless-shell", "chromium", "chromium-browser")
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(int(width), int(height)), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelT(); cancel(); cancelA() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// TestInstore_Browser opens a tag's page in real headless Chromium at a
// phone's width, reads the price, reserves the item with a phone number,
// sees the pickup code, and hands it over at the till: the sale takes the
// reserved item at the price the page showed.
func TestInstore_Browser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser: not in -short")
	}
	dir := t.TempDir()
	p := startServe(t, dir, "--demo")
	tagURL := tagURLOf(t, dir, p, "DEMO-0001")
	till := demoClient(t, dir, p)
	till.must(t, 201, "POST", "/api/v1/shifts", map[string]any{"opening_float": money(100000)}, nil, nil)
	for _, width := range []int64{390, 360} {
		t.Run(fmt.Sprintf("width=%d", width), func(t *testing.T) {
			ctx := browser(t, width, 844)
			if err := chromedp.Do(ctx, chromedp.Navigate(tagURL), chromedp.WaitVisible(chromedp.ID("price"))); err != nil {
				t.Fatal(err)
			}
			price, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("price")))
			if err != nil || !strings.Contains(price, "93,90") {
				t.Fatalf("price on the page %q (%v)", price, err)
			}
			scrollWidth, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
			if err != nil || scrollWidth > width {
				t.Fatalf("page is %d px wide at a %d px viewport (%v)", scrollWidth, width, err)
			}
			shot(t, ctx, fmt.Sprintf("tag-page-%d.png", width))
			err = chromedp.Do(ctx,
				chromedp.SendKeys(chromedp.ID("phone"), "+7 916 555-00-0"+fmt.Sprint(width%10)),
				chromedp.Click(chromedp.ID("reserve")),
				chromedp.WaitVisible(chromedp.ID("pickup-code")))
			if err != nil {
				t.Fatal(err)
			}
			code, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("pickup-code")))
			if err != nil || len(strings.TrimSpace(code)) < 6 {
				t.Fatalf("pickup code %q (%v)", code, err)
			}
			shot(t, ctx, fmt.Sprintf("reserved-%d.png", width))
			qrSrc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("pickup-qr").getAttribute("src")`))
			if err != nil {
				t.Fatal(err)
			}
			fulfil(t, till, qrSrc)
		})
	}
}

// fulfil plays the till scanning the pickup QR: the QR's image URL holds
// the reservation code, and a sale with that code takes the reserved item.
func fulfil(t *testing.T, till *client, qrSrc string) {
	code := strings.TrimSuffix(strings.TrimPrefix(qrSrc, "/api/v1/reservations/"), "/qr.png")
	var sale struct {
		Lines []struct {
			SKU       string
			Qty       int64
			UnitPrice struct{ Amount int64 } `json:"unit_price"`
		}
	}
	body := map[string]any{"lines": []any{}, "reservation_code": code,
		"payments": []any{map[string]any{"method": "cash", "amount": money(10000)}}}
	till.must(t, 201, "POST", "/api/v1/sales", body, map[string]string{"Idempotency-Key": code}, &sale)
	if len(sale.Lines) != 1 || sale.Lines[0].SKU != "DEMO-0001" || sale.Lines[0].Qty != 1 || sale.Lines[0].UnitPrice.Amount != 9390 {
		t.Fatalf("sale of the reservation: %+v", sale)
	}
	var r struct{ Status string }
	till.must(t, 200, "GET", "/api/v1/reservations/"+code, nil, nil, &r)
	if r.Status != "fulfilled" {
		t.Fatalf("reservation %s after the sale", r.Status)
	}
}

func shot(t *testing.T, ctx context.Context, name string) {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(artifactDir(t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// tagURLOf asks the staff API for the product's tag and returns the URL
// its QR holds.
func tagURLOf(t *testing.T, dir string, p *proc, sku string) string {
	var label struct{ URL string }
	demoClient(t, dir, p).must(t, 200, "GET", "/api/v1/products/"+sku+"/tag.json", nil, nil, &label)
	if !strings.HasPrefix(label.URL, p.URL+"/t/") {
		t.Fatalf("tag URL %q", label.URL)
	}
	return label.URL
}

// demoClient logs in with the demo shop's manager at till-1.
func demoClient(t testing.TB, dir string, p *proc) *client {
	vals := demoCreds(t, dir)
	c := newClient(p.URL)
	c.login(t, vals["TILL_1_TOKEN"], "boris", vals["BORIS_PIN"])
	return c
}

// demoCreds reads the demo shop's tokens and PINs from the file serve
// --demo writes beside the database.
func demoCreds(t testing.TB, dir string) map[string]string {
	creds, err := os.ReadFile(filepath.Join(dir, "demo-credentials.txt"))
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string]string{}
	for _, line := range strings.Split(string(creds), "\n") {
		if k, v, ok := strings.Cut(strings.Fields(line + " #")[0], "="); ok {
			vals[k] = v
		}
	}
	return vals
}

// TestInstore_SamePrice checks that the price the shopper's page shows and
// the price the till charges agree at every moment, across a price change
// that takes effect while the test runs.
func TestInstore_SamePrice(t *testing.T) {
	if testing.Short() {
		t.Skip("integration: not in -short")
	}
	dir := t.TempDir()
	at := time.Now().Add(3 * time.Second).UTC().Truncate(time.Second)
	catalog := filepath.Join(t.TempDir(), "c.csv")
	csv := "sku,name,price,price_from,stock\nP1,Чай,15000,,100\nP1,Чай,16500," + at.Format(time.RFC3339) + ",\n"
	if err := os.WriteFile(catalog, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "catalog", "import", "--data", dir, catalog)
	token := strings.TrimSpace(mustRun(t, "terminal", "add", "--data", dir, "--name", "till-1"))
	mustRun(t, "cashier", "add", "--data", dir, "--name", "vera", "--pin", "2580", "--role", "manager")
	p := startServe(t, dir)
	till := newClient(p.URL)
	till.login(t, token, "vera", "2580")
	till.must(t, 201, "POST", "/api/v1/shifts", map[string]any{"opening_float": money(0)}, nil, nil)
	var label struct{ Code string }
	till.must(t, 200, "GET", "/api/v1/products/P1/tag.json", nil, nil, &label)
	shopper := newClient(p.URL)
	pagePrice := func() int64 {
		var v struct {
			Product struct{ Price struct{ Amount int64 } }
		}
		shopper.must(t, 200, "GET", "/api/v1/instore/tags/"+label.Code, nil, nil, &v)
		return v.Product.Price.Amount
	}
	seen := map[int64]bool{}
	for time.Now().Before(at.Add(1500 * time.Millisecond)) {
		before := pagePrice()
		var sale struct{ Total struct{ Amount int64 } }
		body := map[string]any{"lines": []any{map[string]any{"sku": "P1", "qty": 1}},
			"payments": []any{map[string]any{"method": "cash", "amount": money(20000)}}}
		till.must(t, 201, "POST", "/api/v1/sales", body, map[string]string{"Idempotency-Key": fmt.Sprint(time.Now().UnixNano())}, &sale)
		after := pagePrice()
		charged := sale.Total.Amount
		if charged != before && charged != after || before == after && charged != before {
			t.Fatalf("page showed %d then %d, the till charged %d", before, after, charged)
		}
		seen[charged] = true
		time.Sleep(100 * time.Millisecond)
	}
	if !seen[15000] || !seen[16500] {
		t.Fatalf("prices charged %v: the change at %v was not crossed", seen, at)
	}
}
