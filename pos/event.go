package pos

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Event types sent to the central office (CloudEvents "type").
const (
	EventSaleCompleted = "ru.storeedge.sale.completed"
	EventSaleReturned  = "ru.storeedge.sale.returned"
	EventShiftOpened   = "ru.storeedge.shift.opened"
	EventShiftClosed   = "ru.storeedge.shift.closed"
	EventCashMoved     = "ru.storeedge.shift.cash_moved"
	EventStockNegative = "ru.storeedge.stock.negative"
)

// Event is one outgoing CloudEvent 1.0 (structured mode) as it sits in the
// outbox. ID, StoreSeq and StoreEpoch are set once, in the transaction that
// records the business fact, and never change across retries.
type Event struct {
	SpecVersion     string          `json:"specversion"`
	ID              string          `json:"id"`
	Source          string          `json:"source"`
	Type            string          `json:"type"`
	Time            time.Time       `json:"time"`
	DataContentType string          `json:"datacontenttype"`
	StoreSeq        uint64          `json:"storeseq"`
	StoreEpoch      string          `json:"storeepoch"`
	Data            json.RawMessage `json:"data"`
}

// NegativeStock is the data of a stock.negative event: a sale took on-hand
// stock below zero, so the count was wrong.
type NegativeStock struct {
	SKU     string `json:"sku"`
	OnHand  int64  `json:"on_hand"`
	SaleID  string `json:"sale_id"`
	Shift   string `json:"shift_id"`
	Cashier string `json:"cashier_id"`
}

// SyncStatus is what GET /api/v1/sync/status reports.
type SyncStatus struct {
	Connected         bool              `json:"connected"`
	PendingEvents     int               `json:"pending_events"`
	OldestPendingAgeS int64             `json:"oldest_pending_age_s"`
	LastAckSeq        uint64            `json:"last_ack_seq"`
	LastAckAt         *time.Time        `json:"last_ack_at"`
	DownlinkVersions  map[string]uint64 `json:"downlink_versions"`
	DeadLetters       int               `json:"dead_letters"`
	StoreEpoch        string            `json:"store_epoch"`
	NextSeq           uint64            `json:"next_seq"`
	// Trust on the sync path, counted since the server started: whether
	// messages are signed and verified (false only with --insecure-sync),
	// messages refused as unsigned or badly signed, signed acks refused (beyond
	// what this shop wrote, or not of its events), conflicts central reported,
	// and events moved to a new epoch because of them.
	Secure           bool  `json:"secure"`
	RejectedMessages int64 `json:"rejected_messages"`
	RefusedAcks      int64 `json:"refused_acks"`
	Conflicts        int64 `json:"conflicts"`
	RebasedEvents    int64 `json:"rebased_events"`
}

// SyncStatusService reports the state of the outbox and of the link to
// central. Without a broker it still reports the outbox.
type SyncStatusService interface {
	SyncStatus(ctx context.Context) (*SyncStatus, error)
}

// OutboxStats describe the events not yet acknowledged by central.
type OutboxStats struct {
	Pending       int
	OldestCreated time.Time
	FirstSeq      uint64
	LastSeq       uint64
}

// ChainDigest is the running digest of an epoch's event ids in storeseq
// order: D(0) is all zeros and D(n) = SHA-256(D(n-1) || id(n)), the id as
// its 16 bytes. Central acks with the digest at its watermark, and a shop
// trims its outbox only when its own events give the same digest, so an
// ack can only ever cover events central holds, never another device's.
type ChainDigest [32]byte

// Next returns the digest after the event with the given id. An id that
// is not a UUID counts as the zero UUID (a shop's own events always have
// one; only a broken peer's could not).
func (d ChainDigest) Next(id string) ChainDigest {
	var buf [48]byte
	copy(buf[:32], d[:])
	u, _ := ParseUUID(id)
	copy(buf[32:], u[:])
	return sha256.Sum256(buf[:])
}

// String is the digest in lowercase hex, as acks carry it.
func (d ChainDigest) String() string { return hex.EncodeToString(d[:]) }

// ParseChainDigest reads a digest from its hex form.
func ParseChainDigest(s string) (ChainDigest, bool) {
	var d ChainDigest
	if len(s) != 64 {
		return d, false
	}
	_, err := hex.Decode(d[:], []byte(s))
	return d, err == nil
}

// ParseUUID reads a UUID in its canonical 36-character form, in any case.
func ParseUUID(s string) (u [16]byte, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	hexDigits := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	if _, err := hex.Decode(u[:], []byte(hexDigits)); err != nil {
		return [16]byte{}, false
	}
	return u, true
}
