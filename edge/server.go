package edge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/recover"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/storeedge/storeedge/pos"
)

// Defaults set by NewServer.
const (
	DefaultBodyLimit       = 1 << 20 // 1 MiB: a 500-line sale is far below
	DefaultReadTimeout     = 10 * time.Second
	DefaultWriteTimeout    = 30 * time.Second
	DefaultIdleTimeout     = 60 * time.Second
	DefaultRequestTimeout  = 15 * time.Second
	DefaultShutdownTimeout = 10 * time.Second
	DefaultLoginRate       = 20
)

// Server is the HTTP server of the edge. Set its fields, then call Open; Close
// stops it.
type Server struct {
	ln   net.Listener
	app  *fiber.App
	done chan error // receives the serve loop's result
	met  *metrics
	log  *slog.Logger

	forms  *formGuard   // makes and checks the tokens of the shopper's forms
	places *rateLimiter // reservations and orders per IP and phone; nil: no limit

	// Addr is the listen address, e.g. "127.0.0.1:8080" or ":0".
	Addr string
	// BodyLimit is the largest request body accepted, in bytes.
	BodyLimit int
	// Concurrency caps simultaneous connections (0: fiber's default).
	Concurrency int
	// Timeouts of the connection (read, write, keep-alive idle) and of the
	// service calls a request makes.
	ReadTimeout, WriteTimeout, IdleTimeout, RequestTimeout time.Duration
	// ShutdownTimeout bounds the graceful part of Close.
	ShutdownTimeout time.Duration

	// StoreID and Currency describe the shop; Currency is the only one a
	// sale may be paid in.
	StoreID, Currency string
	// LoginRate is the number of login attempts per minute per client IP
	// (zero or less: DefaultLoginRate).
	LoginRate int
	// TillEnabled turns on the "till" role: login, sales, returns, shifts,
	// products and the cashier screen under /pos/.
	TillEnabled bool
	// Screen configures the cashier screen (language, time zone, scanner).
	Screen ScreenConfig

	// Logger receives one debug line per request and every internal error.
	Logger *slog.Logger
	// Registerer receives the server's own HTTP metrics, which a
	// MetricsServer gathering it shows. When nil they go on a private
	// registry nobody serves.
	Registerer prometheus.Registerer
	// Ready reports whether the server can take traffic (/readyz).
	Ready func(ctx context.Context) error
	// Now is the clock used to show current prices.
	Now func() time.Time

	// ShopperEnabled turns on the "shopper" role: the tag pages /t/{code},
	// /api/v1/instore/tags, the price check, reservations and orders.
	ShopperEnabled bool
	// ShopperRate is the number of requests per minute per client IP on
	// every shopper endpoint (zero: DefaultShopperRate; negative: no limit,
	// for load tests).
	ShopperRate int
	// ReservationRate is the number of reservations and orders per minute
	// that one client IP may place for one phone (zero:
	// DefaultReservationRate; negative: no limit, for load tests). Keyed by
	// IP and phone, it stops one phone's flood without starving a whole
	// shop's Wi-Fi behind one NAT address, where every shopper has a phone
	// of their own.
	ReservationRate int
	// PhoneRegion is the shop's country (ISO 3166-1 alpha-2, e.g. "RU"): a
	// phone a shopper types must be a real number of it (empty:
	// DefaultPhoneRegion).
	PhoneRegion string
	// PublicURL is the base URL shoppers' phones reach this server at, as
	// printed in tag QR codes, e.g. "http://shop.example:8080" (empty: the
	// base URL of the request that prints).
	PublicURL string
	// CustomerTokenKey verifies the customer tokens of the chain's app
	// (HMAC-SHA256); empty turns shopper identification off.
	CustomerTokenKey []byte
	// QRPNG draws a QR code holding content as a PNG (the pickup QR of a
	// reservation); required with ShopperEnabled.
	QRPNG func(content string) ([]byte, error)
	// ScaleFormat reads the labels of the shop's scales scanned at a till
	// or a price-check kiosk; the zero value is pos.DefaultScaleFormat.
	ScaleFormat pos.ScaleFormat
	// TagsEnabled turns on the "tags" role: tag.png and tags.pdf, for staff.
	TagsEnabled bool
	// TagPrinter draws tags for the tags role.
	TagPrinter TagPrinter

	// Services the handlers call. AuthService and SyncStatusService are
	// always needed; the others only with the roles that use them:
	// CatalogService with every role but sync; Sale and Shift with the
	// till; Reservation and Tag with the shopper; Tag with tags. Customer,
	// RemoteStock and Pickup are optional (nil: no personal prices, no
	// stock of nearby shops; the till's customer lookup and click &
	// collect routes answer 503).
	AuthService        pos.AuthService
	CatalogService     pos.CatalogService
	SaleService        pos.SaleService
	ShiftService       pos.ShiftService
	SyncStatusService  pos.SyncStatusService
	ReservationService pos.ReservationService
	TagService         pos.TagService
	CustomerService    pos.CustomerService
	RemoteStockService pos.RemoteStockService
	PickupService      pos.PickupService
	// LoyaltyService adds points to the customer lookup and lets the till
	// sign customers up (nil: central's balance only, no sign-up).
	LoyaltyService pos.LoyaltyService
	// OrderService takes staff's endless-aisle orders (POST /api/v1/orders
	// with a token); nil: such a request answers 503.
	OrderService pos.OrderService
}

// NewServer returns a server with the defaults above, the till role on, the
// currency RUB, and slog's default logger.
func NewServer() *Server {
	return &Server{
		BodyLimit:       DefaultBodyLimit,
		ReadTimeout:     DefaultReadTimeout,
		WriteTimeout:    DefaultWriteTimeout,
		IdleTimeout:     DefaultIdleTimeout,
		RequestTimeout:  DefaultRequestTimeout,
		ShutdownTimeout: DefaultShutdownTimeout,
		Currency:        "RUB",
		LoginRate:       DefaultLoginRate,
		TillEnabled:     true,
		Logger:          slog.Default(),
		Now:             time.Now,
	}
}

// Open checks the configuration, binds Addr and serves in the background.
func (s *Server) Open() error {
	if err := s.check(); err != nil {
		return err
	}
	app := s.App()
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	s.ln, s.done = ln, make(chan error, 1)
	go func() {
		s.done <- app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true})
	}()
	return nil
}

// check reports a service the enabled routes need but nobody assigned.
func (s *Server) check() error {
	switch {
	case s.AuthService == nil:
		return errors.New("edge: AuthService is required")
	case s.SyncStatusService == nil:
		return errors.New("edge: SyncStatusService is required")
	case s.TillEnabled && (s.CatalogService == nil || s.SaleService == nil || s.ShiftService == nil):
		return errors.New("edge: the till role needs CatalogService, SaleService and ShiftService")
	case s.TillEnabled && !pos.ValidCurrency(s.Currency):
		return fmt.Errorf("edge: currency %q is not an ISO 4217 code", s.Currency)
	case s.ShopperEnabled && (s.CatalogService == nil || s.TagService == nil || s.ReservationService == nil || s.QRPNG == nil):
		return errors.New("edge: the shopper role needs CatalogService, TagService, ReservationService and QRPNG")
	case s.TagsEnabled && (s.CatalogService == nil || s.TagService == nil || s.TagPrinter == nil):
		return errors.New("edge: the tags role needs CatalogService, TagService and TagPrinter")
	}
	return nil
}

// Close shuts the server down gracefully: it stops accepting, lets requests
// in flight finish until ShutdownTimeout, then drops what is left.
func (s *Server) Close() error {
	if s.ln == nil {
		return nil
	}
	timeout := s.ShutdownTimeout
	if timeout <= 0 {
		timeout = DefaultShutdownTimeout
	}
	err := s.app.ShutdownWithTimeout(timeout)
	_ = s.ln.Close() // in case Close raced the serve loop's start; already closed otherwise
	select {
	case serveErr := <-s.done:
		if err == nil && serveErr != nil && !errors.Is(serveErr, net.ErrClosed) {
			err = serveErr
		}
	case <-time.After(timeout):
		err = errors.Join(err, errors.New("edge: serve loop did not stop"))
	}
	s.ln = nil
	if err != nil {
		return fmt.Errorf("edge shutdown: %w", err)
	}
	return nil
}

// URL returns the base URL of the bound listener, e.g.
// "http://127.0.0.1:43121", or "" before Open. An unspecified host (":0")
// is shown as 127.0.0.1.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return baseURL(s.ln.Addr())
}

// baseURL is the http:// URL of a bound address; an unspecified host is
// shown as 127.0.0.1.
func baseURL(a net.Addr) string {
	addr, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String()
	}
	host := addr.IP.String()
	if addr.IP == nil || addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(addr.Port))
}

// App returns the fiber app, building it on first use, so tests can call
// app.Test without opening a listener.
func (s *Server) App() *fiber.App {
	if s.app == nil {
		s.app = s.newApp()
	}
	return s.app
}

// newApp configures fiber and registers the middleware and routes.
func (s *Server) newApp() *fiber.App {
	s.log = s.Logger
	if s.log == nil {
		s.log = slog.Default()
	}
	s.log = s.log.With("component", "edge")
	if s.StoreID != "" {
		s.log = s.log.With("store", s.StoreID)
	}
	s.met = s.newMetrics()
	s.forms = newFormGuard()
	app := fiber.New(fiber.Config{
		BodyLimit:    s.bodyLimit(),
		Concurrency:  s.Concurrency,
		ReadTimeout:  s.ReadTimeout,
		WriteTimeout: s.WriteTimeout,
		IdleTimeout:  s.IdleTimeout,
		ErrorHandler: s.handleServerError, // observe answers the errors of handlers
	})
	srv := app.Server()
	srv.ErrorHandler = markUnread(srv.ErrorHandler)
	// observe is outermost: it sees every response, the error ones included.
	app.Use(s.observe)
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: keepStack}))
	app.Use(s.deadline)
	app.Use(checkArgs)
	s.registerRoutes(app)
	return app
}

// registerRoutes lists every route. Routes that need a session carry the
// authenticate handler themselves, so a refused request still reports its
// route template in metrics and logs.
func (s *Server) registerRoutes(app *fiber.App) {
	s.registerHealthRoutes(app)
	// No /metrics here: shoppers reach this listener. MetricsServer
	// serves it on its own.
	app.Post("/api/v1/logout", s.handleLogout)
	app.Get("/api/v1/sync/status", s.authenticate, s.handleSyncStatus)
	if s.TillEnabled {
		// Before the shopper's route of the same path, which gets every
		// request without a token (order.go).
		s.registerStaffOrderRoute(app)
	}
	if s.ShopperEnabled {
		s.registerShopperRoutes(app)
	}
	if s.TagsEnabled {
		s.registerTagRoutes(app)
	}
	if s.TillEnabled || s.TagsEnabled {
		// Staff log in at a till; tags are printed by staff too.
		app.Post("/api/v1/login", s.loginLimiter(), s.handleLogin)
	}
	if !s.TillEnabled {
		return
	}
	s.registerProductRoutes(app)
	s.registerSaleRoutes(app)
	s.registerReturnRoutes(app)
	s.registerShiftRoutes(app)
	s.registerCustomerRoutes(app)
	s.registerPickupRoutes(app)
	s.registerAssetRoutes(app)
}

// deadline bounds the service calls of a request with RequestTimeout.
// Handlers stay synchronous, so a sale either finishes or its service
// returns the context's error.
func (s *Server) deadline(c fiber.Ctx) error {
	if s.RequestTimeout <= 0 {
		return c.Next()
	}
	ctx, cancel := context.WithTimeout(c.Context(), s.RequestTimeout)
	defer cancel()
	c.SetContext(ctx)
	return c.Next()
}

func (s *Server) bodyLimit() int {
	if s.BodyLimit <= 0 {
		return DefaultBodyLimit
	}
	return s.BodyLimit
}

// now returns the current time in UTC.
func (s *Server) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}
