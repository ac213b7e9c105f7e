package central_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	storesync "github.com/storeedge/storeedge/sync"
	"github.com/storeedge/storeedge/sync/central"
)

func mustKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// enrolled answers the shops' keys as the PKI registry would: a store
// without a key is an error.
func enrolled(keys map[string]*ecdsa.PrivateKey) func(string) ([]*ecdsa.PublicKey, error) {
	return func(store string) ([]*ecdsa.PublicKey, error) {
		if k, ok := keys[store]; ok {
			return []*ecdsa.PublicKey{&k.PublicKey}, nil
		}
		return nil, errors.New("not enrolled")
	}
}

func shopToken(t *testing.T, store string, key *ecdsa.PrivateKey, at time.Time) string {
	t.Helper()
	tok, err := storesync.ShopToken(store, key, at)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// wantProblem checks a refusal: its status, problem+json with code, and
// the Bearer challenge on a 401.
func wantProblem(t *testing.T, method, url, token string, status int, code string) central.Problem {
	t.Helper()
	var body io.Reader // a valid downlink: only the credential is wrong
	if method == http.MethodPost {
		body = strings.NewReader(`{"stream":"prices","items":[{"sku":"A1","prices":[{"amount":1,"effective_from":"2024-01-01T00:00:00Z"}]}]}`)
	}
	got, header, b := request(t, method, url, token, body)
	var p central.Problem
	if err := json.Unmarshal(b, &p); err != nil || got != status || p.Code != code || p.Status != status ||
		header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%s %s: %d %s %s, want %d problem %q", method, url, got, header.Get("Content-Type"), b, status, code)
	}
	if challenge := header.Get("WWW-Authenticate"); (status == 401) != strings.HasPrefix(challenge, "Bearer") {
		t.Fatalf("%s %s: %d with WWW-Authenticate %q", method, url, got, challenge)
	}
	return p
}

// TestAuth covers who reaches central's HTTP API: nobody without a valid
// credential, a viewer only to read, an admin to everything, a shop only
// to its own store.
func TestAuth(t *testing.T) {
	h := newLabHarness(t) // plain pages: this is about who may ask, trust_test.go about what they get
	k1, k2 := mustKey(t), mustKey(t)
	c := h.startCentral(t, func(s *central.Server) {
		s.ShopKeys = enrolled(map[string]*ecdsa.PrivateKey{"msk-001": k1, "msk-002": k2})
	})
	admin, viewer := h.addToken(t, central.RoleAdmin), h.addToken(t, central.RoleViewer)
	customers := c.URL() + "/api/v1/stores/msk-001/downlink?stream=customers"
	body := map[string]any{"stream": "customers", "items": []any{map[string]any{"id": "c1", "name": "Anna", "phone": "+79161234567"}}}
	if code := post(t, admin, c.URL()+"/api/v1/downlink", body, nil); code != 201 {
		t.Fatalf("admin POST downlink: %d", code)
	}

	t.Run("NoToken", func(t *testing.T) {
		p := wantProblem(t, "GET", customers, "", 401, "unauthorized")
		if p.Title != "Unauthorized" || p.Detail == "" {
			t.Fatalf("problem %+v", p)
		}
		for _, route := range []struct{ method, path string }{
			{"GET", "/api/v1/stores"}, {"GET", "/api/v1/stores/msk-001"},
			{"GET", "/api/v1/stores/msk-002/downlink?stream=prices"}, {"POST", "/api/v1/downlink"},
		} {
			wantProblem(t, route.method, c.URL()+route.path, "", 401, "unauthorized")
		}
	})
	t.Run("UnknownToken", func(t *testing.T) {
		for _, tok := range []string{"seo_" + strings.Repeat("A", 43), admin + "x", "hello", "ses1.msk-001.1.AAAA"} {
			wantProblem(t, "GET", customers, tok, 401, "unauthorized")
		}
		req, _ := http.NewRequest("GET", customers, nil)
		req.SetBasicAuth("admin", admin) // the right secret, the wrong scheme
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Fatalf("basic auth: %d, want 401", resp.StatusCode)
		}
	})
	t.Run("Viewer", func(t *testing.T) {
		var page storesync.PullPage
		if code := getJSON(t, viewer, customers, &page); code != 200 || len(page.Messages) != 1 {
			t.Fatalf("viewer pull: %d %+v", code, page)
		}
		if code := getJSON(t, viewer, c.URL()+"/api/v1/stores", nil); code != 200 {
			t.Fatalf("viewer list: %d", code)
		}
		wantProblem(t, "POST", c.URL()+"/api/v1/downlink", viewer, 403, "forbidden")
	})
	t.Run("Admin", func(t *testing.T) {
		var created central.DownlinkCreated
		if code := post(t, admin, c.URL()+"/api/v1/downlink", map[string]any{"store": "msk-002", "stream": "prices",
			"items": []any{priceItem("A1", 100)}}, &created); code != 201 || created.Store == nil {
			t.Fatalf("admin POST: %d %+v", code, created)
		}
		if code := getJSON(t, admin, c.URL()+"/api/v1/stores", nil); code != 200 {
			t.Fatalf("admin list: %d", code)
		}
	})
	t.Run("Revoked", func(t *testing.T) {
		tok := h.addToken(t, central.RoleViewer)
		if code := getJSON(t, tok, customers, nil); code != 200 {
			t.Fatalf("before revoke: %d", code)
		}
		name := h.tokenName(t, tok)
		if err := central.RevokeToken(context.Background(), h.db, name); err != nil {
			t.Fatal(err)
		}
		wantProblem(t, "GET", customers, tok, 401, "unauthorized")
		if err := central.RevokeToken(context.Background(), h.db, name); pos.ErrorCode(err) != pos.CodeNotFound {
			t.Fatalf("revoke again: %v, want not_found", err)
		}
	})
	t.Run("Shop", func(t *testing.T) {
		tok := shopToken(t, "msk-001", k1, time.Now())
		var page storesync.PullPage
		if code := getJSON(t, tok, customers, &page); code != 200 || len(page.Messages) != 1 {
			t.Fatalf("own pull: %d %+v", code, page)
		}
		if code := getJSON(t, tok, c.URL()+"/api/v1/stores/msk-001", nil); code != 404 { // allowed; no status yet
			t.Fatalf("own store: %d, want 404", code)
		}
		wantProblem(t, "GET", c.URL()+"/api/v1/stores/msk-002/downlink?stream=customers", tok, 403, "forbidden")
		wantProblem(t, "GET", c.URL()+"/api/v1/stores/msk-002", tok, 403, "forbidden")
		wantProblem(t, "GET", c.URL()+"/api/v1/stores", tok, 403, "forbidden")
		wantProblem(t, "POST", c.URL()+"/api/v1/downlink", tok, 403, "forbidden")
	})
	t.Run("ShopExpired", func(t *testing.T) {
		p := wantProblem(t, "GET", customers, shopToken(t, "msk-001", k1, time.Now().Add(-11*time.Minute)), 401, "unauthorized")
		if !strings.Contains(p.Detail, "clock") {
			t.Fatalf("detail %q does not point at the clock", p.Detail)
		}
		wantProblem(t, "GET", customers, shopToken(t, "msk-001", k1, time.Now().Add(11*time.Minute)), 401, "unauthorized")
	})
	t.Run("ShopKeyNotEnrolled", func(t *testing.T) {
		wantProblem(t, "GET", customers, shopToken(t, "msk-001", mustKey(t), time.Now()), 401, "unauthorized")
		wantProblem(t, "GET", customers, shopToken(t, "msk-001", k2, time.Now()), 401, "unauthorized")
		wantProblem(t, "GET", c.URL()+"/api/v1/stores/msk-009/downlink?stream=customers",
			shopToken(t, "msk-009", k1, time.Now()), 401, "unauthorized")
	})
	t.Run("Open", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
			if code, _, _ := request(t, "GET", c.URL()+path, "", nil); code != 200 {
				t.Fatalf("GET %s without a token: %d", path, code)
			}
		}
	})
	t.Run("Metrics", func(t *testing.T) {
		if n := metric(t, c, `storeedge_central_http_denied_total{code="unauthorized"}`); n < 10 {
			t.Fatalf("denied unauthorized = %v", n)
		}
		if n := metric(t, c, `storeedge_central_http_denied_total{code="forbidden"}`); n < 5 {
			t.Fatalf("denied forbidden = %v", n)
		}
	})
	t.Run("NoShopKeys", func(t *testing.T) { // a replica without the PKI refuses shop tokens
		other := h.startCentral(t)
		wantProblem(t, "GET", other.URL()+"/api/v1/stores/msk-001/downlink?stream=customers",
			shopToken(t, "msk-001", k1, time.Now()), 401, "unauthorized")
		if code := getJSON(t, viewer, other.URL()+"/api/v1/stores/msk-001/downlink?stream=customers", nil); code != 200 {
			t.Fatalf("office token on the other replica: %d", code)
		}
	})
}

func TestAddToken(t *testing.T) {
	h := newHarness(t)
	h.startCentral(t) // migrates
	ctx := context.Background()
	tok, err := central.AddToken(ctx, h.db, "office", central.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, "seo_") || len(tok) != 4+43 {
		t.Fatalf("token %q is not seo_ + base64url of 32 bytes", tok)
	}
	if n := h.count(t, `SELECT count(*) FROM office_tokens WHERE token_hash = sha256($1::bytea) AND role = 'admin'`, []byte(tok)); n != 1 {
		t.Fatalf("%d rows hold the token's hash", n)
	}
	if n := h.count(t, `SELECT count(*) FROM office_tokens WHERE position($1::bytea in token_hash) > 0`, []byte(tok[4:12])); n != 0 {
		t.Fatal("the token itself is stored")
	}
	for _, tc := range []struct {
		name string
		role central.Role
		code string
	}{
		{"office", central.RoleViewer, pos.CodeConflict},
		{"", central.RoleViewer, pos.CodeValidationFailed},
		{"anna petrova", central.RoleViewer, pos.CodeValidationFailed},
		{"shop", central.RoleShop, pos.CodeValidationFailed},
		{"root", "root", pos.CodeValidationFailed},
	} {
		if _, err := central.AddToken(ctx, h.db, tc.name, tc.role); pos.ErrorCode(err) != tc.code {
			t.Errorf("AddToken(%q, %q) = %v, want %s", tc.name, tc.role, err, tc.code)
		}
	}
}

// tokenName finds an office token's name by its hash.
func (h *harness) tokenName(t *testing.T, token string) string {
	t.Helper()
	var name string
	if err := h.db.QueryRow(context.Background(), `SELECT name FROM office_tokens WHERE token_hash = sha256($1::bytea)`,
		[]byte(token)).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}
