package sync

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// The uplink's bookkeeping: the send state of each epoch (stream), the
// batches published but not yet acknowledged (window), and the uplink's
// helpers that keep the two in step.

// stream is the send state of one epoch.
type stream struct {
	epoch   string
	next    uint64 // the next storeseq to send (events below it are in flight or acked)
	acked   uint64 // central's watermark as last heard
	maxSent uint64 // highest storeseq ever published in order, to count resends
}

// rewind starts the epoch again right after central's last ack.
func (s *stream) rewind() { s.next = s.acked + 1 }

func findStream(ss []*stream, epoch string) *stream {
	for _, s := range ss {
		if s.epoch == epoch {
			return s
		}
	}
	return nil
}

// batch is one published, unacknowledged batch.
type batch struct {
	epoch       string
	first, last uint64
	sentAt      time.Time
	tok         mqtt.Token
	live        bool // a copy sent ahead of the backlog; never timed out
	gone        bool // taken out of the window
}

// seqRange returns the storeseq of a batch's first and last events.
func seqRange(evs []json.RawMessage) (first, last uint64, err error) {
	var a, b struct {
		StoreSeq uint64 `json:"storeseq"`
	}
	if err := json.Unmarshal(evs[0], &a); err != nil {
		return 0, 0, fmt.Errorf("outbox event: %w", err)
	}
	if err := json.Unmarshal(evs[len(evs)-1], &b); err != nil {
		return 0, 0, fmt.Errorf("outbox event: %w", err)
	}
	if a.StoreSeq == 0 || b.StoreSeq < a.StoreSeq {
		return 0, 0, errors.New("outbox event: storeseq out of order")
	}
	return a.StoreSeq, b.StoreSeq, nil
}

// window holds the in-flight batches in the order they were sent.
type window struct{ batches []*batch }

func (w *window) add(b *batch) { w.batches = append(w.batches, b) }
func (w *window) clear()       { w.batches = nil }

// snapshot is a copy to range over while removing.
func (w *window) snapshot() []*batch { return append([]*batch(nil), w.batches...) }

// seq counts in-order batches; live counts the copies sent ahead.
func (w *window) seq() int  { return w.count(false) }
func (w *window) live() int { return w.count(true) }

func (w *window) count(live bool) int {
	n := 0
	for _, b := range w.batches {
		if b.live == live {
			n++
		}
	}
	return n
}

// oldest is the earliest sent in-order batch, or nil.
func (w *window) oldest() *batch {
	for _, b := range w.batches {
		if !b.live {
			return b
		}
	}
	return nil
}

// keep removes the batches for which drop returns true and returns them.
func (w *window) keep(drop func(*batch) bool) []*batch {
	var out []*batch
	kept := w.batches[:0]
	for _, b := range w.batches {
		if drop(b) {
			b.gone = true
			out = append(out, b)
		} else {
			kept = append(kept, b)
		}
	}
	clear(w.batches[len(kept):])
	w.batches = kept
	return out
}

// ack removes and returns the batches of epoch wholly covered by upto.
func (w *window) ack(epoch string, upto uint64) []*batch {
	return w.keep(func(b *batch) bool { return b.epoch == epoch && b.last <= upto })
}

// drop removes every batch of epoch.
func (w *window) drop(epoch string) { w.keep(func(b *batch) bool { return b.epoch == epoch }) }

// remove takes one batch out.
func (w *window) remove(x *batch) { w.keep(func(b *batch) bool { return b == x }) }

// current is the current epoch's stream, or nil before Epochs answered.
func (u *uplink) current() *stream {
	if len(u.streams) == 0 {
		return nil
	}
	return u.streams[0]
}

// seqSlots is how much of the window in-order sending may use: one slot
// stays free for live events while a backlog drains (M5).
func (u *uplink) seqSlots() int { return max(u.r.Window-1, 1) }

// rewind drops an epoch's in-flight batches and starts it again after
// central's last ack.
func (u *uplink) rewind(epoch string) {
	u.win.drop(epoch)
	if s := findStream(u.streams, epoch); s != nil {
		s.rewind()
	}
	if cur := u.current(); cur != nil && cur.epoch == epoch {
		u.liveNext = 0
	}
}
