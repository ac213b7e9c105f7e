package edge

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the server's own HTTP metrics, labelled by route template (not
// path) so that their cardinality is bounded by the route table.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// unmatchedRoute labels requests that matched no route.
const unmatchedRoute = "unmatched"

// statusLabels holds the label string of every status code, so a request
// does not format one.
var statusLabels = func() (l [600]string) {
	for i := range l {
		l[i] = strconv.Itoa(i)
	}
	return l
}()

func statusLabel(code int) string {
	if code < 0 || code >= len(statusLabels) {
		return "other"
	}
	return statusLabels[code]
}

// newMetrics creates the collectors and registers them on s.Registerer or a
// private registry. A server built twice on one Registerer shares them.
func (s *Server) newMetrics() *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storeedge_http_requests_total",
			Help: "HTTP requests answered, by method, route template and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "storeedge_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method and route template.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
	}
	reg := s.Registerer
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	var err error
	if m.requests, err = register(reg, m.requests); err == nil {
		m.duration, err = register(reg, m.duration)
	}
	if err != nil {
		// Not fatal: requests are still served, only unexported metrics are lost.
		s.log.Warn("register HTTP metrics", "error", err)
	}
	return m
}

// register registers c, or returns the collector already registered in its
// place.
func register[T prometheus.Collector](reg prometheus.Registerer, c T) (T, error) {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(T); ok {
			return existing, nil
		}
	}
	return c, err
}

// observe records a request that has been fully handled.
func (m *metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, statusLabel(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}

// observe is the outermost middleware. It turns a returned error into its
// problem response here, so that the status is known, then records the
// request in the metrics and the debug log.
func (s *Server) observe(c fiber.Ctx) error {
	if unread(c) {
		// fasthttp could not read the request (e.g. a body over BodyLimit,
		// headers over the read buffer): handleServerError answers and
		// counts it, and the bodiless request must not be routed.
		return nil
	}
	start := time.Now()
	if err := c.Next(); err != nil {
		if herr := s.handleError(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	route := unmatchedRoute
	if c.Matched() {
		route = c.Route().Path
	}
	status, d := c.Response().StatusCode(), time.Since(start)
	s.met.observe(c.Method(), route, status, d)
	if s.log.Enabled(context.Background(), slog.LevelDebug) {
		s.log.LogAttrs(context.Background(), slog.LevelDebug, "request",
			slog.String("method", c.Method()), slog.String("route", route),
			slog.Int("status", status), slog.Duration("duration", d))
	}
	return nil
}
