package sync

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/storeedge/storeedge/pos"
)

// Defaults of the Relay's tunables (SYNC-NOTES.md M3, M5).
const (
	DefaultBatchEvents  = 500
	DefaultBatchBytes   = 64 << 10
	DefaultWindow       = 8
	DefaultAckTimeout   = 30 * time.Second
	DefaultPullInterval = 5 * time.Minute
)

// Relay carries the shop's outbox to central over MQTT and central's
// downlink into the shop. Set the exported fields, then call Open; Close
// stops every goroutine it started.
type Relay struct {
	Broker   string // tcp://, ssl://, mqtt://, mqtts://, ws://, wss://; "" = offline, keep buffering
	StoreID  string
	Version  string // reported in the retained status
	Username string
	Password string
	CAFile   string // PEM roots for the broker (and central's HTTPS)
	CertFile string // client certificate, with KeyFile
	KeyFile  string
	// BrokerTLS, when set, is the broker's TLS (an enrolled identity: the
	// chain's CA and the shop's certificate) and wins over the files.
	BrokerTLS *tls.Config

	CentralURL string // HTTP side of central; "" = no pull

	// Trust on the sync path. ShopKey, the key of the shop's enrolled
	// certificate, signs its batches and status, and a fresh shop token for
	// every pull (nil sends no credential: a central that requires one
	// answers 401, which is logged). CentralKeys, pinned at enrollment,
	// verify central's acks, conflicts, downlink and pull pages. Insecure
	// (--insecure-sync) sends plain payloads and accepts unsigned ones: a
	// lab only.
	ShopKey     *ecdsa.PrivateKey
	CentralKeys []ed25519.PublicKey
	Insecure    bool

	BatchEvents  int           // most events in one batch
	BatchBytes   int           // about the most bytes in one batch
	Window       int           // most unacknowledged batches in flight
	AckTimeout   time.Duration // resend from the oldest unacked batch after this
	PullInterval time.Duration // pull downlink this often, besides on every connect

	Outbox   pos.OutboxService
	Downlink pos.DownlinkService
	Local    pos.SyncStatusService // the outbox's own status; the relay adds the link's
	Notify   <-chan struct{}       // receives when events were added to the outbox

	Logger     *slog.Logger
	Registerer prometheus.Registerer

	log     *slog.Logger
	signer  Signer // of ShopKey
	tls     *tls.Config
	metrics *metrics
	up      *uplink
	down    *downlink
	pull    *puller
	logs    *logLimiter

	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex // guards closing against wg.Add from paho's goroutines
	open   bool
	wg     sync.WaitGroup

	connected atomic.Bool
	lastAckAt atomic.Pointer[time.Time]
	counts    trustCounts
}

// NewRelay returns a Relay with the defaults set.
func NewRelay() *Relay {
	return &Relay{
		BatchEvents: DefaultBatchEvents, BatchBytes: DefaultBatchBytes, Window: DefaultWindow,
		AckTimeout: DefaultAckTimeout, PullInterval: DefaultPullInterval,
		Logger: slog.Default(),
	}
}

// validate checks the configuration before anything starts.
func (r *Relay) validate() error {
	switch {
	case !ValidStoreID(r.StoreID):
		return fmt.Errorf("relay: store id %q: want 1-64 of a-z, 0-9, - and _", r.StoreID)
	case r.Broker != "" && r.Outbox == nil:
		return errors.New("relay: a broker needs an Outbox")
	case (r.Broker != "" || r.CentralURL != "") && r.Downlink == nil:
		return errors.New("relay: a broker or central URL needs a Downlink service")
	case r.BatchEvents < 1 || r.BatchBytes < 1 || r.Window < 1:
		return errors.New("relay: batch events, batch bytes and window must be 1 or more")
	case r.AckTimeout <= 0 || r.PullInterval <= 0:
		return errors.New("relay: ack timeout and pull interval must be positive")
	case (r.Broker != "" || r.CentralURL != "") && !r.Insecure && (r.ShopKey == nil || len(r.CentralKeys) == 0):
		return errors.New("relay: signed sync needs the shop's signing key and central's public key (an enrolled identity), or Insecure")
	}
	if r.Broker != "" {
		return checkBroker(r.Broker)
	}
	return nil
}

// Open validates the configuration and starts the uplink, the downlink
// and the puller. It never waits for the network: an unreachable broker
// or central is retried in the background.
func (r *Relay) Open() error {
	if err := r.validate(); err != nil {
		return err
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	r.log = r.Logger.With("component", "sync", "store", r.StoreID)
	if r.ShopKey != nil {
		r.signer = NewECDSASigner(r.ShopKey)
	}
	cfg, err := r.tlsConfig()
	if err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	r.tls = cfg
	r.metrics = newMetrics()
	if err := r.metrics.register(r.Registerer); err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	r.logs = newLogLimiter(time.Minute)
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.mu.Lock()
	r.open = true
	r.mu.Unlock()
	if r.CentralURL != "" {
		r.pull = newPuller(r)
		r.spawn(func() { r.pull.run(r.ctx) })
	}
	if r.Broker != "" {
		r.up = newUplink(r)
		r.down = newDownlink(r)
		r.spawn(func() { r.up.run(r.ctx) })
		r.spawn(func() { r.down.work(r.ctx) })
		r.up.connect()
		r.down.connect()
	}
	return nil
}

// Close disconnects from the broker and stops every goroutine. The
// downlink client goes first, so a message being applied as it stops is
// not acknowledged to the broker and comes again with the session.
func (r *Relay) Close() error {
	r.mu.Lock()
	if !r.open {
		r.mu.Unlock()
		return nil
	}
	r.open = false
	r.mu.Unlock()
	if r.down != nil {
		r.down.client.Disconnect(disconnectQuiesce)
	}
	r.cancel()
	r.wg.Wait()
	if r.up != nil {
		r.up.goodbye()
	}
	r.metrics.unregister(r.Registerer)
	return nil
}

// spawn runs fn in a goroutine that Close waits for. It reports false,
// without running fn, once Close has begun: paho's handlers call it too.
func (r *Relay) spawn(fn func()) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.open {
		return false
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		fn()
	}()
	return true
}

// enter registers a paho handler goroutine with Close; the caller calls
// r.wg.Done when it returns. It reports false once Close has begun.
func (r *Relay) enter() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.open {
		return false
	}
	r.wg.Add(1)
	return true
}

// SyncStatus reports the outbox's status (from Local) and whether the
// uplink is connected right now.
func (r *Relay) SyncStatus(ctx context.Context) (*pos.SyncStatus, error) {
	st := &pos.SyncStatus{}
	if r.Local != nil {
		s, err := r.Local.SyncStatus(ctx)
		if err != nil {
			return nil, err
		}
		st = s
	}
	st.Connected = r.connected.Load()
	r.counts.fill(st, !r.Insecure)
	if st.LastAckAt == nil {
		st.LastAckAt = r.lastAckAt.Load()
	}
	if len(st.DownlinkVersions) == 0 && r.Downlink != nil {
		cur, err := r.Downlink.DownlinkCursors(ctx)
		if err != nil {
			return nil, err
		}
		st.DownlinkVersions = cur
	}
	if st.DownlinkVersions == nil {
		st.DownlinkVersions = map[string]uint64{}
	}
	return st, nil
}

// logError logs at most once a minute per key, with a count of what was
// suppressed, so an outage or a hostile peer does not flood the log.
func (r *Relay) logError(key, msg string, args ...any) { r.logLimited(slog.LevelError, key, msg, args) }

// logWarn is logError at the warning level.
func (r *Relay) logWarn(key, msg string, args ...any) { r.logLimited(slog.LevelWarn, key, msg, args) }

func (r *Relay) logLimited(level slog.Level, key, msg string, args []any) {
	if n, ok := r.logs.allow(key); ok {
		if n > 0 {
			args = append(args, "suppressed", n)
		}
		r.log.Log(context.Background(), level, msg, args...)
	}
}

// logLimiter lets one message per key through per period.
type logLimiter struct {
	every time.Duration
	mu    sync.Mutex
	last  map[string]time.Time
	held  map[string]int
}

func newLogLimiter(every time.Duration) *logLimiter {
	return &logLimiter{every: every, last: map[string]time.Time{}, held: map[string]int{}}
}

// allow reports whether key may be logged now, and how many were held back.
func (l *logLimiter) allow(key string) (suppressed int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if t, seen := l.last[key]; seen && now.Sub(t) < l.every {
		l.held[key]++
		return 0, false
	}
	l.last[key] = now
	n := l.held[key]
	delete(l.held, key)
	return n, true
}

// handlerFor adapts a method to paho's MessageHandler type.
func handlerFor(fn func(topic string, payload []byte)) mqtt.MessageHandler {
	return func(_ mqtt.Client, m mqtt.Message) { fn(m.Topic(), m.Payload()) }
}
