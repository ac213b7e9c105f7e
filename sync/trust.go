package sync

import (
	"encoding/json"
	"errors"
	"sync/atomic"

	"github.com/storeedge/storeedge/pos"
)

// The relay's side of trust on the sync path: what it sends is signed with
// the shop's key, and what it receives is verified with central's pinned
// keys before its payload is parsed. Nothing unsigned or signed for
// another shop is acted on: it is counted, logged and kept aside.

// trustCounts are shown in the sync status (the metrics have them too).
type trustCounts struct {
	rejected, refusedAcks, conflicts, rebased atomic.Int64
}

func (c *trustCounts) fill(st *pos.SyncStatus, secure bool) {
	st.Secure = secure
	st.RejectedMessages = c.rejected.Load()
	st.RefusedAcks = c.refusedAcks.Load()
	st.Conflicts = c.conflicts.Load()
	st.RebasedEvents = c.rebased.Load()
}

// seal signs a payload this shop sends to central; in lab mode it is sent
// plain.
func (r *Relay) seal(kind string, payload []byte) ([]byte, error) {
	if r.Insecure {
		return payload, nil
	}
	return Seal(r.signer, kind, r.StoreID, CentralName, payload)
}

// fromCentral verifies a message central signed for this shop (or, for
// AudienceAll, for every shop) and returns its kind and payload. In lab
// mode an unsigned message is taken as it is (its kind ""), and an
// envelope is unwrapped unverified.
func (r *Relay) fromCentral(b []byte, kinds []string, audience string) (kind string, payload []byte, err error) {
	if r.Insecure {
		if !looksSigned(b) {
			return "", b, nil
		}
		var env Envelope
		if err := json.Unmarshal(b, &env); err != nil {
			return "", nil, malformed("envelope: %v", err)
		}
		return env.Kind, env.Payload, nil
	}
	env, err := Open(b, Expect{Kinds: kinds, From: CentralName, To: []string{audience}}, VerifyEd25519(r.CentralKeys))
	if err != nil {
		return "", nil, err
	}
	return env.Kind, env.Payload, nil
}

// rejected counts and logs a message refused for its signature.
func (r *Relay) rejected(kind, topic string, err error) {
	r.counts.rejected.Add(1)
	r.metrics.rejected.WithLabelValues(kind).Inc()
	r.logWarn("rejected-"+kind, "sync: refused a message that is not signed by central for this shop",
		"kind", kind, "topic", topic, "err", err)
}

// untrusted reports whether err is about who sent a message rather than
// what it says.
func untrusted(err error) bool { return errors.Is(err, ErrUntrusted) }
