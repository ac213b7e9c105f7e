package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/storeedge/storeedge/pos"
)

// Pull settings. A page holds at most pullLimit messages; the body is
// capped so a broken central cannot exhaust the shop's memory.
const (
	pullLimit       = 100
	maxPullBytes    = 64 << 20
	pullTimeout     = 60 * time.Second
	pullRetryMin    = 5 * time.Second // first wait after a failed pull
	pullMaxAttempts = 4
)

// puller brings the downlink streams up to date over HTTP: the path of
// record, since a broker session can be lost (M8, M9). It also bootstraps
// a shop with an empty catalog, from version 0.
type puller struct {
	r       *Relay
	http    *retryablehttp.Client
	trigger chan struct{}
}

func newPuller(r *Relay) *puller {
	c := retryablehttp.NewClient()
	c.RetryMax = pullMaxAttempts - 1
	c.RetryWaitMin, c.RetryWaitMax = 500*time.Millisecond, 10*time.Second
	c.HTTPClient.Timeout = pullTimeout
	c.Logger = retryLogger{r.log}
	if t, ok := c.HTTPClient.Transport.(*http.Transport); ok && r.tls != nil {
		t.TLSClientConfig = r.tls.Clone()
	}
	p := &puller{r: r, http: c, trigger: make(chan struct{}, 1)}
	p.kick() // pull once at Open
	return p
}

// kick asks for a pull soon; it never blocks and requests coalesce.
func (p *puller) kick() { signal(p.trigger) }

// run pulls when kicked and every PullInterval; after a failure it tries
// again sooner, backing off with jitter up to PullInterval.
func (p *puller) run(ctx context.Context) {
	var failures int64
	wait := p.r.PullInterval
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-p.trigger:
		case <-t.C:
		}
		t.Stop()
		err := p.pullAll(ctx)
		p.r.metrics.pulls.WithLabelValues(result(err)).Inc()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			wait = min(jittered(backoff(failures, pullRetryMin, p.r.PullInterval)), p.r.PullInterval)
			failures++
			p.logFailure(err, wait)
		default:
			failures, wait = 0, p.r.PullInterval
		}
	}
}

// errUnauthorized is central's 401: no retry can help until the shop's
// credential (or clock) is fixed, so it gets its own, plainer log line.
var errUnauthorized = errors.New("central refused the shop's credentials (401)")

// logFailure logs a failed pull, rate-limited as the relay's other logs.
func (p *puller) logFailure(err error, wait time.Duration) {
	switch {
	case errors.Is(err, errUnauthorized) && p.r.ShopKey == nil:
		p.r.logError("pull-auth", "downlink: central requires credentials and this shop has no sync identity; "+
			"pulls fail until it is enrolled (the broker still delivers)", "err", err, "retry_in", wait)
	case errors.Is(err, errUnauthorized):
		p.r.logError("pull-auth", "downlink: central refused the shop token; check that the shop is enrolled "+
			"and not revoked, and that its clock is right", "err", err, "retry_in", wait)
	default:
		p.r.logError("pull", "downlink: pull from central failed; retrying", "err", err, "retry_in", wait)
	}
}

func result(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}

// pullAll brings every stream up to date, stopping at the first failure.
func (p *puller) pullAll(ctx context.Context) error {
	for _, s := range pos.Streams {
		if err := p.pullStream(ctx, s); err != nil {
			return fmt.Errorf("pull %s: %w", s, err)
		}
	}
	return nil
}

// pullStream applies every message after the stream's cursor, page by
// page, moving the cursor as it goes and to the head at the end.
func (p *puller) pullStream(ctx context.Context, stream string) error {
	cursors, err := p.r.Downlink.DownlinkCursors(ctx)
	if err != nil {
		return err
	}
	start := cursors[stream]
	since := start
	for {
		body, err := p.fetch(ctx, stream, since)
		if err != nil {
			return err
		}
		_, signed, err := p.r.fromCentral(body, []string{KindPull}, p.r.StoreID)
		if err != nil {
			if untrusted(err) {
				p.r.rejected(KindPull, "pull:"+stream, err)
			}
			return err
		}
		pg, last, err := decodePage(signed, stream, since)
		if err != nil {
			return err
		}
		topic := "pull:" + stream
		for _, m := range pg.Messages {
			if err := p.r.apply(ctx, topic, m); err != nil {
				return err // not applied: the cursor stays before it
			}
		}
		to := last
		if !pg.More {
			to = max(last, pg.Head)
		}
		if to > start {
			if err := p.r.Downlink.SetDownlinkCursor(ctx, stream, to); err != nil {
				return err
			}
			start = to
		}
		if !pg.More {
			return nil
		}
		since = last
	}
}

// decodePage parses a pull answer and checks it (checkPage).
func decodePage(b []byte, stream string, since uint64) (*PullPage, uint64, error) {
	var pg PullPage
	if err := json.Unmarshal(b, &pg); err != nil {
		return nil, 0, fmt.Errorf("bad pull answer: %w", err)
	}
	last, err := checkPage(&pg, stream, since)
	if err != nil {
		return nil, 0, err
	}
	return &pg, last, nil
}

// checkPage checks that a page answers the question asked: the stream
// asked for, versions above since in increasing order, and progress when
// it says there is more. It returns the last version in the page.
func checkPage(pg *PullPage, stream string, since uint64) (uint64, error) {
	if pg.Stream != stream {
		return 0, fmt.Errorf("bad pull answer: stream %q, asked for %q", pg.Stream, stream)
	}
	if pg.More && len(pg.Messages) == 0 {
		return 0, errors.New("bad pull answer: more=true with no messages")
	}
	last := since
	for i, m := range pg.Messages {
		var h struct {
			Stream  string `json:"stream"`
			Version uint64 `json:"version"`
		}
		if err := json.Unmarshal(m, &h); err != nil {
			return 0, fmt.Errorf("bad pull answer: messages[%d]: %w", i, err)
		}
		if h.Stream != stream || h.Version <= last {
			return 0, fmt.Errorf("bad pull answer: messages[%d] is %s v%d after v%d", i, h.Stream, h.Version, last)
		}
		last = h.Version
	}
	return last, nil
}

// fetch asks central for one page of a stream's messages after since and
// returns the body.
func (p *puller) fetch(ctx context.Context, stream string, since uint64) ([]byte, error) {
	u := fmt.Sprintf("%s/api/v1/stores/%s/downlink?stream=%s&since=%d&limit=%d",
		strings.TrimRight(p.r.CentralURL, "/"), url.PathEscape(p.r.StoreID), url.QueryEscape(stream), since, pullLimit)
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if err := p.authorize(req); err != nil {
		return nil, err
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body := io.LimitReader(resp.Body, maxPullBytes+1)
	if resp.StatusCode == http.StatusUnauthorized {
		msg, _ := io.ReadAll(io.LimitReader(body, 512))
		return nil, fmt.Errorf("%w: %s", errUnauthorized, strings.TrimSpace(string(msg)))
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(body, 512))
		return nil, fmt.Errorf("central answered %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	if len(b) > maxPullBytes {
		return nil, fmt.Errorf("bad pull answer: over %d bytes", maxPullBytes)
	}
	return b, nil
}

// authorize signs a fresh shop token into req when the relay has a key:
// minted per request, it is always well inside central's ±10 minutes, and
// one that leaks expires soon.
func (p *puller) authorize(req *retryablehttp.Request) error {
	if p.r.ShopKey == nil {
		return nil
	}
	tok, err := ShopToken(p.r.StoreID, p.r.ShopKey, time.Now())
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

// retryLogger adapts slog to retryablehttp. Its per-attempt failures are
// warnings: the relay logs the final outcome once, as an error.
type retryLogger struct{ l *slog.Logger }

var _ retryablehttp.LeveledLogger = retryLogger{}

func (a retryLogger) Error(msg string, kv ...any) { a.l.Warn("retryablehttp: "+msg, kv...) }
func (a retryLogger) Warn(msg string, kv ...any)  { a.l.Warn("retryablehttp: "+msg, kv...) }
func (a retryLogger) Info(msg string, kv ...any)  { a.l.Info("retryablehttp: "+msg, kv...) }
func (a retryLogger) Debug(msg string, kv ...any) { a.l.Debug("retryablehttp: "+msg, kv...) }
