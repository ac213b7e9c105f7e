// Package edge is StoreEdge's HTTP adapter: a fiber v3 server that exposes
// the pos services to tills and staff as a JSON API (/api/v1/...), serves the
// cashier screen (/pos/), and answers probes (/healthz, /readyz). Prometheus
// scrapes /metrics from a [MetricsServer] on a listener of its own, away
// from the shoppers who reach the [Server].
//
// Handlers only translate: they decode and validate requests strictly, put
// the caller's *pos.Session into the request context, call a pos service
// with c.Context(), and encode the result. Every error, from a service or
// from fiber itself, leaves through one error handler that writes an RFC 9457
// problem+json body with a stable code (see [ErrorStatusCode]).
//
// The package imports pos but no other adapter: cmd/storeedge assigns the
// concrete services to the Server's interface fields before [Server.Open].
package edge
