package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/sync/synctest"
)

// docScreens is where `make screens` (STOREEDGE_SCREENS=1) has
// TestPOSScreen save the cashier screen's pictures, so the pictures in the
// docs are what the screen shows. Other runs take the same pictures into a
// temporary directory: a test run does not leave the docs modified.
const docScreens = "../../docs/screens"

func screensDir(t *testing.T) string {
	if os.Getenv("STOREEDGE_SCREENS") == "1" {
		return docScreens
	}
	return t.TempDir()
}

// dateRU is a moment as the Russian screen shows it: 04.12.2026 20:44.
var dateRU = regexp.MustCompile(`\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}`)

// receiptsRU is a count of receipts with its Russian plural form.
var receiptsRU = regexp.MustCompile(`(^|\D)(1 чек|[2-4] чека|([5-9]|1\d) чеков)([^а-яё]|$)`)

// screen drives the cashier screen in a real headless Chromium.
type screen struct {
	t   *testing.T
	ctx context.Context
	dir string // where shot saves
}

// newScreen starts Chromium at a till's size (1280×800). Without Chromium
// the test fails under CI and is skipped elsewhere (synctest.Need), saying
// which package to install.
func newScreen(t *testing.T) *screen {
	path := synctest.Need(t, "chromium-headless-shell", "chromium-headless-shell", "chromium", "chromium-browser")
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 800), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.Flag("lang", "ru-RU"))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(func() { cancelT(); cancel(); cancelA() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	return &screen{t: t, ctx: ctx, dir: screensDir(t)}
}

// with returns the screen for a subtest, so that its failures end the
// subtest and not its parent.
func (s *screen) with(t *testing.T) *screen { return &screen{t: t, ctx: s.ctx, dir: s.dir} }

// clickRow clicks a row of a list the screen re-renders as data comes
// back (the pickups list refreshes after each move): a click that lands
// between two renders finds its node gone, and is tried again, as a
// cashier would tap again.
func (s *screen) clickRow(step, css string) {
	s.t.Helper()
	var err error
	for range 20 {
		ctx, cancel := context.WithTimeout(s.ctx, 2*time.Second)
		err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(css)))
		cancel()
		if err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("%s: %v", step, err)
}

// do runs actions, failing the test with what step it was.
func (s *screen) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	// A step that cannot happen (a button that never shows) fails the
	// test saying which, instead of hanging it.
	ctx, cancel := context.WithTimeout(s.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		s.t.Fatalf("%s: %v\nerror on screen: %q; overlay panel: %q", step, err,
			s.js(`document.getElementById('error').hidden ? '' : document.getElementById('error').textContent`),
			s.js(`document.getElementById('overlay').hidden ? '' : Array.from(document.getElementById('overlay').children).filter((c) => !c.hidden).map((c) => c.id).join(',')`))
	}
}

// js evaluates expr in the page and returns its value as text.
func (s *screen) js(expr string) string {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[any](expr))
	if err != nil {
		s.t.Fatalf("evaluate %s: %v", expr, err)
	}
	if str, ok := v.(string); ok {
		return str
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// waitJS waits until expr is true in the page. Runtime.evaluate is not
// subject to the page's CSP, unlike chromedp.Poll's injected function.
func (s *screen) waitJS(step, expr string) {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: %s never became true (%v)\ncart: %q\nerror on screen: %q", step, expr, err, s.text("cart"),
				s.js(`document.getElementById('error').hidden ? '' : document.getElementById('error').textContent`))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// text returns the visible text of the element with id.
func (s *screen) text(id string) string {
	s.t.Helper()
	return s.js(fmt.Sprintf(`(document.getElementById(%q) || {}).innerText || ''`, id))
}

// scan types code and Enter as a keyboard-wedge scanner does: a burst of
// keys, wherever focus is.
func (s *screen) scan(code string) {
	s.t.Helper()
	s.do("scan "+code, chromedp.KeyEvent(code+"\r"))
}

// shot saves a full-page screenshot as name in s.dir.
func (s *screen) shot(name string) {
	s.t.Helper()
	png, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100)) // 100: PNG; less is JPEG
	if err != nil {
		s.t.Fatal(err)
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		s.t.Fatal(err)
	}
	path := filepath.Join(s.dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.t.Logf("screenshot: %s", path)
}

// clearScan empties the scan box as the cashier's backspace would, with
// the input event the search listens to.
func (s *screen) clearScan() {
	s.t.Helper()
	s.do("clear the scan box", chromedp.Evaluate[chromedp.Void](
		`(() => { const e = document.getElementById('scan'); e.value = ''; e.dispatchEvent(new Event('input', {bubbles: true})); })()`))
}

// errorShown returns the error banner's text, "" when there is none.
func (s *screen) errorShown() string {
	return s.js(`document.getElementById('error').hidden ? '' : document.getElementById('error').textContent`)
}

// demoBarcode returns a product's first barcode and name.
func demoBarcode(t *testing.T, till *client, sku string) (string, string) {
	var p struct {
		Name     string
		Barcodes []string
	}
	till.must(t, 200, "GET", "/api/v1/products/"+sku, nil, nil, &p)
	if len(p.Barcodes) == 0 {
		t.Fatalf("%s has no barcode", sku)
	}
	return p.Barcodes[0], p.Name
}

// TestPOSScreen walks a cashier's shift at /pos/ in Russian in a real
// headless Chromium against the real binary, syncing to a private
// Mosquitto that goes down before the customer pays with points (no
// central answers at all: the shop is offline throughout): login with the PIN keypad, scanner bursts
// wherever focus is, a search followed by a scan that starts a fresh
// query, the customer by phone, a sale paid partly with points, a
// reservation by its short code, a return without a receipt approved with
// the manager's PIN, and the X and Z reports. It saves its screenshots in
// docs/screens.
func TestPOSScreen(t *testing.T) {
	if testing.Short() {
		t.Skip("browser: not in -short")
	}
	dir := t.TempDir()
	broker := synctest.StartBroker(t)
	serveArgs := []string{"--demo", "--broker", broker.URL, "--insecure-sync"}
	p := startServe(t, dir, serveArgs...)
	creds := demoCreds(t, dir)
	api := demoClient(t, dir, p)
	milk1, name1 := demoBarcode(t, api, "DEMO-0001")
	milk2, name2 := demoBarcode(t, api, "DEMO-0002")
	milk3, name3 := demoBarcode(t, api, "DEMO-0003")
	// Central sends two click & collect orders and another shop's stock
	// down; they are applied while the server is stopped, as a pull on
	// connect would.
	p.stop(t)
	now := time.Now().UTC()
	applyDownlink(t, dir,
		downlink(t, pos.StreamPickups, 1,
			pos.Pickup{ID: "web-1", OrderNo: "W-1", Phone: "+79161234567", Name: "Мария Иванова", Paid: true, CreatedAt: now,
				Lines: []pos.PickupLine{{SKU: "DEMO-0008", Name: "Заказ 1", Qty: 2, Amount: pos.M(20000, "RUB")}}, Total: pos.M(20000, "RUB")},
			pos.Pickup{ID: "web-2", OrderNo: "W-2", Phone: "+79031112233", Name: "Олег Петров", CreatedAt: now,
				Lines: []pos.PickupLine{{SKU: "DEMO-0009", Name: "Заказ 2", Qty: 1, Amount: pos.M(12990, "RUB")}}, Total: pos.M(12990, "RUB")}),
		downlink(t, pos.StreamStock, 1, pos.RemoteStock{Store: "store-2", StoreName: "Тверская", SKU: "DEMO-0001", Available: 7, At: now.Add(-5 * time.Minute)}))
	p = startServe(t, dir, serveArgs...)
	api = demoClient(t, dir, p)
	s := newScreen(t)

	s.do("open /pos/", chromedp.Navigate(p.URL+"/pos/"))
	s.waitJS("page ready", `document.body.dataset.ready === '1'`)
	if got := s.text("login-form"); !strings.Contains(got, "Вход на кассу") || !strings.Contains(got, "Войти") {
		t.Fatalf("login screen is not in Russian: %q", got)
	}
	loginWithKeypad(s, creds["TILL_1_TOKEN"], "anna", creds["ANNA_PIN"])
	s.shot("pos-open-shift.png")
	s.do("open the shift", chromedp.SendKeys(chromedp.ID("float"), "5000"), chromedp.Click(chromedp.ID("open-shift")))
	s.waitJS("selling screen", `!document.getElementById('view-sell').hidden`)

	t.Run("RussianFormats", func(t *testing.T) {
		s := s.with(t)
		for expr, want := range map[string]string{
			`StoreEdgePOS.fmtMoney(123450)`:                                     "1 234,50 ₽",
			`StoreEdgePOS.fmtMoney(-5)`:                                         "-0,05 ₽",
			`StoreEdgePOS.fmtMoney({amount: 123450, currency: 'UAH'})`:          "1 234,50 ₴",
			`StoreEdgePOS.fmtMoney({amount: 900719925474099, currency: 'RUB'})`: "9 007 199 254 740,99 ₽",
			`StoreEdgePOS.fmtTime('2026-12-04T17:44:00Z')`:                      "04.12.2026 20:44",
			`StoreEdgePOS.t('cart.items', {n: 1})`:                              "1 товар",
			`StoreEdgePOS.t('cart.items', {n: 2})`:                              "2 товара",
			`StoreEdgePOS.t('cart.items', {n: 5})`:                              "5 товаров",
			`StoreEdgePOS.t('cart.items', {n: 11})`:                             "11 товаров",
			`StoreEdgePOS.t('cart.items', {n: 21})`:                             "21 товар",
			`String(StoreEdgePOS.parseMoney('1 234,5'))`:                        "123450",
		} {
			if got := strings.NewReplacer("\u00a0", " ", "\u202f", " ", "−", "-").Replace(s.js(expr)); got != want {
				t.Errorf("%s = %q, want %q", expr, got, want)
			}
		}
	})

	t.Run("ScanAnywhere", func(t *testing.T) {
		s := s.with(t)
		s.do("focus nothing", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
		s.scan(milk1)
		s.waitJS("scanned line", `document.querySelector('#cart li[data-sku="DEMO-0001"]')`)
		if got := s.js(`document.body.dataset.lastScan`); got != milk1 {
			t.Fatalf("the scanner read %q, want %s", got, milk1)
		}
		time.Sleep(300 * time.Millisecond) // a second add would show by now
		if got, n := s.text("cart"), s.js(`document.querySelector('#cart li[data-sku="DEMO-0001"] .n').textContent`); !strings.Contains(got, name1) || n != "1" {
			t.Fatalf("cart after one scan: %q (qty %s)", got, n)
		}
		if v := s.js(`document.getElementById('scan').value`); v != "" {
			t.Fatalf("scan box after a scan with no focus: %q", v)
		}
	})

	t.Run("ScaleLabel", func(t *testing.T) {
		s := s.with(t)
		label, sku := scaleLabel(t, api, 750)
		s.scan(label)
		s.waitJS("weighed line", fmt.Sprintf(`document.querySelector('#cart li[data-sku=%q]')`, sku))
		if got := s.text("cart"); !strings.Contains(got, "750 г") {
			t.Fatalf("cart after a scale label: %q", got)
		}
	})

	t.Run("SearchThenScanStartsAFreshQuery", func(t *testing.T) {
		s := s.with(t)
		s.do("type a name", chromedp.SendKeys(chromedp.ID("scan"), "молоко"))
		s.waitJS("search results", `document.querySelector('#results button.result[data-sku="DEMO-0001"]')`)
		s.clickRow("pick a result", `#results button.result[data-sku="DEMO-0001"]`)
		s.waitJS("two of DEMO-0001", `(document.querySelector('#cart li[data-sku="DEMO-0001"] .n') || {}).textContent === '2'`)
		s.scan(milk2) // focus is back in the scan box
		s.waitJS("scanned after a pick", `document.querySelector('#cart li[data-sku="DEMO-0002"]')`)
		if v, e := s.js(`document.getElementById('scan').value`), s.errorShown(); v != "" || e != "" {
			t.Fatalf("after pick + scan: box %q, error %q", v, e)
		}
		// Text typed and left in the box stays, and the scan does not join it.
		s.do("type part of a name", chromedp.SendKeys(chromedp.ID("scan"), "мол"))
		time.Sleep(400 * time.Millisecond)
		s.scan(milk3)
		s.waitJS("scanned into typed text", `document.querySelector('#cart li[data-sku="DEMO-0003"]')`)
		if v, e := s.js(`document.getElementById('scan').value`), s.errorShown(); v != "мол" || e != "" {
			t.Fatalf("typed text after a scan: box %q (want мол), error %q", v, e)
		}
		if got := s.text("cart"); !strings.Contains(got, name2) || !strings.Contains(got, name3) {
			t.Fatalf("cart: %q", got)
		}
		if got := s.text("cart-count"); got != "4 товара" {
			t.Fatalf("cart count %q, want «4 товара»", got)
		}
		s.clearScan()
	})

	t.Run("CustomerByPhoneAndPoints", func(t *testing.T) {
		s := s.with(t)
		s.do("customer panel", chromedp.Click(chromedp.ID("customer-open")))
		s.do("type the phone", chromedp.SendKeys(chromedp.ID("customer-query"), "+7 916 123-45-67"), chromedp.Click(chromedp.ID("customer-lookup")))
		s.waitJS("customer found", `document.getElementById('customer-use')`)
		s.shot("pos-customer.png")
		s.do("use the customer", chromedp.Click(chromedp.ID("customer-use")))
		s.waitJS("customer on the sale", `!document.getElementById('customer-info').hidden`)
		if got := s.text("customer-box"); !strings.Contains(got, "Мария Иванова") || !strings.Contains(got, "Золото") ||
			!strings.Contains(got, "скидка 5%") || !strings.Contains(got, "балл") {
			t.Fatalf("customer box: %q", got)
		}
		// Stock in other shops, and an order to this shop for her.
		s.clearScan()
		s.do("search", chromedp.SendKeys(chromedp.ID("scan"), "молоко"))
		s.waitJS("results", `document.querySelector('#results li.result-row .info')`)
		s.clickRow("product card", `#results li.result-row:first-child .info`)
		s.waitJS("product panel", `!document.getElementById('product-panel').hidden && document.querySelectorAll('#product-elsewhere li').length`)
		if got := s.text("product-elsewhere"); !strings.Contains(got, "Тверская") || !strings.Contains(got, "7 шт.") || !strings.Contains(got, "5 минут назад") {
			t.Fatalf("stock elsewhere: %q", got)
		}
		s.shot("pos-stock-elsewhere.png")
		s.do("order", chromedp.Click(chromedp.ID("order-submit")))
		s.waitJS("ordered", `document.getElementById('overlay').hidden && document.getElementById('notice').textContent.includes('оформлен')`)
		s.clearScan()
		// The broker goes down: points are burned offline, within what
		// the shop knows of her balance and the day's cap.
		waitConnected(t, api, true)
		broker.Stop()
		waitConnected(t, api, false)
		s.waitJS("the screen says the office is out of reach", `document.getElementById('sync').textContent.includes('офис недоступен')`)
		s.waitJS("points field", `!document.getElementById('points-box').hidden`)
		s.do("points to the max", chromedp.Click(chromedp.ID("points-max")))
		total := s.text("total")
		s.shot("pos-sale.png")
		s.do("pay the rest in cash", chromedp.Click(chromedp.ID("pay-cash")))
		s.waitJS("receipt", `!document.getElementById('receipt').hidden`)
		receipt := s.text("receipt")
		if !strings.Contains(receipt, "Баллы") || !strings.Contains(receipt, "Наличные") || !strings.Contains(receipt, "₽") {
			t.Fatalf("receipt paid with points and cash (display total %s): %q", total, receipt)
		}
		if !dateRU.MatchString(receipt) {
			t.Fatalf("receipt date is not dd.mm.yyyy hh:mm: %q", receipt)
		}
		s.shot("pos-receipt.png")
		s.do("new sale", chromedp.Click(chromedp.ID("new-sale")))
	})

	t.Run("ReservationByPickupQR", func(t *testing.T) {
		s := s.with(t)
		var r struct {
			Code      string
			ShortCode string `json:"short_code"`
		}
		shopper := newClient(p.URL)
		shopper.must(t, 201, "POST", "/api/v1/reservations", map[string]any{"sku": "DEMO-0005", "qty": 1, "phone": "+79161112233"}, nil, &r)
		// The pickup QR holds the reservation's code: the scanner reads it
		// on the selling screen, which opens the reservation.
		s.do("focus nothing", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
		s.scan(r.Code)
		s.waitJS("reservation found", `document.getElementById('reservation-fill')`)
		if got := s.text("reservation-found"); !strings.Contains(got, "действует") || !strings.Contains(got, "Действует до") {
			t.Fatalf("reservation: %q", got)
		}
		s.shot("pos-reservation.png")
		s.do("fill the cart", chromedp.Click(chromedp.ID("reservation-fill")))
		s.waitJS("reserved goods in the cart", `document.querySelector('#cart li[data-sku="DEMO-0005"]')`)
		if got := s.text("reservation-info"); !strings.Contains(got, "закроет бронь") {
			t.Fatalf("reservation note: %q", got)
		}
		s.do("pay by card", chromedp.Click(chromedp.ID("pay-card")))
		s.waitJS("receipt", `!document.getElementById('receipt').hidden`)
		var v struct{ Status string }
		api.must(t, 200, "GET", "/api/v1/reservations/"+r.Code, nil, nil, &v)
		if v.Status != "fulfilled" {
			t.Fatalf("reservation after the sale: %s", v.Status)
		}
		s.do("new sale", chromedp.Click(chromedp.ID("new-sale")))
	})

	t.Run("ReservationByShortCode", func(t *testing.T) {
		s := s.with(t)
		var r struct {
			Code      string
			ShortCode string `json:"short_code"`
		}
		newClient(p.URL).must(t, 201, "POST", "/api/v1/reservations", map[string]any{"sku": "DEMO-0004", "qty": 1, "phone": "+79161112244"}, nil, &r)
		s.do("reservation panel", chromedp.Click(chromedp.ID("reservation-toggle")))
		s.do("type the code", chromedp.SendKeys(chromedp.ID("reservation-code"), r.ShortCode), chromedp.Click(chromedp.ID("reservation-load")))
		s.waitJS("reservation found", `document.getElementById('reservation-fill')`)
		s.shot("pos-reservation.png")
		s.do("fill the cart", chromedp.Click(chromedp.ID("reservation-fill")))
		s.waitJS("reserved goods in the cart", `document.querySelector('#cart li[data-sku="DEMO-0004"]')`)
		s.do("pay in cash", chromedp.Click(chromedp.ID("pay-cash")))
		s.waitJS("receipt", `!document.getElementById('receipt').hidden`)
		var v struct{ Status string }
		api.must(t, 200, "GET", "/api/v1/reservations/"+r.Code, nil, nil, &v)
		if v.Status != "fulfilled" {
			t.Fatalf("reservation after the sale: %s", v.Status)
		}
		s.do("new sale", chromedp.Click(chromedp.ID("new-sale")))
	})

	t.Run("ReservedStock", func(t *testing.T) {
		s := s.with(t)
		code, name := reserveTheLast(t, p, api, "DEMO-0006")
		// With the shopper's code: the sale completes the reservation.
		bc, _ := demoBarcode(t, api, "DEMO-0006")
		s.scan(bc)
		s.waitJS("in the cart", `document.querySelector('#cart li[data-sku="DEMO-0006"]')`)
		s.do("pay", chromedp.Click(chromedp.ID("pay-cash")))
		s.waitJS("warning", `!document.getElementById('reserved-panel').hidden`)
		if got := s.text("reserved-text"); !strings.Contains(got, name) || !strings.Contains(got, "забронирован") {
			t.Fatalf("reserved stock warning: %q", got)
		}
		s.shot("pos-reserved-stock.png")
		s.do("the code", chromedp.SendKeys(chromedp.ID("reserved-code"), code), chromedp.Click(chromedp.CSS(`#reserved-code-form button[type=submit]`)))
		s.waitJS("receipt", `!document.getElementById('receipt').hidden`)
		s.do("new sale", chromedp.Click(chromedp.ID("new-sale")))
		// With a manager's approval: the sale records who approved.
		reserveTheLast(t, p, api, "DEMO-0007")
		bc, _ = demoBarcode(t, api, "DEMO-0007")
		s.scan(bc)
		s.waitJS("in the cart", `document.querySelector('#cart li[data-sku="DEMO-0007"]')`)
		s.do("pay", chromedp.Click(chromedp.ID("pay-cash")))
		s.waitJS("warning", `!document.getElementById('reserved-panel').hidden`)
		s.do("ask the manager", chromedp.Click(chromedp.ID("reserved-approve")))
		approve(s, creds["BORIS_PIN"])
		s.waitJS("receipt", `!document.getElementById('receipt').hidden`)
		if got := s.text("receipt"); !strings.Contains(got, "Подтвердил менеджер") || !strings.Contains(got, "boris") {
			t.Fatalf("receipt of reserved stock: %q", got)
		}
		s.do("new sale", chromedp.Click(chromedp.ID("new-sale")))
	})

	t.Run("PriceOverrideAndLineVoid", func(t *testing.T) {
		s := s.with(t)
		s.scan(milk2)
		s.scan(milk3)
		s.waitJS("two lines", `document.querySelectorAll('#cart li').length === 2`)
		s.do("line menu", chromedp.Click(chromedp.CSS(`#cart li[data-sku="DEMO-0002"] button.menu`)))
		s.do("new price", chromedp.SendKeys(chromedp.ID("line-new-price"), "50"), chromedp.SendKeys(chromedp.ID("line-reason"), "Мятая упаковка"),
			chromedp.Click(chromedp.ID("line-override")))
		approve(s, creds["BORIS_PIN"])
		s.waitJS("overridden", `document.querySelector('#cart li[data-sku="DEMO-0002"]').textContent.includes('цена изменена')`)
		s.do("line menu", chromedp.Click(chromedp.CSS(`#cart li[data-sku="DEMO-0003"] button.menu`)))
		s.do("void", chromedp.SendKeys(chromedp.ID("line-reason"), "Покупатель передумал"), chromedp.Click(chromedp.ID("line-void")))
		approve(s, creds["BORIS_PIN"])
		s.waitJS("voided", `document.querySelectorAll('#cart li').length === 1`)
		if got := s.text("total"); !strings.Contains(got, "50,00") {
			t.Fatalf("total after the override: %q", got)
		}
		s.do("pay", chromedp.Click(chromedp.ID("pay-cash")))
		s.waitJS("receipt", `!document.getElementById('receipt').hidden`)
		if got := s.text("receipt"); !strings.Contains(got, "цена изменена менеджером") || !strings.Contains(got, "50,00") {
			t.Fatalf("receipt with an override: %q", got)
		}
		s.shot("pos-price-override.png")
		s.do("new sale", chromedp.Click(chromedp.ID("new-sale")))
	})

	t.Run("ClickAndCollect", func(t *testing.T) {
		s := s.with(t)
		var list struct {
			Items  []struct{ ID, Status string }
			Counts map[string]int
		}
		api.must(t, 200, "GET", "/api/v1/pickups", nil, nil, &list)
		waiting := list.Counts["received"] + list.Counts["picking"] + list.Counts["ready"] // the demo's own orders and ours
		if waiting < 2 {
			t.Fatalf("pickups: %+v", list)
		}
		s.waitJS("badge", fmt.Sprintf(`document.getElementById('pickups-badge').textContent === '%d'`, waiting))
		s.do("orders", chromedp.Click(chromedp.ID("pickups-toggle")))
		s.waitJS("list", `document.querySelector('#pickup-list button[data-id="web-2"]')`)
		s.shot("pos-pickups.png")
		// Pay at pickup, not ready yet: refused, in Russian.
		s.clickRow("open W-2", `#pickup-list button[data-id="web-2"]`)
		s.waitJS("detail", `document.getElementById('pickup-collect')`)
		s.do("collect too early", chromedp.Click(chromedp.ID("pickup-collect")))
		s.waitJS("refused", `document.getElementById('error').dataset.code === 'pickup_not_ready'`)
		if got := s.errorShown(); !strings.Contains(got, "ещё не готов") {
			t.Fatalf("refusal: %q", got)
		}
		s.do("picking", chromedp.Click(chromedp.ID("pickup-picking")))
		s.waitJS("picking", `document.getElementById('pickup-status').className === 'status-picking'`)
		s.do("ready", chromedp.Click(chromedp.ID("pickup-ready")))
		s.waitJS("ready", `document.getElementById('pickup-status').className === 'status-ready'`)
		s.do("take payment", chromedp.SendKeys(chromedp.ID("pickup-cash"), "200"), chromedp.Click(chromedp.ID("pickup-collect")))
		s.waitJS("sale", `!document.getElementById('pickup-receipt').hidden`)
		if got := s.text("pickup-receipt"); !strings.Contains(got, "Наличные") || !strings.Contains(got, "Сдача") {
			t.Fatalf("pay-at-pickup receipt: %q", got)
		}
		s.shot("pos-pickup-paid.png")
		// Prepaid: ready, then handed over against the online payment.
		s.do("orders", chromedp.Click(chromedp.CSS(`#pickup-filters button:first-child`)))
		s.waitJS("list", `document.querySelector('#pickup-list button[data-id="web-1"]')`)
		s.clickRow("open W-1", `#pickup-list button[data-id="web-1"]`)
		s.waitJS("detail", `document.getElementById('pickup-ready')`)
		s.do("ready", chromedp.Click(chromedp.ID("pickup-ready")))
		s.waitJS("ready", `document.getElementById('pickup-status').className === 'status-ready'`)
		s.do("hand over", chromedp.Click(chromedp.ID("pickup-collect")))
		s.waitJS("handed over", `!document.getElementById('pickup-receipt').hidden`)
		if got := s.text("pickup-receipt"); !strings.Contains(got, "Оплачено онлайн") {
			t.Fatalf("prepaid receipt: %q", got)
		}
		s.waitJS("badge less two", fmt.Sprintf(`document.getElementById('pickups-badge').textContent === '%d' || (%d === 0 && document.getElementById('pickups-badge').hidden)`, waiting-2, waiting-2))
		s.do("close", chromedp.Click(chromedp.CSS(`#pickups-panel .dismiss`)))
	})

	t.Run("ReturnWithoutReceipt", func(t *testing.T) {
		s := s.with(t)
		s.do("return panel", chromedp.Click(chromedp.ID("return-toggle")))
		s.do("without a receipt", chromedp.Click(chromedp.ID("return-noreceipt-open")))
		s.waitJS("panel", `!document.getElementById('noreceipt-panel').hidden`)
		s.scan(milk1)
		s.waitJS("line to return", `document.querySelectorAll('#noreceipt-lines li').length === 1`)
		s.do("reason", chromedp.SendKeys(chromedp.ID("noreceipt-reason"), "Покупатель передумал"), chromedp.Click(chromedp.ID("noreceipt-submit")))
		s.waitJS("approval", `!document.getElementById('approval-panel').hidden`)
		// A wrong PIN is refused in Russian, then the right one passes.
		s.do("manager", chromedp.SendKeys(chromedp.ID("approval-cashier"), "boris"), chromedp.SendKeys(chromedp.ID("approval-pin"), wrongPIN(creds["BORIS_PIN"])),
			chromedp.Click(chromedp.ID("approval-ok")))
		s.waitJS("refused", `document.getElementById('error').dataset.code === 'forbidden'`)
		if got := s.errorShown(); !strings.Contains(got, "менеджера") {
			t.Fatalf("wrong PIN: %q", got)
		}
		s.do("again", chromedp.Click(chromedp.ID("noreceipt-submit")))
		approve(s, creds["BORIS_PIN"])
		s.waitJS("return receipt", `!document.getElementById('noreceipt-receipt').hidden`)
		if got := s.text("noreceipt-receipt"); !strings.Contains(got, "Чек возврата") || !strings.Contains(got, "Выдать наличными") {
			t.Fatalf("return receipt: %q", got)
		}
		s.shot("pos-return-no-receipt.png")
		s.do("close", chromedp.Click(chromedp.CSS(`#noreceipt-panel .dismiss`)))
	})

	t.Run("Reports", func(t *testing.T) {
		s := s.with(t)
		s.do("X report", chromedp.Click(chromedp.ID("x-report")))
		s.waitJS("X report", `!document.getElementById('x-report-view').hidden`)
		x := s.text("x-report-body")
		if !strings.Contains(x, "X-отчёт") || !receiptsRU.MatchString(x) || !strings.Contains(x, "Изменения цены менеджером (1)") || !strings.Contains(x, "Сторно строк\t1") ||
			!strings.Contains(x, "Баллы\t") || !strings.Contains(x, "Оплачено онлайн\t") {
			t.Fatalf("X report: %q", x)
		}
		s.shot("pos-x-report.png")
		s.do("close X", chromedp.Click(chromedp.CSS(`#x-report-view .dismiss`)))
		s.do("count the drawer", chromedp.SendKeys(chromedp.ID("counted"), "5000"), chromedp.Click(chromedp.ID("close-shift")))
		s.waitJS("Z report", `!document.getElementById('view-z').hidden`)
		z := s.text("z-report")
		if !strings.Contains(z, "Z-отчёт") || !strings.Contains(z, "Посчитано") {
			t.Fatalf("Z report: %q", z)
		}
		s.shot("pos-z-report.png")
	})

	t.Run("LanguagePerTill", func(t *testing.T) {
		s := s.with(t)
		pick := func(lang string) {
			s.do("pick "+lang, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
				`(() => { const s = document.getElementById('bar-lang'); s.value = %q; s.dispatchEvent(new Event('change')); })()`, lang)))
			s.waitJS("language "+lang, fmt.Sprintf(`document.documentElement.lang === %q`, lang))
		}
		pick("uk")
		if got := s.text("z-logout"); got != "Вийти" {
			t.Fatalf("Ukrainian log out button: %q", got)
		}
		if got := s.js(`StoreEdgePOS.t('cart.items', {n: 2}) + ' / ' + StoreEdgePOS.t('cart.items', {n: 5})`); got != "2 товари / 5 товарів" {
			t.Fatalf("Ukrainian plurals: %q", got)
		}
		// The choice is the till's: it survives a reload.
		s.do("reload", chromedp.Reload())
		s.waitJS("page ready", `document.body.dataset.ready === '1'`)
		if got := s.js(`document.documentElement.lang`); got != "uk" {
			t.Fatalf("after a reload the language is %q, want uk", got)
		}
		pick("en")
		if got := strings.ReplaceAll(s.js(`StoreEdgePOS.fmtMoney(123450)`), "\u00a0", " "); got != "RUB 1,234.50" {
			t.Fatalf("English money: %q", got)
		}
		pick("ru")
	})
}

// loginWithKeypad logs in as a cashier does: token and name typed, the PIN
// tapped on the keypad.
func loginWithKeypad(s *screen, token, cashier, pin string) {
	s.t.Helper()
	s.do("token and name", chromedp.SendKeys(chromedp.ID("terminal-token"), token), chromedp.SendKeys(chromedp.ID("cashier"), cashier))
	for _, d := range pin {
		s.do("PIN digit", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#keypad button[data-key="%c"]`, d))))
	}
	s.do("log in", chromedp.Click(chromedp.ID("login")))
	s.waitJS("logged in", `!document.getElementById('view-open').hidden || !document.getElementById('view-sell').hidden`)
}

// approve types the manager's name and PIN into the approval dialog.
func approve(s *screen, pin string) {
	s.t.Helper()
	s.waitJS("approval", `!document.getElementById('approval-panel').hidden`)
	s.do("manager approves", chromedp.Clear(chromedp.ID("approval-cashier")), chromedp.SendKeys(chromedp.ID("approval-cashier"), "boris"),
		chromedp.SendKeys(chromedp.ID("approval-pin"), pin), chromedp.Click(chromedp.ID("approval-ok")))
}

// reserveTheLast has a shopper reserve one piece of sku and sells the rest
// through the API, so that the reservation holds the last one. It returns
// the reservation's short code and the product's name.
func reserveTheLast(t *testing.T, p *proc, api *client, sku string) (string, string) {
	t.Helper()
	var prod struct {
		Name  string
		Stock struct{ Available int64 }
	}
	api.must(t, 200, "GET", "/api/v1/products/"+sku, nil, nil, &prod)
	var r struct {
		ShortCode string `json:"short_code"`
	}
	newClient(p.URL).must(t, 201, "POST", "/api/v1/reservations", map[string]any{"sku": sku, "qty": 1, "phone": "+79161112255"}, nil, &r)
	if n := prod.Stock.Available - 1; n > 0 {
		req := map[string]any{"lines": []any{map[string]any{"sku": sku, "qty": n}},
			"payments": []any{map[string]any{"method": "cash", "amount": money(100000000)}}}
		api.must(t, 201, "POST", "/api/v1/sales", req, map[string]string{"Idempotency-Key": "rest-of-" + sku}, nil)
	}
	return r.ShortCode, prod.Name
}

// scaleLabel builds the label a shop scale prints for grams of a weighed
// demo product with a scale code (layout PPCCCCCWWWWWK, prefix 20).
func scaleLabel(t *testing.T, api *client, grams int) (string, string) {
	t.Helper()
	var page struct {
		Items []struct {
			SKU       string
			ScaleCode string `json:"scale_code"`
		}
	}
	api.must(t, 200, "GET", "/api/v1/products?q=Яблоки&limit=20", nil, nil, &page)
	for _, it := range page.Items {
		if it.ScaleCode != "" {
			body := fmt.Sprintf("20%05s%05d", it.ScaleCode, grams)
			return body + string(pos.CheckDigit(body)), it.SKU
		}
	}
	t.Fatalf("no weighed demo product with a scale code: %+v", page)
	return "", ""
}

// wrongPIN returns a PIN that differs from pin in its last digit.
func wrongPIN(pin string) string {
	last := pin[len(pin)-1]
	return pin[:len(pin)-1] + string('0'+(last-'0'+1)%10)
}

// waitConnected waits until the shop's sync status says connected (or
// not) to the broker.
func waitConnected(t *testing.T, c *client, want bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var st struct{ Connected bool }
		c.must(t, 200, "GET", "/api/v1/sync/status", nil, nil, &st)
		if st.Connected == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sync status connected=%v, want %v", st.Connected, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
