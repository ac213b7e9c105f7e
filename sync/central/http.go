package central

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/storeedge/storeedge/pos"
)

// Codes the HTTP layer adds to pos's.
const (
	codePayloadTooLarge = "payload_too_large"
	codeUnavailable     = "unavailable"
)

// problemTypeBase prefixes a code to form a problem's "type" URI, as the
// edge's API does.
const problemTypeBase = "https://storeedge.dev/problems/"

// Problem is an RFC 9457 problem details body with StoreEdge's code and
// field, the same shape as the edge's.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Code     string `json:"code"`
	Field    string `json:"field,omitempty"`
	Instance string `json:"instance"`
}

func (s *Server) openHTTP() error {
	ln, err := net.Listen("tcp", s.Listen)
	if err != nil {
		return fmt.Errorf("central: listen: %w", err)
	}
	s.ln = ln
	s.http = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: time.Minute, WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn)}
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Logger.Error("http server stopped", "err", err)
		}
	}()
	return nil
}

// routes serves the probes and metrics (no business data) to anyone and
// every API route through guard, with the action it needs.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealthz)
	mux.HandleFunc("GET /readyz", s.handleReadyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.Gatherer, promhttp.HandlerOpts{}))
	mux.Handle("GET /api/v1/stores", s.guard(actListStores, s.handleListStores))
	mux.Handle("GET /api/v1/stores/{store}", s.guard(actReadStore, s.handleGetStore))
	mux.Handle("GET /api/v1/stores/{store}/downlink", s.guard(actPullDownlink, s.handlePullDownlink))
	mux.Handle("POST /api/v1/downlink", s.guard(actPostDownlink, s.handlePostDownlink))
	mux.Handle("GET /api/v1/customers/{id}/loyalty", s.guard(actReadLoyalty, s.handleGetLoyalty))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, pos.Errorf(pos.CodeNotFound, "No such resource."))
	})
	return s.recoverer(mux)
}

// recoverer turns a handler's panic into a 500 problem instead of a
// dropped connection.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReadyz is ready when the database answers and the broker
// subscription is up.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	dbOK := s.pool.Ping(ctx) == nil
	body := map[string]any{"database": dbOK, "broker": s.Ready()}
	if !dbOK || !s.Ready() {
		body["status"] = "unavailable"
		writeJSON(w, http.StatusServiceUnavailable, body)
		return
	}
	body["status"] = "ready"
	writeJSON(w, http.StatusOK, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// statuses maps the codes central returns to HTTP statuses and titles.
var statuses = map[string]struct {
	status int
	title  string
}{
	pos.CodeValidationFailed: {http.StatusBadRequest, "Validation failed"},
	pos.CodeUnauthorized:     {http.StatusUnauthorized, "Unauthorized"},
	pos.CodeForbidden:        {http.StatusForbidden, "Forbidden"},
	pos.CodeNotFound:         {http.StatusNotFound, "Not found"},
	codePayloadTooLarge:      {http.StatusRequestEntityTooLarge, "Payload too large"},
	codeUnavailable:          {http.StatusServiceUnavailable, "Service unavailable"},
	pos.CodeInternal:         {http.StatusInternalServerError, "Internal error"},
}

// writeError writes err as application/problem+json; anything that is not
// a *pos.Error is logged and shown as an internal error.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := pos.ErrorCode(err)
	st, ok := statuses[code]
	if !ok {
		st = statuses[pos.CodeValidationFailed]
	}
	if code == pos.CodeInternal {
		s.Logger.Error("http request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p := Problem{Type: problemTypeBase + code, Title: st.title, Status: st.status,
		Detail: pos.ErrorMessage(err), Code: code, Field: pos.ErrorField(err), Instance: r.URL.Path}
	if code == pos.CodeUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="storeedge central"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(st.status)
	_ = json.NewEncoder(w).Encode(p)
}
