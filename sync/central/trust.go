package central

import (
	"context"

	storesync "github.com/storeedge/storeedge/sync"
)

// Central's side of trust on the sync path: a shop's batches and status
// are verified against the keys enrolled for the shop its topic names
// before their payload is parsed, and everything central sends a shop is
// signed with central's key for that shop (or, chain-wide, for "*").

// fromShop returns the payload of a message a shop sent on its own topic,
// verified: signed by that shop for central, of the expected kind. In lab
// mode (Insecure) a plain payload is taken, and an envelope unwrapped.
func (s *Server) fromShop(store, kind string, b []byte) ([]byte, error) {
	if s.Insecure {
		return storesync.Unwrap(b)
	}
	want := storesync.Expect{Kinds: []string{kind}, From: store, To: []string{storesync.CentralName}}
	env, err := storesync.Open(b, want, storesync.VerifyECDSA(s.ShopKeys))
	if err != nil {
		return nil, err
	}
	return env.Payload, nil
}

// reject counts and logs a message that is not what its topic claims, and
// counts it on the shop's row when the shop is one central knows (a forger
// cannot make rows for shops that do not exist).
func (s *Server) reject(store, kind string, err error) {
	s.metrics.rejected.WithLabelValues(kind).Inc()
	s.Logger.Warn("message refused: not signed by the shop its topic names", "store", store, "kind", kind, "err", err)
	ctx, cancel := context.WithTimeout(s.workCtx, s.ApplyTimeout)
	defer cancel()
	if _, err := s.pool.Exec(ctx, `UPDATE stores SET rejected = rejected + 1 WHERE store = $1`, store); err != nil {
		s.Logger.Warn("count a refused message", "store", store, "err", err)
	}
}

// seal signs a payload for a shop (or storesync.AudienceAll); in lab mode
// it goes plain.
func (s *Server) seal(kind, to string, payload []byte) ([]byte, error) {
	if s.Insecure {
		return payload, nil
	}
	return storesync.Seal(s.signer, kind, storesync.CentralName, to, payload)
}

// publishSigned signs and publishes; it reports whether the message went
// out (a signing failure is counted with failures and logged).
func (s *Server) publishSigned(topic, kind, to string, payload []byte, retained bool, failures interface{ Inc() }) bool {
	b, err := s.seal(kind, to, payload)
	if err != nil {
		failures.Inc()
		s.Logger.Error("sign message", "topic", topic, "err", err)
		return false
	}
	s.publish(topic, b, retained, failures)
	return true
}
