package central_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	gosync "sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/storeedge/storeedge/pos"
	storesync "github.com/storeedge/storeedge/sync"
	"github.com/storeedge/storeedge/sync/central"
)

// post sends a JSON body with token and decodes the answer into v; it
// returns the status.
func post(t *testing.T, token, url string, body any, v any) int {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	code, _, out := request(t, http.MethodPost, url, token, bytes.NewReader(b))
	if v != nil {
		if err := json.Unmarshal(out, v); err != nil {
			t.Fatalf("POST %s: %d %s: %v", url, code, out, err)
		}
	}
	return code
}

func priceItem(sku string, amount int64) map[string]any {
	return map[string]any{"sku": sku, "prices": []any{map[string]any{"amount": amount, "effective_from": "2024-01-01T00:00:00Z"}}, "promotions": []any{}}
}

// downlinkLog records downlink messages published on the broker.
type downlinkLog struct {
	mu   gosync.Mutex
	msgs map[string][]pos.Downlink // by topic
}

func (h *harness) watchDownlink(t *testing.T) *downlinkLog {
	l := &downlinkLog{msgs: map[string][]pos.Downlink{}}
	handle := func(_ mqtt.Client, m mqtt.Message) {
		d, err := storesync.DecodeDownlink(m.Payload())
		if err != nil {
			t.Errorf("downlink on %s: %v", m.Topic(), err)
			return
		}
		l.mu.Lock()
		l.msgs[m.Topic()] = append(l.msgs[m.Topic()], *d)
		l.mu.Unlock()
	}
	mustToken(t, h.client.Subscribe(storesync.TopicRoot+"/stores/+/downlink", 1, handle))
	mustToken(t, h.client.Subscribe(storesync.AllDownlinkTopic, 1, handle))
	return l
}

func (l *downlinkLog) versions(topic string) []uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []uint64
	for _, d := range l.msgs[topic] {
		out = append(out, d.Version)
	}
	return out
}

func TestDownlink_PostAndPull(t *testing.T) {
	h := newLabHarness(t) // the signed downlink: trust_test.go
	c := h.startCentral(t)
	admin, viewer := h.addToken(t, central.RoleAdmin), h.addToken(t, central.RoleViewer)
	watch := h.watchDownlink(t)
	var want = map[string][]uint64{} // pull answer per store
	postOne := func(store string, amount int64) uint64 {
		t.Helper()
		body := map[string]any{"stream": "prices", "items": []any{priceItem("A1", amount)}}
		if store != "" {
			body["store"] = store
		}
		var created central.DownlinkCreated
		if code := post(t, admin, c.URL()+"/api/v1/downlink", body, &created); code != 201 {
			t.Fatalf("POST downlink: %d", code)
		}
		if created.Stream != "prices" || (store == "") != (created.Store == nil) {
			t.Fatalf("created %+v", created)
		}
		for _, s := range []string{"s1", "s2"} {
			if store == "" || store == s {
				want[s] = append(want[s], created.Version)
			}
		}
		return created.Version
	}
	all1 := postOne("", 100)
	s1 := postOne("s1", 200)
	s2 := postOne("s2", 300)
	all2 := postOne("", 400)
	if !(all1 < s1 && s1 < s2 && s2 < all2) {
		t.Fatalf("versions %d %d %d %d do not increase", all1, s1, s2, all2)
	}
	// Another stream shares the sequence but not the pages.
	var other central.DownlinkCreated
	post(t, admin, c.URL()+"/api/v1/downlink", map[string]any{"stream": "stock",
		"items": []any{map[string]any{"store": "s9", "sku": "A1", "available": 3, "at": time.Now().UTC()}}}, &other)

	waitFor(t, 10*time.Second, "downlink on the broker", func() bool {
		return len(watch.versions(storesync.AllDownlinkTopic)) == 3 && len(watch.versions(storesync.DownlinkTopic("s1"))) == 1 &&
			len(watch.versions(storesync.DownlinkTopic("s2"))) == 1
	})
	if got := watch.versions(storesync.DownlinkTopic("s1")); got[0] != s1 {
		t.Fatalf("s1 topic got versions %v, want [%d]", got, s1)
	}

	for store, versions := range want {
		t.Run(store, func(t *testing.T) { checkPull(t, viewer, c.URL(), store, versions) })
	}
}

// checkPull pages through a store's prices with every limit and checks
// the versions, head and more flags.
func checkPull(t *testing.T, token, base, store string, want []uint64) {
	head := want[len(want)-1]
	for limit := 1; limit <= len(want)+1; limit++ {
		var got []uint64
		since := uint64(0)
		for page := 0; ; page++ {
			var p storesync.PullPage
			url := fmt.Sprintf("%s/api/v1/stores/%s/downlink?stream=prices&since=%d&limit=%d", base, store, since, limit)
			if code := getJSON(t, token, url, &p); code != 200 {
				t.Fatalf("GET %s: %d", url, code)
			}
			if p.Stream != "prices" || p.Head != head {
				t.Fatalf("page %+v, want stream prices head %d", p, head)
			}
			for _, m := range decodeMessages(t, &p) {
				if m.Stream != "prices" || len(m.Items) != 1 {
					t.Fatalf("message %+v", m)
				}
				got = append(got, m.Version)
				since = m.Version
			}
			if wantMore := len(got) < len(want); p.More != wantMore {
				t.Fatalf("limit %d page %d: more=%v after %v", limit, page, p.More, got)
			}
			if !p.More {
				break
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("limit %d: versions %v, want %v", limit, got, want)
		}
	}
	var p storesync.PullPage
	getJSON(t, token, fmt.Sprintf("%s/api/v1/stores/%s/downlink?stream=prices&since=%d", base, store, head), &p)
	if len(p.Messages) != 0 || p.More || p.Head != head {
		t.Fatalf("caught-up page %+v", p)
	}
}

// decodeMessages decodes a pull page's messages.
func decodeMessages(t *testing.T, p *storesync.PullPage) []pos.Downlink {
	t.Helper()
	out := make([]pos.Downlink, len(p.Messages))
	for i, m := range p.Messages {
		if err := json.Unmarshal(m, &out[i]); err != nil {
			t.Fatalf("messages[%d] %s: %v", i, m, err)
		}
	}
	return out
}

// TestDownlink_PullShape pins the pull API's exact JSON: field names and
// order, messages never null, items compacted and HTML-escaped as
// encoding/json does.
func TestDownlink_PullShape(t *testing.T) {
	h := newLabHarness(t) // the signed downlink: trust_test.go
	c := h.startCentral(t)
	admin := h.addToken(t, central.RoleAdmin)
	body := `{"stream":"customers","items":[ {"name": "<b>A & B</b>", "id":"c1", "phone":"+79161234567"} ]}`
	if code, _, b := request(t, http.MethodPost, c.URL()+"/api/v1/downlink", admin, strings.NewReader(body)); code != 201 {
		t.Fatalf("POST: %d %s", code, b)
	}
	for _, tc := range []struct{ query, want string }{
		// A customers item goes down as central's profile with its balance
		// (customer.go), so it has loyalty_points and discount_percent.
		{"stream=customers", `{"stream":"customers","head":1,"messages":[{"stream":"customers","version":1,"items":[{"id":"c1","name":"\u003cb\u003eA \u0026 B\u003c/b\u003e","phone":"+79161234567","loyalty_points":0,"discount_percent":0}]}],"more":false}` + "\n"},
		{"stream=customers&since=1", `{"stream":"customers","head":1,"messages":[],"more":false}` + "\n"},
		{"stream=catalog", `{"stream":"catalog","head":0,"messages":[],"more":false}` + "\n"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			_, _, got := request(t, http.MethodGet, c.URL()+"/api/v1/stores/s1/downlink?"+tc.query, admin, nil)
			if string(got) != tc.want {
				t.Fatalf("body\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestDownlink_Validation(t *testing.T) {
	h := newLabHarness(t) // the signed downlink: trust_test.go
	c := h.startCentral(t)
	admin := h.addToken(t, central.RoleAdmin)
	for _, tc := range []struct {
		name  string
		body  string
		code  int
		field string
	}{
		{"NotJSON", `{"stream":`, 400, ""},
		{"UnknownField", `{"stream":"prices","items":[],"itmes":[]}`, 400, ""},
		{"UnknownStream", `{"stream":"gossip","items":[{}]}`, 400, "stream"},
		{"BadStore", `{"store":"S 1","stream":"prices","items":[{}]}`, 400, "store"},
		{"NoItems", `{"stream":"prices","items":[]}`, 400, "items"},
		{"ItemNotObject", `{"stream":"prices","items":[1]}`, 400, "items[0]"},
		{"BadItem", `{"stream":"prices","items":[{"sku":"A1","prices":[{"amount":100,"effective_from":"2024-01-01T00:00:00Z"}]},{"sku":"","prices":[]}]}`, 400, "items[1].sku"},
		{"UnknownItemField", `{"stream":"customers","items":[{"id":"c1","phone":"+79161234567","age":3}]}`, 400, "items[0]"},
		{"NULInItem", `{"stream":"customers","items":[{"id":"c\u0000","phone":"+79161234567"}]}`, 400, "items[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, header, b := request(t, http.MethodPost, c.URL()+"/api/v1/downlink", admin, strings.NewReader(tc.body))
			var p central.Problem
			if err := json.Unmarshal(b, &p); err != nil {
				t.Fatal(err)
			}
			if code != tc.code || p.Code != "validation_failed" || p.Field != tc.field ||
				header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%d %s %+v, want %d field %q", code, header.Get("Content-Type"), p, tc.code, tc.field)
			}
		})
	}
	if got := h.count(t, `SELECT count(*) FROM downlink`); got != 0 {
		t.Fatalf("%d messages stored by refused requests", got)
	}
	for _, q := range []string{"stream=gossip", "stream=prices&since=-1", "stream=prices&limit=0", "stream=prices&limit=x", ""} {
		var p central.Problem
		if code := getJSON(t, admin, c.URL()+"/api/v1/stores/s1/downlink?"+q, &p); code != 400 || p.Code != "validation_failed" {
			t.Fatalf("%q: %d %+v", q, code, p)
		}
	}
	var p storesync.PullPage
	if code := getJSON(t, admin, c.URL()+"/api/v1/stores/s1/downlink?stream=catalog&limit=5000", &p); code != 200 || p.Head != 0 || p.Messages == nil {
		t.Fatalf("empty stream: %d %+v", code, p)
	}
}

// TestDownlink_ConcurrentPosts pulls while messages are posted from several
// goroutines: a puller that moves its cursor to head never skips one that
// committed late.
func TestDownlink_ConcurrentPosts(t *testing.T) {
	h := newLabHarness(t) // the signed downlink: trust_test.go
	c := h.startCentral(t)
	admin, viewer := h.addToken(t, central.RoleAdmin), h.addToken(t, central.RoleViewer)
	const writers, each = 4, 15
	var wg gosync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				body := map[string]any{"stream": "prices", "items": []any{priceItem(fmt.Sprintf("W%d", w), int64(100+i))}}
				if w%2 == 1 {
					body["store"] = "s1"
				}
				if code := postAsync(c.URL()+"/api/v1/downlink", admin, body); code != 201 {
					t.Errorf("POST: %d", code)
					return
				}
			}
		}()
	}
	seen := map[uint64]bool{}
	cursor := uint64(0)
	pull := func() {
		for {
			var p storesync.PullPage
			getJSON(t, viewer, fmt.Sprintf("%s/api/v1/stores/s1/downlink?stream=prices&since=%d&limit=7", c.URL(), cursor), &p)
			for _, m := range decodeMessages(t, &p) {
				seen[m.Version] = true
				cursor = m.Version
			}
			if !p.More {
				cursor = max(cursor, p.Head)
				return
			}
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		pull()
	}
	pull()
	if got, want := len(seen), writers*each; got != want {
		t.Fatalf("pulled %d messages, want %d", got, want)
	}
}

// postAsync is post for a goroutine other than the test's: it reports a
// failure as status 0 instead of calling t.Fatal.
func postAsync(url, token string, body any) int {
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
