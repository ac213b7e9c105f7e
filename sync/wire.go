package sync

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/sync/pki"
)

// Topics of the contract. {store} is the store id.
const (
	TopicRoot         = "storeedge/v1"
	AllDownlinkTopic  = TopicRoot + "/all/downlink"
	ShareGroup        = "storeedge-central"
	SharedEventsTopic = "$share/" + ShareGroup + "/" + TopicRoot + "/stores/+/events"
	AllStatusTopic    = TopicRoot + "/stores/+/status"
	BatchContentType  = "application/cloudevents-batch+json"
)

// EventsTopic is where a shop publishes its event batches.
func EventsTopic(store string) string { return TopicRoot + "/stores/" + store + "/events" }

// AcksTopic is where central publishes (retained) a shop's ack.
func AcksTopic(store string) string { return TopicRoot + "/stores/" + store + "/acks" }

// DownlinkTopic is where central publishes a shop's own downlink.
func DownlinkTopic(store string) string { return TopicRoot + "/stores/" + store + "/downlink" }

// StatusTopic is where a shop publishes (retained) its status and will.
func StatusTopic(store string) string { return TopicRoot + "/stores/" + store + "/status" }

// StoreFromTopic returns the store id of a stores/{store}/... topic.
func StoreFromTopic(topic string) (string, error) {
	rest, ok := strings.CutPrefix(topic, TopicRoot+"/stores/")
	if !ok {
		return "", fmt.Errorf("topic %q is not a store topic", topic)
	}
	store, _, ok := strings.Cut(rest, "/")
	if !ok || !ValidStoreID(store) {
		return "", fmt.Errorf("topic %q has no valid store id", topic)
	}
	return store, nil
}

// ValidStoreID reports whether s is a store id: 1-64 of [a-z0-9_-], as
// pki.ValidStoreID says (a store id is also a certificate's CN).
func ValidStoreID(s string) bool { return pki.ValidStoreID(s) }

// Ack is central's cumulative acknowledgement: every event of Epoch with
// storeseq <= UptoSeq is stored at central. Digest is the pos.ChainDigest
// of the ids central holds for storeseqs 1..UptoSeq of the epoch (hex): a
// shop trims only when its own events give the same digest.
type Ack struct {
	Store   string `json:"store"`
	Epoch   string `json:"epoch"`
	UptoSeq uint64 `json:"upto_seq"`
	Digest  string `json:"digest,omitempty"`
}

// Conflict is central's notice that it holds another event id than a shop
// sent for (store, epoch, seq): two devices write the same sequence. The
// shop that holds OfferedID at that place sets the epoch's pending events
// aside and sends them again in a new epoch.
type Conflict struct {
	Store     string `json:"store"`
	Epoch     string `json:"epoch"`
	Seq       uint64 `json:"seq"`
	HeldID    string `json:"held_id"`
	OfferedID string `json:"offered_id"`
}

// Status is a shop's retained presence message.
type Status struct {
	Online        bool   `json:"online"`
	PendingEvents int    `json:"pending_events"`
	LastAckSeq    uint64 `json:"last_ack_seq"`
	Version       string `json:"version"`
}

// PullPage is one answer of central's pull API,
// GET {central}/api/v1/stores/{store}/downlink?stream=S&since=V&limit=N:
// the stream's messages for that shop (its own and chain-wide ones, each a
// pos.Downlink) with a version above since, in version order. Head is the
// stream's highest version for the shop when the page was read; More says
// a further page exists (ask again with since = the last message's
// version), and when it is false the shop's cursor may move to Head.
// Central always sends Messages as an array, never null.
type PullPage struct {
	Stream   string            `json:"stream"`
	Head     uint64            `json:"head"`
	Messages []json.RawMessage `json:"messages"`
	More     bool              `json:"more"`
}

// Limits on what a peer may send.
const (
	MaxBatchEvents  = 10_000
	MaxMessageBytes = 8 << 20
)

// ErrMalformed wraps every decoding failure of a peer's message.
var ErrMalformed = errors.New("malformed message")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// DecodeAck parses and checks an ack.
func DecodeAck(b []byte) (*Ack, error) {
	var a Ack
	if err := strictUnmarshal(b, &a); err != nil {
		return nil, err
	}
	if !ValidStoreID(a.Store) || !validEpoch(a.Epoch) {
		return nil, malformed("ack needs a store and a 32-hex-digit epoch")
	}
	if _, ok := pos.ParseChainDigest(a.Digest); a.Digest != "" && !ok {
		return nil, malformed("ack digest must be 64 hex digits")
	}
	return &a, nil
}

// ChainDigest returns the ack's digest, nil when it has none.
func (a *Ack) ChainDigest() *pos.ChainDigest {
	d, ok := pos.ParseChainDigest(a.Digest)
	if !ok {
		return nil
	}
	return &d
}

// DecodeConflict parses and checks a conflict notice.
func DecodeConflict(b []byte) (*Conflict, error) {
	var c Conflict
	if err := strictUnmarshal(b, &c); err != nil {
		return nil, err
	}
	_, held := pos.ParseUUID(c.HeldID)
	if !ValidStoreID(c.Store) || !validEpoch(c.Epoch) || c.Seq == 0 || !held {
		return nil, malformed("conflict needs a store, an epoch, a seq and the held id")
	}
	return &c, nil
}

// EncodeBatch joins stored CloudEvents into one batch (a JSON array).
func EncodeBatch(events []json.RawMessage) []byte {
	n := 2
	for _, e := range events {
		n += len(e) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, e := range events {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e...)
	}
	return append(b, ']')
}

// DecodeBatch parses a batch and checks every event: CloudEvents 1.0, a
// UUID id, a storeedge type, a storeseq, an epoch and a source of the store
// the topic names.
func DecodeBatch(store string, b []byte) ([]pos.Event, error) {
	if len(b) > MaxMessageBytes {
		return nil, malformed("batch of %d bytes", len(b))
	}
	var events []pos.Event
	if err := json.Unmarshal(b, &events); err != nil {
		return nil, malformed("batch: %v", err)
	}
	if len(events) == 0 || len(events) > MaxBatchEvents {
		return nil, malformed("batch of %d events", len(events))
	}
	for i := range events {
		if err := CheckEvent(store, &events[i]); err != nil {
			return nil, malformed("event %d: %v", i, err)
		}
	}
	return events, nil
}

// CheckEvent checks one event of store's batch: CloudEvents 1.0, a UUID id,
// a storeedge type, a storeseq, an epoch, a source of the store, a time and
// an object as data.
func CheckEvent(store string, e *pos.Event) error {
	switch {
	case e.SpecVersion != "1.0":
		return errors.New("specversion must be 1.0")
	case uuid.Validate(e.ID) != nil:
		return errors.New("id must be a UUID")
	case !strings.HasPrefix(e.Type, "ru.storeedge.") || len(e.Type) > 100:
		return errors.New("type must be a ru.storeedge. type")
	case e.StoreSeq == 0:
		return errors.New("storeseq must be 1 or more")
	case !validEpoch(e.StoreEpoch):
		return errors.New("storeepoch must be 32 hex digits")
	case !strings.HasPrefix(e.Source, "/stores/"+store+"/"):
		return fmt.Errorf("source %q is not of store %s", e.Source, store)
	case e.Time.IsZero():
		return errors.New("time is required")
	case len(e.Data) == 0 || e.Data[0] != '{':
		return errors.New("data must be a JSON object")
	}
	return nil
}

// ValidEpoch reports whether s is an epoch: 32 lowercase hex digits.
func ValidEpoch(s string) bool { return validEpoch(s) }

func validEpoch(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// DecodeDownlink parses and checks a downlink envelope. Items are checked
// when they are applied, by their stream's type.
func DecodeDownlink(b []byte) (*pos.Downlink, error) {
	if len(b) > MaxMessageBytes {
		return nil, malformed("downlink of %d bytes", len(b))
	}
	var d pos.Downlink
	if err := strictUnmarshal(b, &d); err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, malformed("%s: %s", pos.ErrorField(err), pos.ErrorMessage(err))
	}
	for i, it := range d.Items {
		if t := bytes.TrimSpace(it); len(t) == 0 || t[0] != '{' {
			return nil, malformed("items[%d] must be a JSON object", i)
		}
	}
	return &d, nil
}

// strictUnmarshal decodes one JSON value, refusing unknown fields and
// trailing data.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return malformed("%v", err)
	}
	if dec.More() {
		return malformed("trailing data")
	}
	return nil
}
