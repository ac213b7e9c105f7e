package pos

import (
	"context"
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
