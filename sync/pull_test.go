package sync_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	storesync "github.com/storeedge/storeedge/sync"
	"github.com/storeedge/storeedge/sync/synctest"
)

// pullServer speaks central's pull API from a fixed set of messages.
type pullServer struct {
	t        *testing.T
	mu       sync.Mutex
	msgs     map[string][]json.RawMessage // stream → messages, version i+1 at i
	failNext int                          // answer 503 this many times
	requests int
	// keys, when set, makes the server central: a request needs a shop
	// token of the shop it asks for, or it is refused with 401.
	keys func(string) ([]*ecdsa.PublicKey, error)
}

func (s *pullServer) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if req.URL.Path != "/api/v1/stores/"+store+"/downlink" {
		s.t.Errorf("path %q", req.URL.Path)
		http.NotFound(w, req)
		return
	}
	if s.keys != nil {
		tok, _ := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
		if got, err := storesync.VerifyShopToken(tok, s.keys, time.Now()); err != nil || got != store {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"status":401,"code":"unauthorized"}`))
			return
		}
	}
	if s.failNext > 0 {
		s.failNext--
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	q := req.URL.Query()
	stream := q.Get("stream")
	since, err1 := strconv.ParseUint(q.Get("since"), 10, 64)
	limit, err2 := strconv.Atoi(q.Get("limit"))
	if err1 != nil || err2 != nil || limit < 1 || !pos.ValidStream(stream) {
		http.Error(w, "bad query", http.StatusBadRequest)
		return
	}
	all := s.msgs[stream]
	page := storesync.PullPage{Stream: stream, Head: uint64(len(all)), Messages: []json.RawMessage{}}
	for v := since + 1; v <= uint64(len(all)) && len(page.Messages) < limit; v++ {
		page.Messages = append(page.Messages, all[v-1])
	}
	page.More = since+uint64(len(page.Messages)) < uint64(len(all))
	w.Header().Set("Content-Type", "application/json")
	b, _ := json.Marshal(page)
	_, _ = w.Write(signedBy(storesync.KindPull, store, b))
}

// Pull brings a shop with nothing up to central's head, page by page,
// through a failing answer and a bad message, without any broker.
func TestRelay_Pull(t *testing.T) {
	db := MustOpenDB(t)
	srv := &pullServer{t: t, failNext: 1, msgs: map[string][]json.RawMessage{}}
	for v := uint64(1); v <= 250; v++ {
		srv.msgs[pos.StreamCustomers] = append(srv.msgs[pos.StreamCustomers], customers(v))
	}
	srv.msgs[pos.StreamCustomers][6] = json.RawMessage(`{"stream":"customers","version":7,"items":[{"id":""}]}`)
	srv.msgs[pos.StreamCatalog] = []json.RawMessage{json.RawMessage(`{"stream":"catalog","version":1,"items":[` +
		`{"sku":"BREAD","name":"Хлеб","barcodes":[],"unit":"piece","vat_rate":10,"currency":"RUB",` +
		`"prices":[{"amount":5000,"effective_from":"2020-01-01T00:00:00Z"}],"stock":{},"updated_at":"2020-01-01T00:00:00Z"}]}`)}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	r, reg := newRelay(t, "", db)
	r.CentralURL = hs.URL + "/"
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	cursors := func() map[string]uint64 {
		c, err := bolt.NewDownlinkService(db).DownlinkCursors(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	waitFor(t, 30*time.Second, "customers pulled", func() bool { return cursors()[pos.StreamCustomers] == 250 })
	if got, want := cursors()[pos.StreamCatalog], uint64(1); got != want {
		t.Fatalf("catalog cursor=%d, want %d", got, want)
	}
	if _, err := bolt.NewCatalogService(db).FindProductBySKU(context.Background(), "BREAD"); err != nil {
		t.Fatalf("bootstrapped product: %v", err)
	}
	st := syncStatus(t, db)
	if st.DeadLetters != 1 || st.DownlinkVersions[pos.StreamCustomers] != 250 {
		t.Fatalf("status=%+v", st)
	}
	waitFor(t, 5*time.Second, "the pull counted", func() bool { return metric(t, reg, "storeedge_sync_pulls_total") >= 1 })

	t.Run("Again", func(t *testing.T) {
		srv.mu.Lock()
		before := srv.requests
		srv.msgs[pos.StreamCustomers] = append(srv.msgs[pos.StreamCustomers], customers(251))
		srv.mu.Unlock()
		closeRelay(t, r)
		r, _ := newRelay(t, "", db)
		r.CentralURL = hs.URL
		if err := r.Open(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 30*time.Second, "v251 pulled", func() bool { return cursors()[pos.StreamCustomers] == 251 })
		srv.mu.Lock()
		defer srv.mu.Unlock()
		if got := srv.requests - before; got != len(pos.Streams) {
			t.Fatalf("requests=%d, want one per stream", got)
		}
	})
}

// A downlink (re)connect pulls: what central published while no session
// existed still arrives.
func TestRelay_PullOnConnect(t *testing.T) {
	b := synctest.StartBroker(t)
	b.Stop()
	db := MustOpenDB(t)
	srv := &pullServer{t: t, msgs: map[string][]json.RawMessage{}}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	r, _ := newRelay(t, b.URL, db)
	r.CentralURL = hs.URL
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the first pull", func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return srv.requests >= len(pos.Streams)
	})
	srv.mu.Lock()
	srv.msgs[pos.StreamCustomers] = []json.RawMessage{customers(1)}
	srv.mu.Unlock()
	b.Start()
	waitFor(t, 30*time.Second, "pulled on connect", func() bool {
		c, _ := bolt.NewDownlinkService(db).DownlinkCursors(context.Background())
		return c[pos.StreamCustomers] == 1
	})
}

// A relay with the shop's key signs every pull: a central that requires
// shop tokens serves it.
func TestRelay_PullShopToken(t *testing.T) {
	db := MustOpenDB(t)
	key := mustKey(t)
	srv := &pullServer{t: t, msgs: map[string][]json.RawMessage{pos.StreamCustomers: {customers(1), customers(2)}},
		keys: keyring(map[string][]*ecdsa.PublicKey{store: {&key.PublicKey}})}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	r, _ := newRelay(t, "", db)
	r.CentralURL, r.ShopKey = hs.URL, key
	if err := r.Open(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "customers pulled", func() bool {
		c, _ := bolt.NewDownlinkService(db).DownlinkCursors(context.Background())
		return c[pos.StreamCustomers] == 2
	})
}

// A 401 says plainly what is wrong: no identity at all, or a token
// central refuses (not enrolled, revoked, clock).
func TestRelay_PullUnauthorized(t *testing.T) {
	keys := keyring(map[string][]*ecdsa.PublicKey{store: {&mustKey(t).PublicKey}})
	for _, tc := range []struct {
		name string
		key  *ecdsa.PrivateKey
		want string
	}{
		{"NoIdentity", nil, "this shop has no sync identity"},
		{"KeyNotEnrolled", mustKey(t), "central refused the shop token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := &pullServer{t: t, msgs: map[string][]json.RawMessage{}, keys: keys}
			hs := httptest.NewServer(srv)
			defer hs.Close()
			r, _ := newRelay(t, "", MustOpenDB(t))
			logs := &lockedBuffer{}
			r.Logger = slog.New(slog.NewTextHandler(logs, nil))
			r.CentralURL, r.ShopKey = hs.URL, tc.key
			r.Insecure = tc.key == nil // only a lab runs without an identity
			if err := r.Open(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, 10*time.Second, "the 401 logged", func() bool { return strings.Contains(logs.String(), tc.want) })
			if got := logs.String(); !strings.Contains(got, "unauthorized") || strings.Contains(got, "ses1.") {
				t.Fatalf("log %q: want central's answer and no token", got)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if srv.requests != 1 {
				t.Fatalf("%d requests: a 401 is not retried at once", srv.requests)
			}
		})
	}
}

// lockedBuffer is a log destination safe for the relay's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
