package pos

import "context"

type contextKey int

const sessionContextKey contextKey = iota + 1

// NewContextWithSession returns ctx carrying the caller's session.
func NewContextWithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionContextKey, s)
}

// SessionFromContext returns the caller's session, or nil.
func SessionFromContext(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionContextKey).(*Session)
	return s
}
