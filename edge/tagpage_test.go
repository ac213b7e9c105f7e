package edge_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/edge"
	"github.com/storeedge/storeedge/pos"
)

func TestTagPage(t *testing.T) {
	s := newShopServer(t)
	t.Run("OK", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/t/"+tvTag, "")
		page := wantHTML(t, res, body, http.StatusOK)
		if n := len(body); n >= 60_000 {
			t.Fatalf("page is %d bytes, want < 60 KB", n)
		}
		mustContain(t, page, `<html lang="ru">`, "Телевизор 55&#34;", `<span id="price">1 234,56 ₽</span>`,
			"Диагональ", "3840×2160", "Большой экран.", "4,3 из 5", "12 отзывов", "Олег", "Анна", "Иван",
			`class="in_stock">есть в наличии`, `id="reserve"`, `id="order"`, `name="phone"`,
			`action="/t/TVTAG1/reserve"`, `formaction="/t/TVTAG1/order"`, `href="/t/TVTAG1?lang=en"`,
			`<img src="/img/tv.jpg"`, "ТЦ Север: <span class=\"in_stock\">", "S3: <span class=\"few\">", "Юг: <span class=\"none\">")
		mustNotContain(t, page, "Четвёртый отзыв", "cdn.example.com", "<script", "This shop", "Ваша цена", "http://", "https://")
		mustNotContain(t, page, stockNumbers...)
	})
	t.Run("Head", func(t *testing.T) {
		res, body := s.shop(t, "HEAD", "/t/"+tvTag, "")
		if got, want := res.StatusCode, http.StatusOK; got != want {
			t.Fatalf("status=%d, want %d", got, want)
		}
		if len(body) != 0 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("HEAD body=%d bytes, Content-Type=%q", len(body), res.Header.Get("Content-Type"))
		}
	})
	t.Run("Promotion", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/t/"+milkTag, "")
		page := wantHTML(t, res, body, http.StatusOK)
		mustContain(t, page, `<span id="price">80,91 ₽</span>`, `<s id="old-price">89,90 ₽</s>`, "Акция до "+now.Add(24*time.Hour).Local().Format("02.01.2006 15:04"))
		mustNotContain(t, page, "99,90") // the price rise to come is not shown
	})
	t.Run("Weighed", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/t/"+kgTag, "")
		page := wantHTML(t, res, body, http.StatusOK)
		mustContain(t, page, "149,90 ₽</span> <small>за кг</small>", "взвесим на кассе", `class="few">осталось мало`)
		mustNotContain(t, page, "<form", "2500", "2 500")
	})
	t.Run("FewLeft", func(t *testing.T) {
		s := newShopServer(t)
		s.Catalog.FindProductBySKUFn = func(context.Context, string) (*pos.Product, error) {
			p := tv()
			p.Stock = pos.Stock{OnHand: 5, Reserved: 2, Available: 3}
			return p, nil
		}
		_, body := s.shop(t, "GET", "/t/"+tvTag, "")
		mustContain(t, string(body), `class="few">осталось мало`, `id="reserve"`)
	})
	t.Run("NoneHere", func(t *testing.T) {
		s := newShopServer(t)
		s.Catalog.FindProductBySKUFn = func(context.Context, string) (*pos.Product, error) {
			p := tv()
			p.Stock = pos.Stock{OnHand: 1, Reserved: 1}
			return p, nil
		}
		_, body := s.shop(t, "GET", "/t/"+tvTag, "")
		page := string(body)
		mustContain(t, page, `class="none">нет в наличии`, `id="order"`, `action="/t/TVTAG1/order"`)
		mustNotContain(t, page, `id="reserve"`)
	})
	t.Run("NoPriceYet", func(t *testing.T) {
		s := newShopServer(t)
		s.Catalog.FindProductBySKUFn = func(context.Context, string) (*pos.Product, error) {
			p := tv()
			p.Prices[0].EffectiveFrom = now.Add(time.Hour)
			return p, nil
		}
		res, body := s.shop(t, "GET", "/t/"+tvTag, "")
		mustContain(t, wantHTML(t, res, body, http.StatusOK), "Цена уточняется")
	})
}

func TestTagPage_Language(t *testing.T) {
	s := newShopServer(t)
	tests := []struct {
		name, target, accept string
		want                 []string
	}{
		{"AcceptEnglish", "/t/" + tvTag, "en-US,en;q=0.9", []string{`<html lang="en">`, "TV 55 inch", "₽1,234.56", "4.3 out of 5", "12 reviews", `href="/t/TVTAG1?lang=ru"`, "Reserve here for 24 h"}},
		{"PreferRussian", "/t/" + tvTag, "de, en;q=0.5, ru;q=0.8", []string{`<html lang="ru">`, "1 234,56 ₽", "Забронировать"}},
		{"Default", "/t/" + tvTag, "fr-FR", []string{`<html lang="ru">`, "Телевизор"}},
		{"QueryWins", "/t/" + tvTag + "?lang=en", "ru", []string{`<html lang="en">`, "TV 55 inch"}},
		{"SwitchBack", "/t/" + tvTag + "?lang=ru", "en", []string{`<html lang="ru">`, "Телевизор"}},
		{"NoEnglishName", "/t/" + kgTag + "?lang=en", "", []string{"Яблоки", "per kg"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := shopRequest("GET", tc.target, "")
			r.Header.Set("Accept-Language", tc.accept)
			res, body := s.send(t, r)
			mustContain(t, wantHTML(t, res, body, http.StatusOK), tc.want...)
		})
	}
}

func TestTagPage_UnknownTag(t *testing.T) {
	s := newShopServer(t)
	t.Run("Unknown", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/t/NOSUCHTAG", "")
		mustContain(t, wantHTML(t, res, body, http.StatusNotFound), "Ценник не найден")
	})
	t.Run("English", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/t/NOSUCHTAG?lang=en", "")
		mustContain(t, wantHTML(t, res, body, http.StatusNotFound), "Unknown tag")
	})
	t.Run("ProductGone", func(t *testing.T) {
		s := newShopServer(t)
		s.Catalog.FindProductBySKUFn = func(context.Context, string) (*pos.Product, error) {
			return nil, pos.Errorf(pos.CodeNotFound, "deleted")
		}
		res, body := s.shop(t, "GET", "/t/"+tvTag, "")
		mustContain(t, wantHTML(t, res, body, http.StatusNotFound), "Ценник не найден")
	})
	for _, code := range []string{"%00", "a%20b", "%D0%AF", strings.Repeat("A", 65), "a%2Fb", "%3Cscript%3E"} {
		t.Run("Garbled/"+code, func(t *testing.T) {
			before := s.lookups()
			res, body := s.shop(t, "GET", "/t/"+code, "")
			page := wantHTML(t, res, body, http.StatusNotFound)
			mustContain(t, page, "Ценник не найден")
			mustNotContain(t, page, "<script>")
			if s.lookups() != before {
				t.Fatal("a garbled code reached the TagService")
			}
		})
	}
	t.Run("JSON", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/api/v1/instore/tags/NOSUCHTAG", "")
		wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
	})
}

func TestTagPage_InternalError(t *testing.T) {
	s := newShopServer(t)
	s.Tags.FindSKUByTagFn = func(context.Context, string) (string, error) {
		return "", errors.New("bolt: page 42 corrupt")
	}
	res, body := s.shop(t, "GET", "/t/"+tvTag, "")
	page := wantHTML(t, res, body, http.StatusInternalServerError)
	mustContain(t, page, "Что-то пошло не так")
	mustNotContain(t, page, "corrupt")
	if logs := s.logs.String(); !strings.Contains(logs, "page 42 corrupt") || !strings.Contains(logs, "error_id=") {
		t.Fatalf("the cause is not logged with an ID: %s", logs)
	}
}

func TestTagPage_PersonalPrice(t *testing.T) {
	personal := "1 172,83 ₽" // 1 234,56 less 5% (61,73)
	t.Run("QueryToken", func(t *testing.T) {
		s := newShopServer(t)
		res, body := s.shop(t, "GET", "/t/"+tvTag+"?ct="+url.QueryEscape(customerToken()), "")
		page := wantHTML(t, res, body, http.StatusOK)
		mustContain(t, page, "Ваша цена", personal, "Вы вошли")
		mustNotContain(t, page, `name="phone"`) // the token has the phone
		c := cookieOf(res, edge.CookieCustomerToken)
		if c == nil || c.Value != customerToken() || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
			t.Fatalf("cookie %+v, want the token, HttpOnly, SameSite=Lax, Path=/", c)
		}
	})
	t.Run("Cookie", func(t *testing.T) {
		s := newShopServer(t)
		r := shopRequest("GET", "/t/"+tvTag, "")
		r.AddCookie(&http.Cookie{Name: edge.CookieCustomerToken, Value: customerToken()})
		res, body := s.send(t, r)
		mustContain(t, wantHTML(t, res, body, http.StatusOK), personal)
		if c := cookieOf(res, edge.CookieCustomerToken); c != nil {
			t.Fatalf("cookie set again: %+v", c)
		}
	})
	t.Run("OnPromoPrice", func(t *testing.T) {
		s := newShopServer(t)
		r := shopRequest("GET", "/t/"+milkTag, "")
		r.AddCookie(&http.Cookie{Name: edge.CookieCustomerToken, Value: customerToken()})
		res, body := s.send(t, r)
		mustContain(t, wantHTML(t, res, body, http.StatusOK), `<b id="personal-price">76,86 ₽</b>`) // 80,91 less 5%
	})
	refused := map[string]string{
		"Expired":      pos.SignCustomerToken(customerKey, "C1", "+79161234567", now.Add(-time.Second)),
		"Forged":       pos.SignCustomerToken([]byte("another key"), "C1", "+79161234567", now.Add(time.Hour)),
		"Garbage":      "not-a-token",
		"OtherID":      pos.SignCustomerToken(customerKey, "C2", "+79161234567", now.Add(time.Hour)), // the phone moved
		"UnknownPhone": pos.SignCustomerToken(customerKey, "C9", "+79990000000", now.Add(time.Hour)),
	}
	for name, tok := range refused {
		t.Run(name, func(t *testing.T) {
			s := newShopServer(t)
			res, body := s.shop(t, "GET", "/t/"+tvTag+"?ct="+url.QueryEscape(tok), "")
			page := wantHTML(t, res, body, http.StatusOK)
			mustContain(t, page, "1 234,56 ₽")
			mustNotContain(t, page, "Ваша цена", personal)
		})
	}
	t.Run("NoCookieForBadToken", func(t *testing.T) {
		s := newShopServer(t)
		res, _ := s.shop(t, "GET", "/t/"+tvTag+"?ct="+url.QueryEscape(refused["Forged"]), "")
		if c := cookieOf(res, edge.CookieCustomerToken); c != nil {
			t.Fatalf("a forged token was kept: %+v", c)
		}
	})
	t.Run("IdentificationOff", func(t *testing.T) {
		s := newShopServer(t)
		s.CustomerTokenKey = nil
		_, body := s.shop(t, "GET", "/t/"+tvTag+"?ct="+url.QueryEscape(customerToken()), "")
		mustNotContain(t, string(body), "Ваша цена", personal)
	})
}

func cookieOf(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func FuzzTagPageCode(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds run without -short")
	}
	for _, seed := range []string{tvTag, milkTag, "", "x", "TVTAG", "TVTAG1 ", "%00", "../..", "a/b", "Я", "TVTAG1?lang=en", strings.Repeat("Z", 70),
		strings.Repeat("Я", 1000), strings.Repeat("Z", 5000)} {
		f.Add(seed)
	}
	s := newShopServer(f)
	mustOpen(f, s.testServer)
	f.Fuzz(func(t *testing.T, code string) {
		target := "/t/" + url.PathEscape(code)
		req := shopRequest("GET", target, "")
		head, err := httputil.DumpRequest(req, false) // what app.Test sends
		if err != nil {
			t.Fatal(err)
		}
		var res *http.Response
		var body []byte
		if len(head) > fiber.DefaultReadBufferSize-64 {
			// Near or past the read buffer's size: app.Test would return
			// fasthttp's error instead of the answer a client gets.
			res, body = rawRequest(t, s.URL(), string(head))
		} else {
			res, body = s.send(t, req)
		}
		switch {
		case len(head) > fiber.DefaultReadBufferSize:
			// The request line does not fit fasthttp's read buffer.
			wantProblem(t, res, body, http.StatusRequestHeaderFieldsTooLarge, "header_too_large", "")
		case len(head) > fiber.DefaultReadBufferSize-64 && res.StatusCode == http.StatusRequestHeaderFieldsTooLarge:
			// At the buffer's edge: fasthttp's own framing decides.
		case code == tvTag || code == milkTag || code == kgTag:
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status=%d", target, res.StatusCode)
			}
		case res.StatusCode == http.StatusOK:
			t.Fatalf("GET %s (code %q) showed a product", target, code)
		case res.StatusCode >= 500:
			t.Fatalf("GET %s: status=%d: %s", target, res.StatusCode, body)
		}
	})
}
