package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/storeedge/storeedge/edge"
	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
	"github.com/storeedge/storeedge/qr"
	storesync "github.com/storeedge/storeedge/sync"
	"github.com/storeedge/storeedge/sync/pki"
)

// server is a running `storeedge serve`: every component, built and wired
// here and nowhere else.
type server struct {
	cfg     *Config
	logger  *slog.Logger
	db      *bolt.DB
	relay   *storesync.Relay // nil without a broker or central URL, or without the sync role
	id      *pki.Identity    // the shop's enrolled identity; nil without one
	http    *edge.Server
	metrics *edge.MetricsServer // nil with metrics_listen empty
	control *controlSocket
	prune   *pruner
	reg     *prometheus.Registry
}

func (m *Main) runServe(ctx context.Context, args []string) error {
	cfg, err := LoadServeConfig(args, m.Getenv, m.Stderr)
	if err != nil {
		return err
	}
	s := &server{cfg: cfg, logger: newLogger(cfg, m.Stderr)}
	if err := s.loadIdentity(); err != nil {
		return err
	}
	applyRuntime(cfg)
	if err := s.open(ctx, m); err != nil {
		s.close()
		return err
	}
	if s.metrics != nil {
		// Before the serving line, which tells scripts and tests the
		// server is up: by then they know where its metrics are too.
		fmt.Fprintf(m.Stdout, "storeedge: metrics on %s/metrics\n", s.metrics.URL())
	}
	fmt.Fprintf(m.Stdout, "storeedge: store %s serving on %s (data %s, epoch %s)\n", cfg.Store, s.http.URL(), cfg.Data, s.db.Epoch())
	if m.Ready != nil {
		m.Ready(s.http.URL())
	}
	<-ctx.Done()
	s.logger.Info("shutting down")
	return s.close()
}

// open builds and starts the components in dependency order.
func (s *server) open(ctx context.Context, m *Main) error {
	start := time.Now()
	if err := s.openDB(); err != nil {
		return err
	}
	if s.cfg.Demo {
		if err := seedDemo(ctx, s.db, s.cfg, m.Stdout); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	s.reg = newRegistry(s.db)
	if err := s.openMetrics(); err != nil {
		return err
	}
	if err := s.openRelay(); err != nil {
		return err
	}
	s.prune = &pruner{DB: s.db, Retention: s.cfg.Storage.Retention, Reservations: bolt.NewReservationService(s.db),
		Pickups: bolt.NewPickupService(s.db), Logger: s.logger.With("component", "housekeeping")}
	s.prune.Start()
	s.control = &controlSocket{DB: s.db, Logger: s.logger.With("component", "control"), Tags: s.tagPrinting()}
	if err := s.control.Open(s.cfg.Data); err != nil {
		return err
	}
	s.http = s.newHTTP()
	if err := s.http.Open(); err != nil {
		return err
	}
	s.logger.Info("ready", "took", time.Since(start).Round(time.Millisecond), "roles", strings.Join(s.cfg.Roles, ","))
	return nil
}

func (s *server) openDB() error {
	c := s.cfg
	db := bolt.NewDB(c.Data)
	db.StoreID, db.Currency = c.Store, c.Currency
	db.InitialMmapSize, db.MaxSize, db.FreelistSync = int(c.Storage.InitialMmapSize), c.Storage.MaxSize, c.Storage.FreelistSync
	db.BatchSize, db.BatchDelay, db.SessionTTL = c.Storage.BatchSize, c.Storage.BatchDelay, c.Session.TTL
	db.ReservationHold, db.MaxReservationsPerPhone = c.Shopper.ReservationHold, c.Shopper.MaxReservationsPerPhone
	db.NoShowAfter = time.Duration(c.Pickups.NoShowDays) * 24 * time.Hour
	db.AnonymousLimits = pos.AnonymousLimits{MaxPieces: int64(c.Shopper.AnonymousMaxQty),
		MaxGrams: int64(c.Shopper.AnonymousMaxGrams), StockShare: int64(c.Shopper.AnonymousStockShare)}
	db.ScaleFormat = c.Scale.Format()
	setTagCodes(db)
	db.Logger = s.logger.With("component", "bolt")
	if err := db.Open(); err != nil {
		if errors.Is(err, bolt.ErrLocked) {
			return fmt.Errorf("%w: is another storeedge serve using --data %s?", err, c.Data)
		}
		return err
	}
	s.db = db
	if err := db.BindStore(c.Store); errors.Is(err, bolt.ErrWrongStore) {
		return c.errorf("store", "%v", err)
	} else if err != nil {
		return err
	}
	if db.Checked() {
		s.logger.Warn("the last stop was unclean: the database passed its consistency check")
	}
	if db.Restored() {
		s.logger.Warn("restored database: started a new epoch", "epoch", db.Epoch())
	}
	return nil
}

func (s *server) newHTTP() *edge.Server {
	c := s.cfg
	h := edge.NewServer()
	h.Addr, h.StoreID, h.Currency = c.Listen, c.Store, c.Currency
	h.BodyLimit, h.Concurrency = int(c.HTTP.BodyLimit), c.HTTP.Concurrency
	h.ReadTimeout, h.WriteTimeout, h.IdleTimeout = c.HTTP.ReadTimeout, c.HTTP.WriteTimeout, c.HTTP.IdleTimeout
	h.RequestTimeout, h.LoginRate, h.TillEnabled = c.HTTP.RequestTimeout, c.HTTP.LoginRate, c.HasRole(RoleTill)
	h.Screen = edge.ScreenConfig{Language: c.Shop.Language, TimeZone: c.Shop.TimeZone,
		ScannerGap: c.Till.ScannerGap, ScannerMinLength: c.Till.ScannerMinLength}
	h.Logger = s.logger.With("component", "http")
	h.ScaleFormat = c.Scale.Format()
	h.Ready = s.db.Ready
	h.Registerer = s.reg
	h.AuthService = bolt.NewAuthService(s.db)
	h.CatalogService = bolt.NewCatalogService(s.db)
	h.SaleService = bolt.NewSaleService(s.db)
	h.ShiftService = bolt.NewShiftService(s.db)
	h.PickupService = bolt.NewPickupService(s.db)
	h.OrderService = bolt.NewReservationService(s.db)
	s.shopperHTTP(h)
	h.SyncStatusService = bolt.NewOutboxService(s.db)
	if s.relay != nil {
		h.SyncStatusService = s.relay
	}
	return h
}

// shopperHTTP wires the shopper role (tag pages, price checks,
// reservations) and the tags role (tag images and sheets).
func (s *server) shopperHTTP(h *edge.Server) {
	c := s.cfg
	level, _ := qr.ParseLevel(c.Tags.QRLevel) // validated with the config
	downlink := bolt.NewDownlinkService(s.db)
	h.ShopperEnabled, h.TagsEnabled = c.HasRole(RoleShopper), c.HasRole(RoleTags)
	h.ShopperRate, h.PublicURL = c.HTTP.ShopperRate, c.PublicURL
	h.CustomerTokenKey = []byte(c.Shopper.CustomerTokenKey)
	h.ReservationRate, h.PhoneRegion = c.Shopper.ReservationRate, c.PhoneRegion()
	h.ReservationService, h.TagService = bolt.NewReservationService(s.db), bolt.NewTagService(s.db)
	h.CustomerService, h.RemoteStockService = downlink, downlink
	h.LoyaltyService = bolt.NewLoyaltyService(s.db)
	h.QRPNG = func(content string) ([]byte, error) { return qr.PNG(content, 320, level) }
	h.TagPrinter = qrPrinter{level: level}
}

// qrPrinter adapts package qr to edge.TagPrinter.
type qrPrinter struct{ level qr.Level }

func (p qrPrinter) TagPNG(label pos.TagLabel) ([]byte, error) {
	return qr.TagPNG(label, qr.TagOptions{Level: p.level})
}

func (p qrPrinter) WriteSheet(w io.Writer, labels []pos.TagLabel) error {
	return qr.WriteSheet(w, labels, qr.SheetOptions{Level: p.level})
}

// tagPrinting is what the server needs to print tags for `storeedge tags`.
func (s *server) tagPrinting() tagPrinting {
	level, _ := qr.ParseLevel(s.cfg.Tags.QRLevel) // validated with the config
	return tagPrinting{Catalog: bolt.NewCatalogService(s.db), Tags: bolt.NewTagService(s.db), Now: s.db.Now, Level: level}
}

// openMetrics serves the registry on metrics_listen: a listener of its
// own, so the shoppers who reach --listen cannot read how busy the shop is
// or how far its sync lags. It opens after the database (its gauges read
// it) and closes before it.
func (s *server) openMetrics() error {
	if s.cfg.MetricsListen == "" {
		return nil
	}
	m := &edge.MetricsServer{Addr: s.cfg.MetricsListen, Gatherer: s.reg}
	if err := m.Open(); err != nil {
		return err
	}
	s.metrics = m
	return nil
}

// openRelay starts the link to central when there is one to make: a
// broker (MQTT both ways) or a central URL (downlink pulls), and the sync
// role. Without one the outbox just keeps buffering.
func (s *server) openRelay() error {
	c := s.cfg
	if !c.HasRole(RoleSync) || (c.Broker == "" && c.CentralURL == "") {
		return nil
	}
	r := storesync.NewRelay()
	r.Broker, r.StoreID, r.Version, r.CentralURL = c.Broker, c.Store, versionString(), c.CentralURL
	r.Username, r.Password = c.Sync.Username, c.Sync.Password
	r.CAFile, r.CertFile, r.KeyFile = c.Sync.CAFile, c.Sync.CertFile, c.Sync.KeyFile
	r.Insecure = c.InsecureSync
	if s.id != nil {
		r.BrokerTLS = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: s.id.Roots, Certificates: []tls.Certificate{s.id.Certificate}}
		r.ShopKey, r.CentralKeys = s.id.Key, s.id.CentralKeys
	}
	r.BatchEvents, r.BatchBytes, r.Window, r.AckTimeout = c.Sync.BatchEvents, int(c.Sync.BatchBytes), c.Sync.Window, c.Sync.AckTimeout
	outbox := bolt.NewOutboxService(s.db)
	r.Outbox, r.Local, r.Downlink, r.Notify = outbox, outbox, bolt.NewDownlinkService(s.db), s.db.Notify()
	r.Logger, r.Registerer = s.logger.With("component", "sync"), s.reg
	if err := r.Open(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	s.relay = r
	return nil
}

// loadIdentity reads the shop's enrolled identity. The store id comes from
// its certificate: --store may be left out, and if given must be the same.
// --insecure-sync is said out loud at every start.
func (s *server) loadIdentity() error {
	c := s.cfg
	if c.InsecureSync && c.syncs() {
		s.logger.Warn("INSECURE SYNC (--insecure-sync): messages to and from central are neither signed nor verified; " +
			"anyone who can reach the broker can forge this shop's sales, erase its unsynced ones or reprice it. Use only in a lab.")
	}
	if c.Sync.Identity == "" {
		return nil
	}
	id, err := pki.LoadIdentity(c.Sync.Identity)
	if err != nil {
		return c.errorf("sync.identity", "%v", err)
	}
	switch {
	case !c.isSet("store"):
		c.Store = id.Store
	case c.Store != id.Store:
		return c.errorf("store", "is %q, but the identity in %s is store %q", c.Store, c.Sync.Identity, id.Store)
	}
	if u, err := url.Parse(c.Broker); c.Broker != "" && err == nil && !slices.Contains([]string{"ssl", "mqtts", "wss"}, u.Scheme) {
		s.logger.Warn("the broker is not TLS: messages are signed, but anyone on the network can read them and the broker cannot check who connects", "broker", c.Broker)
	}
	if left := time.Until(id.Certificate.Leaf.NotAfter); left < 30*24*time.Hour {
		s.logger.Warn("the shop's certificate expires soon or has: enroll the shop again", "not_after", id.Certificate.Leaf.NotAfter)
	}
	s.id = id
	return nil
}

// close stops the components in reverse order: HTTP first (no new sales),
// then the control socket, retention, the relay (which disconnects from
// the broker), the metrics listener, and the database, last.
func (s *server) close() error {
	var errs []error
	if s.http != nil {
		errs = append(errs, s.http.Close())
	}
	if s.control != nil {
		errs = append(errs, s.control.Close())
	}
	if s.prune != nil {
		s.prune.Stop()
	}
	if s.relay != nil {
		errs = append(errs, s.relay.Close())
	}
	if s.metrics != nil {
		errs = append(errs, s.metrics.Close())
	}
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	return errors.Join(errs...)
}

// applyRuntime sets the Go memory limit and GOMAXPROCS from the profile, so
// a Pi Zero's 512 MB are respected by the garbage collector.
func applyRuntime(c *Config) {
	if c.Runtime.MemoryLimit > 0 {
		debug.SetMemoryLimit(c.Runtime.MemoryLimit)
	}
	if c.Runtime.GOMAXPROCS > 0 {
		runtime.GOMAXPROCS(c.Runtime.GOMAXPROCS)
	}
}

func newLogger(c *Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// newRegistry returns the registry metrics_listen serves: Go and process
// collectors and the storage gauges; the relay and HTTP server add theirs.
func newRegistry(db *bolt.DB) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	registerStorageMetrics(reg, db)
	return reg
}

// registerStorageMetrics exposes the outbox and the database size.
func registerStorageMetrics(reg prometheus.Registerer, db *bolt.DB) {
	outbox := bolt.NewOutboxService(db)
	stats := func() (pending, age float64) {
		st, err := outbox.OutboxStats(context.Background())
		if err != nil || st.Pending == 0 {
			return 0, 0
		}
		return float64(st.Pending), time.Since(st.OldestCreated).Seconds()
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "storeedge_outbox_pending_events",
			Help: "Events recorded but not yet acknowledged by central."},
			func() float64 { p, _ := stats(); return p }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "storeedge_outbox_oldest_pending_age_seconds",
			Help: "Age of the oldest event not yet acknowledged by central."},
			func() float64 { _, a := stats(); return a }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "storeedge_db_file_size_bytes",
			Help: "Size of the bbolt file."},
			func() float64 { return float64(db.FileSize()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "storeedge_db_max_size_bytes",
			Help: "storage.max_size: the budget of the bbolt file (0 = unlimited)."},
			func() float64 { return float64(db.MaxSize) }),
	)
}
