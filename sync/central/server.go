package central

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	gosync "sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	storesync "github.com/storeedge/storeedge/sync"
)

// Defaults of the Server's tunables.
const (
	DefaultListen       = "127.0.0.1:8090"
	DefaultWorkers      = 8
	DefaultQueueSize    = 64
	DefaultDrainTimeout = 10 * time.Second
	DefaultApplyTimeout = 30 * time.Second
	DefaultConnectWait  = 10 * time.Second
	defaultPublishWait  = 10 * time.Second
	defaultEnqueueWait  = 2 * time.Second
)

// Server is a central replica: an MQTT consumer that applies the shops'
// batches to PostgreSQL and acks them, plus the HTTP API. Set the exported
// fields, then call Open; Close undoes it.
type Server struct {
	// Broker is the MQTT broker URL: tcp://host:1883, ssl://host:8883.
	Broker string
	// DatabaseURL is the PostgreSQL connection string (postgres://...).
	DatabaseURL string
	// Listen is the HTTP address; DefaultListen when empty, port 0 for any.
	Listen string
	// ClientID is this replica's MQTT client id; a random one when empty.
	// Replicas need distinct ids.
	ClientID string
	// Username and Password authenticate to the broker when set.
	Username string
	Password string
	// CAFile, CertFile and KeyFile configure broker TLS: a CA bundle to
	// trust and a client certificate. TLSConfig, when set, wins over them.
	CAFile    string
	CertFile  string
	KeyFile   string
	TLSConfig *tls.Config
	// SigningKey is central's Ed25519 key: it signs every ack, conflict
	// notice, downlink message and pull page. ShopKeys returns the enrolled,
	// unrevoked public keys of a shop (none: the shop may not speak), which
	// verify its batches, its status and its shop tokens on the HTTP API.
	// Both are required unless Insecure (--insecure-sync: plain messages
	// both ways, for a lab; shop tokens are then refused when ShopKeys is
	// nil, and only office tokens reach the HTTP API).
	SigningKey ed25519.PrivateKey
	ShopKeys   func(store string) ([]*ecdsa.PublicKey, error)
	Insecure   bool

	// CRMWebhook, when set, receives every applied event (POST, CloudEvent
	// JSON, Idempotency-Key: the event id) after its commit.
	CRMWebhook string

	// Workers is the number of apply workers (DefaultWorkers when 0); each
	// store is always applied by the same one.
	Workers int
	// QueueSize is each worker's queue length (DefaultQueueSize when 0).
	QueueSize int
	// DrainTimeout bounds how long Close keeps applying queued batches;
	// DefaultDrainTimeout when 0. Negative: stop at once, rolling back the
	// batches in flight, as a crash would.
	DrainTimeout time.Duration
	// ApplyTimeout bounds one batch's transaction (DefaultApplyTimeout).
	ApplyTimeout time.Duration
	// ConnectWait is how long Open waits for the first broker connection
	// before it goes on without it (the client keeps retrying).
	ConnectWait time.Duration

	// Logger gets the replica's logs; slog.Default when nil.
	Logger *slog.Logger
	// Registerer and Gatherer hold the metrics served on /metrics; a new
	// registry when both are nil. Two Servers cannot share a Registerer
	// (their metrics have the same names).
	Registerer prometheus.Registerer
	Gatherer   prometheus.Gatherer

	signer   storesync.Signer
	pool     *pgxpool.Pool
	client   mqtt.Client
	ln       net.Listener
	http     *http.Server
	metrics  *metrics
	hook     *webhook
	queues   []chan message
	stopping chan struct{} // closed when Close starts: handlers queue nothing more
	draining chan struct{} // closed when workers should empty their queues and stop
	workCtx  context.Context
	cancel   context.CancelFunc
	workers  gosync.WaitGroup
	pending  gosync.WaitGroup // publishes awaiting their token, and the webhook
	ready    atomic.Bool      // connected and subscribed
	firstSub chan struct{}
	subOnce  gosync.Once
	closed   atomic.Bool

	// testDropAck, when set, is asked before each ack is published; true
	// skips it, as a replica that died right after its commit would.
	testDropAck func(store string) bool
}

// Open connects to PostgreSQL, applies the migrations, starts the workers,
// starts serving HTTP and connects to the broker. It waits up to
// ConnectWait for the first subscription, then goes on regardless.
func (s *Server) Open() error {
	if err := s.setDefaults(); err != nil {
		return err
	}
	opts, err := s.clientOptions() // a bad broker setting fails before anything starts
	if err != nil {
		return err
	}
	if err := s.openDB(); err != nil {
		return err
	}
	s.metrics = newMetrics(s.Registerer, s.queuedMessages)
	if s.CRMWebhook != "" {
		s.hook = newWebhook(s.CRMWebhook, s.Logger, s.metrics)
		s.pending.Add(1)
		go func() { defer s.pending.Done(); s.hook.run(s.workCtx) }()
	}
	s.startWorkers()
	if err := s.openHTTP(); err != nil {
		return err
	}
	s.openMQTT(opts)
	return nil
}

func (s *Server) setDefaults() error {
	if s.DatabaseURL == "" {
		return errors.New("central: DatabaseURL is required")
	}
	if s.Broker == "" {
		return errors.New("central: Broker is required")
	}
	if !s.Insecure && (len(s.SigningKey) != ed25519.PrivateKeySize || s.ShopKeys == nil) {
		return errors.New("central: signed sync needs the signing key and the shops' keys (--pki), or Insecure")
	}
	if len(s.SigningKey) == ed25519.PrivateKeySize {
		s.signer = storesync.NewEd25519Signer(s.SigningKey)
	}
	if s.Listen == "" {
		s.Listen = DefaultListen
	}
	if s.ClientID == "" {
		s.ClientID = defaultClientID()
	}
	s.Workers = orDefault(s.Workers, DefaultWorkers)
	s.QueueSize = orDefault(s.QueueSize, DefaultQueueSize)
	s.DrainTimeout = orDefault(s.DrainTimeout, DefaultDrainTimeout)
	s.ApplyTimeout = orDefault(s.ApplyTimeout, DefaultApplyTimeout)
	s.ConnectWait = orDefault(s.ConnectWait, DefaultConnectWait)
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	s.Logger = s.Logger.With("component", "central")
	if s.Registerer == nil && s.Gatherer == nil {
		reg := prometheus.NewRegistry()
		s.Registerer, s.Gatherer = reg, reg
	} else if s.Gatherer == nil {
		s.Gatherer = prometheus.DefaultGatherer
		if g, ok := s.Registerer.(prometheus.Gatherer); ok {
			s.Gatherer = g
		}
	} else if s.Registerer == nil {
		s.Registerer = prometheus.NewRegistry() // gathered elsewhere: do not collide
	}
	s.stopping, s.draining, s.firstSub = make(chan struct{}), make(chan struct{}), make(chan struct{})
	s.workCtx, s.cancel = context.WithCancel(context.Background())
	return nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// defaultClientID is unique per process: two replicas with one id would
// keep kicking each other off the broker.
func defaultClientID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	if host == "" {
		host = "central"
	}
	return fmt.Sprintf("storeedge-central-%s-%s", host, hex.EncodeToString(b))
}

func (s *Server) openDB() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cfg, err := pgxpool.ParseConfig(s.DatabaseURL)
	if err != nil {
		return fmt.Errorf("central: database url: %w", err)
	}
	if cfg.MaxConns < int32(s.Workers)+4 {
		cfg.MaxConns = int32(s.Workers) + 4 // a connection per worker, plus the HTTP API
	}
	if s.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return fmt.Errorf("central: connect database: %w", err)
	}
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("central: connect database: %w", err)
	}
	n, err := migrate(ctx, s.pool)
	if err != nil {
		return fmt.Errorf("central: migrate: %w", err)
	}
	s.Logger.Info("database ready", "migrations_applied", n)
	return nil
}

// URL is the base URL of the HTTP API, once Open has returned.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Ready reports whether the replica is connected to the broker and
// subscribed.
func (s *Server) Ready() bool { return s.ready.Load() }

// Close stops consuming and serving HTTP, lets the workers apply what they
// hold for up to DrainTimeout, waits for pending publishes, disconnects
// from the broker and closes the database. It is safe to call twice and
// after a failed Open.
func (s *Server) Close() error {
	if !s.closed.CompareAndSwap(false, true) || s.stopping == nil {
		return nil
	}
	close(s.stopping)
	s.unsubscribe()
	var err error
	if s.http != nil { // first: no downlink POST may publish after the disconnect
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = s.http.Shutdown(ctx)
		cancel()
	}
	s.drainWorkers()
	s.cancel()
	s.pending.Wait()
	if s.client != nil {
		s.client.Disconnect(250)
	}
	if s.pool != nil {
		s.pool.Close()
	}
	return err
}

// drainWorkers tells the workers to empty their queues and waits for them
// up to DrainTimeout; then it cancels the batches still in flight.
func (s *Server) drainWorkers() {
	if s.DrainTimeout < 0 {
		s.cancel() // a crash: roll back whatever is in flight
	}
	close(s.draining)
	done := make(chan struct{})
	go func() { s.workers.Wait(); close(done) }()
	timer := time.NewTimer(max(s.DrainTimeout, 0))
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		s.Logger.Warn("drain timed out; rolling back batches in flight", "timeout", s.DrainTimeout)
		s.cancel()
		<-done
	}
}
