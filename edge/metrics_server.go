package edge

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// DefaultMetricsAddr is where MetricsServer listens by default: loopback
// only, because the shop's Wi-Fi reaches the main listener and metrics
// tell an outsider how busy the shop is and how far its sync lags.
const DefaultMetricsAddr = "127.0.0.1:9090"

// MetricsServer serves Prometheus's /metrics on a listener of its own,
// apart from the shopper-facing Server. It is plain net/http: it has one
// route and no shoppers to shield. Set its fields, then call Open; Close
// stops it.
type MetricsServer struct {
	ln   net.Listener
	srv  *http.Server
	done chan error

	// Addr is the listen address, e.g. "127.0.0.1:9090" or "127.0.0.1:0".
	Addr string
	// Gatherer is what /metrics exposes (nil: prometheus.DefaultGatherer).
	// Give Server.Registerer a registry it gathers, or the HTTP metrics
	// are not shown.
	Gatherer prometheus.Gatherer
}

// Open binds Addr and serves in the background.
func (m *MetricsServer) Open() error {
	g := m.Gatherer
	if g == nil {
		g = prometheus.DefaultGatherer
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	ln, err := net.Listen("tcp", m.Addr)
	if err != nil {
		return fmt.Errorf("metrics listen: %w", err)
	}
	m.ln, m.done = ln, make(chan error, 1)
	m.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
	go func() { m.done <- m.srv.Serve(ln) }()
	return nil
}

// URL returns the base URL of the bound listener, e.g.
// "http://127.0.0.1:9090" (the metrics are at URL()+"/metrics"), or ""
// before Open.
func (m *MetricsServer) URL() string {
	if m.ln == nil {
		return ""
	}
	return baseURL(m.ln.Addr())
}

// Close stops the server, letting a scrape in flight finish for a few
// seconds.
func (m *MetricsServer) Close() error {
	if m.ln == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := m.srv.Shutdown(ctx)
	if serveErr := <-m.done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	m.ln = nil
	if err != nil {
		return fmt.Errorf("metrics shutdown: %w", err)
	}
	return nil
}
