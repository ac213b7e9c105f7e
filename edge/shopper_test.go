package edge_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storeedge/storeedge/edge"
	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/mock"
)

// customerKey signs the customer tokens of the tests.
var customerKey = []byte("test-customer-key-0123456789abcdef")

// Tag codes of the fixtures.
const (
	tvTag   = "TVTAG1"
	milkTag = "MILKTAG"
	kgTag   = "APPLEKG"
)

// tv is a piece product with everything a page shows, priced 1 234,56 ₽.
// Its stock numbers are distinctive so that a test can tell they leak.
func tv() *pos.Product {
	return &pos.Product{
		SKU: "TV-55", Name: "Телевизор 55\"", NameEn: "TV 55 inch", Barcodes: []string{"4601234567893"},
		Description: "Большой экран.", Unit: pos.UnitPiece, VATRate: 20, Currency: "RUB",
		Specs:  []pos.Spec{{Key: "Диагональ", Value: "55\""}, {Key: "Разрешение", Value: "3840×2160"}},
		Images: []string{"/img/tv.jpg", "https://cdn.example.com/tv.jpg", "//cdn.example.com/tv2.jpg"},
		Prices: []pos.PricePoint{{Amount: 123456, EffectiveFrom: now.Add(-24 * time.Hour)}},
		Stock:  pos.Stock{OnHand: 98765, Reserved: 11111, Available: 87654},
		Rating: 43, ReviewCount: 12,
		Reviews: []pos.Review{
			{Author: "Олег", Rating: 5, Text: "Отличный", Date: now.Add(-72 * time.Hour)},
			{Author: "Анна", Rating: 4, Text: "Хороший", Date: now.Add(-96 * time.Hour)},
			{Author: "Иван", Rating: 4, Text: "Нормальный", Date: now.Add(-120 * time.Hour)},
			{Author: "Пётр", Rating: 1, Text: "Четвёртый отзыв", Date: now.Add(-144 * time.Hour)},
		},
	}
}

// apples are weighed goods: priced per kg, sold by the gram.
func apples() *pos.Product {
	return &pos.Product{
		SKU: "APPLE", Name: "Яблоки", Barcodes: []string{"2000000000015"}, Unit: pos.UnitGram, Currency: "RUB",
		Prices: []pos.PricePoint{{Amount: 14990, EffectiveFrom: now.Add(-time.Hour)}},
		Stock:  pos.Stock{OnHand: 2500, Available: 2500},
	}
}

// fakePrinter records what it draws.
type fakePrinter struct {
	mu     sync.Mutex
	png    []pos.TagLabel
	sheets [][]pos.TagLabel
	err    error
}

func (p *fakePrinter) TagPNG(l pos.TagLabel) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.png = append(p.png, l)
	return []byte("\x89PNG tag " + l.SKU), p.err
}

func (p *fakePrinter) WriteSheet(w io.Writer, labels []pos.TagLabel) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	p.sheets = append(p.sheets, labels)
	_, err := io.WriteString(w, "%PDF-1.7 fake sheet")
	return err
}

// shopServer is a test server with the shopper and tags roles on.
type shopServer struct {
	*testServer
	Reservations mock.ReservationService
	Tags         mock.TagService
	Customers    mock.CustomerService
	Remote       mock.RemoteStockService
	Printer      fakePrinter

	mu         sync.Mutex
	tagLookups int // calls of FindSKUByTag
}

// newShopServer serves tv, milk and apples under their tags, with no rate
// limit (TestShopperRateLimit sets one), a customer key, and a customer C1
// of phone +79161234567 with a 5% discount.
func newShopServer(tb testing.TB) *shopServer {
	tb.Helper()
	s := &shopServer{testServer: newServer(tb)}
	s.ShopperEnabled, s.TagsEnabled, s.ShopperRate = true, true, -1
	s.StoreID, s.CustomerTokenKey = "S1", customerKey
	s.ReservationService, s.TagService, s.TagPrinter = &s.Reservations, &s.Tags, &s.Printer
	s.CustomerService, s.RemoteStockService = &s.Customers, &s.Remote
	s.QRPNG = func(content string) ([]byte, error) { return []byte("\x89PNG qr " + content), nil }
	products := map[string]*pos.Product{"TV-55": tv(), "MILK-1": milk(), "APPLE": apples()}
	tags := map[string]string{tvTag: "TV-55", milkTag: "MILK-1", kgTag: "APPLE"}
	s.Catalog.FindProductBySKUFn = func(_ context.Context, sku string) (*pos.Product, error) {
		if p, ok := products[sku]; ok {
			cp := *p
			return &cp, nil
		}
		return nil, pos.Errorf(pos.CodeNotFound, "no product %s", sku)
	}
	s.Catalog.FindProductByBarcodeFn = func(_ context.Context, ean string) (*pos.Product, error) {
		for _, p := range products {
			if p.Barcodes[0] == ean {
				cp := *p
				return &cp, nil
			}
		}
		return nil, pos.Errorf(pos.CodeNotFound, "no product with barcode %s", ean)
	}
	s.Tags.FindSKUByTagFn = func(_ context.Context, code string) (string, error) {
		s.mu.Lock()
		s.tagLookups++
		s.mu.Unlock()
		if sku, ok := tags[code]; ok {
			return sku, nil
		}
		return "", pos.Errorf(pos.CodeNotFound, "unknown tag")
	}
	s.Tags.TagCodeFn = func(_ context.Context, sku string) (string, error) {
		for code, v := range tags {
			if v == sku {
				return code, nil
			}
		}
		return "", pos.Errorf(pos.CodeNotFound, "no tag for %s", sku)
	}
	s.Customers.FindCustomerFn = func(_ context.Context, phone, card string) (*pos.Customer, error) {
		if phone == "+79161234567" && card == "" {
			return &pos.Customer{ID: "C1", Phone: phone, DiscountPercent: 5}, nil
		}
		return nil, pos.Errorf(pos.CodeNotFound, "no customer")
	}
	s.Remote.FindRemoteStockFn = func(_ context.Context, sku string) ([]pos.RemoteStock, error) {
		return []pos.RemoteStock{
			{Store: "S1", StoreName: "This shop", SKU: sku, Available: 5},
			{Store: "S2", StoreName: "ТЦ Север", SKU: sku, Available: 54321},
			{Store: "S3", SKU: sku, Available: 2},
			{Store: "S4", StoreName: "Юг", SKU: sku, Available: 0},
		}, nil
	}
	return s
}

func (s *shopServer) lookups() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tagLookups
}

// shopRequest is a shopper's request: no bearer token; a body is JSON
// unless it looks like a form.
func shopRequest(method, target, body string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	switch {
	case body == "":
	case strings.HasPrefix(body, "{"):
		r.Header.Set("Content-Type", "application/json")
	default:
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return r
}

// shop sends a shopper's request.
func (s *shopServer) shop(tb testing.TB, method, target, body string) (*http.Response, []byte) {
	tb.Helper()
	return s.send(tb, shopRequest(method, target, body))
}

// customerToken is a valid token of customer C1 until an hour after now.
func customerToken() string {
	return pos.SignCustomerToken(customerKey, "C1", "+79161234567", now.Add(time.Hour))
}

// wantHTML checks an HTML response's status and headers and returns the
// page as a string.
func wantHTML(tb testing.TB, res *http.Response, body []byte, status int) string {
	tb.Helper()
	if got := res.StatusCode; got != status {
		tb.Fatalf("status=%d, want %d; body=%.2000s", got, status, body)
	}
	if got, want := res.Header.Get("Content-Type"), "text/html; charset=utf-8"; got != want {
		tb.Fatalf("Content-Type=%q, want %q", got, want)
	}
	for h, want := range map[string]string{"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"} {
		if got := res.Header.Get(h); got != want {
			tb.Fatalf("%s=%q, want %q", h, got, want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		tb.Fatalf("Content-Security-Policy=%q", csp)
	}
	page := string(body)
	if !strings.HasPrefix(page, "<!doctype html>") || strings.Contains(page, "[[") {
		tb.Fatalf("page is not whole HTML or misses a message: %.300s", page)
	}
	return page
}

// mustContain fails unless page contains every one of want.
func mustContain(tb testing.TB, page string, want ...string) {
	tb.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			tb.Fatalf("page lacks %q:\n%s", w, page)
		}
	}
}

// mustNotContain fails if page contains any of bad.
func mustNotContain(tb testing.TB, page string, bad ...string) {
	tb.Helper()
	for _, b := range bad {
		if strings.Contains(page, b) {
			tb.Fatalf("page contains %q:\n%s", b, page)
		}
	}
}

// stockNumbers are tv's and the nearby shops' counts: no shopper may see them.
var stockNumbers = []string{"98765", "11111", "87654", "54321", "98 765", "87 654"}

var formTokenRE = regexp.MustCompile(`name="ft" value="([^"]+)"`)

// formToken reads the hidden form token of a tag page.
func formToken(tb testing.TB, page string) string {
	tb.Helper()
	m := formTokenRE.FindStringSubmatch(page)
	if m == nil {
		tb.Fatalf("no form token on the page:\n%s", page)
	}
	return m[1]
}

func TestServer_OpenShopper(t *testing.T) {
	for _, tc := range []struct {
		name  string
		unset func(s *shopServer)
	}{
		{"NoReservationService", func(s *shopServer) { s.ReservationService = nil }},
		{"NoTagService", func(s *shopServer) { s.TagService = nil }},
		{"NoQRPNG", func(s *shopServer) { s.QRPNG = nil }},
		{"NoTagPrinter", func(s *shopServer) { s.TagPrinter = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newShopServer(t)
			tc.unset(s)
			s.Addr = "127.0.0.1:0"
			if err := s.Open(); err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
		})
	}
	t.Run("OptionalServices", func(t *testing.T) {
		s := newShopServer(t)
		s.CustomerService, s.RemoteStockService = nil, nil
		mustOpen(t, s.testServer)
	})
}

func TestShopperDisabled(t *testing.T) {
	s := newShopServer(t)
	s.ShopperEnabled, s.TagsEnabled = false, false
	for _, path := range []string{"/t/" + tvTag, "/api/v1/instore/tags/" + tvTag, "/api/v1/price-check/4006381333931", "/api/v1/tags.pdf?stale=1"} {
		res, body := s.do(t, "GET", path, "")
		wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
	}
}

// TestShopperRateLimit checks that every shopper route is limited per
// client and says when to come back.
func TestShopperRateLimit(t *testing.T) {
	routes := []struct{ method, path, body string }{
		{"GET", "/t/" + tvTag, ""},
		{"HEAD", "/t/" + tvTag, ""},
		{"POST", "/t/" + tvTag + "/reserve", "phone=1"},
		{"POST", "/t/" + tvTag + "/order", "phone=1"},
		{"GET", "/api/v1/instore/tags/" + tvTag, ""},
		{"GET", "/api/v1/price-check/4006381333931", ""},
		{"POST", "/api/v1/reservations", `{"sku":"TV-55","qty":1}`},
		{"GET", "/api/v1/reservations/nope", ""},
		{"DELETE", "/api/v1/reservations/nope", ""},
		{"GET", "/api/v1/reservations/nope/qr.png", ""},
		{"POST", "/api/v1/orders", `{"sku":"TV-55","qty":1}`},
	}
	for _, rt := range routes {
		t.Run(rt.method+rt.path, func(t *testing.T) {
			s := newShopServer(t)
			s.ShopperRate = 2
			s.Reservations.FindReservationFn = func(context.Context, string) (*pos.Reservation, error) {
				return nil, pos.Errorf(pos.CodeNotFound, "no reservation")
			}
			s.Reservations.CancelReservationFn = s.Reservations.FindReservationFn
			for i := 0; i < 2; i++ {
				if res, body := s.shop(t, rt.method, rt.path, rt.body); res.StatusCode == http.StatusTooManyRequests {
					t.Fatalf("request %d refused: %s", i+1, body)
				}
			}
			res, body := s.shop(t, rt.method, rt.path, rt.body)
			if rt.method == "HEAD" {
				if res.StatusCode != http.StatusTooManyRequests {
					t.Fatalf("status=%d, want 429", res.StatusCode)
				}
			} else {
				wantProblem(t, res, body, http.StatusTooManyRequests, pos.CodeTooManyRequests, "")
			}
			if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || n < 1 || n > 60 {
				t.Fatalf("Retry-After=%q, want 1..60 seconds", res.Header.Get("Retry-After"))
			}
		})
	}
}

// TestShopperBodyLimit checks that shopper bodies are small.
func TestShopperBodyLimit(t *testing.T) {
	s := newShopServer(t)
	big := strings.Repeat("x", 5<<10)
	for _, rt := range []struct{ path, body string }{
		{"/api/v1/reservations", `{"sku":"TV-55","qty":1,"phone":"` + big + `"}`},
		{"/api/v1/orders", `{"sku":"TV-55","qty":1,"phone":"` + big + `"}`},
		{"/t/" + tvTag + "/reserve", "phone=" + big},
	} {
		res, body := s.shop(t, "POST", rt.path, rt.body)
		wantProblem(t, res, body, http.StatusRequestEntityTooLarge, "payload_too_large", "")
	}
}

func TestSameOrigin(t *testing.T) {
	s := newShopServer(t)
	s.Reservations.CreateReservationFn = func(context.Context, *pos.ReservationRequest) (*pos.Reservation, error) {
		t.Error("a cross-site request reached the service")
		return nil, errors.New("unexpected")
	}
	for _, h := range []struct{ name, value string }{
		{"Origin", "https://evil.example"},
		{"Origin", "null"},
		{"Referer", "https://evil.example/page"},
	} {
		t.Run(h.name+"="+h.value, func(t *testing.T) {
			r := shopRequest("POST", "/api/v1/reservations", `{"sku":"TV-55","qty":1,"phone":"+79161234567"}`)
			r.Header.Set(h.name, h.value)
			res, body := s.send(t, r)
			wantProblem(t, res, body, http.StatusForbidden, pos.CodeForbidden, "")
		})
	}
	t.Run("SameHost", func(t *testing.T) {
		s.Reservations.CreateReservationFn = func(_ context.Context, req *pos.ReservationRequest) (*pos.Reservation, error) {
			return reservation(req), nil
		}
		r := shopRequest("POST", "/api/v1/reservations", `{"sku":"TV-55","qty":1,"phone":"+79161234567"}`)
		r.Header.Set("Origin", "http://example.com")
		res, body := s.send(t, r)
		wantJSON(t, res, body, http.StatusCreated, nil)
	})
}

func TestPageSizeWorstCase(t *testing.T) {
	s := newShopServer(t)
	huge := tv()
	huge.Name = strings.Repeat("<Я>", 66)
	huge.Description = strings.Repeat("&\"<", 6000)
	huge.Specs = make([]pos.Spec, 200)
	for i := range huge.Specs {
		huge.Specs[i] = pos.Spec{Key: strings.Repeat("<", 500), Value: strings.Repeat("\"", 5000)}
	}
	huge.Images = make([]string, 32)
	for i := range huge.Images {
		huge.Images[i] = "/img/" + strings.Repeat("a", 290)
	}
	huge.Reviews = make([]pos.Review, 20)
	for i := range huge.Reviews {
		huge.Reviews[i] = pos.Review{Author: strings.Repeat("<", 100), Rating: 5, Text: strings.Repeat("&", 2000), Date: now}
	}
	s.Catalog.FindProductBySKUFn = func(context.Context, string) (*pos.Product, error) { return huge, nil }
	s.Remote.FindRemoteStockFn = func(_ context.Context, sku string) ([]pos.RemoteStock, error) {
		rows := make([]pos.RemoteStock, 200)
		for i := range rows {
			rows[i] = pos.RemoteStock{Store: "S" + strconv.Itoa(i+2), StoreName: strings.Repeat("<", 200), SKU: sku, Available: 5}
		}
		return rows, nil
	}
	r := shopRequest("GET", "/t/"+tvTag+"?ct="+customerToken(), "")
	res, body := s.send(t, r)
	page := wantHTML(t, res, body, http.StatusOK)
	if n := len(body); n >= 60_000 {
		t.Fatalf("page is %d bytes, want < 60 KB", n)
	}
	mustContain(t, page, "</html>")
}

// TestFormGuardBinding checks that a form token made for an anonymous page
// does not pass when the shopper's cookie comes along (a foreign site can
// fetch only anonymous pages).
func TestFormGuardBinding(t *testing.T) {
	s := newShopServer(t)
	s.Reservations.CreateReservationFn = func(context.Context, *pos.ReservationRequest) (*pos.Reservation, error) {
		t.Error("reserved with a token of another identity")
		return nil, errors.New("unexpected")
	}
	_, body := s.shop(t, "GET", "/t/"+tvTag, "")
	ft := formToken(t, string(body))
	r := shopRequest("POST", "/t/"+tvTag+"/reserve", "ft="+ft)
	r.AddCookie(&http.Cookie{Name: edge.CookieCustomerToken, Value: customerToken()})
	res, body := s.send(t, r)
	page := wantHTML(t, res, body, http.StatusForbidden)
	mustContain(t, page, "Страница устарела")
	if bytes.Count(body, []byte(`name="ft"`)) != 1 {
		t.Fatal("the refused page offers no fresh form")
	}
}
