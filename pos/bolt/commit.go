package bolt

import (
	"context"
	"errors"

	"go.etcd.io/bbolt"
)

// txFunc is one write request's work inside a shared transaction. It must
// validate before it writes: returning an error rolls back the whole group.
type txFunc func(tx *bbolt.Tx) error

type commitReq struct {
	fn     txFunc
	events bool // the request appends to the outbox
	done   chan error
}

// errGroupFailed marks a group whose transaction was rolled back because one
// request failed; its members are then retried one by one.
var errGroupFailed = errors.New("group commit: a member failed")

// update runs fn in the next group commit and returns once that commit is
// on disk (or failed). ctx only bounds the wait to enter the queue: once fn
// is queued its outcome is awaited, so a 2xx is never sent for a write that
// might still fail, and a timeout never hides a write that succeeded.
func (db *DB) update(ctx context.Context, events bool, fn txFunc) error {
	req := &commitReq{fn: fn, events: events, done: make(chan error, 1)}
	// The read lock keeps Close from stopping the loop between our check
	// of closed and our send, so every queued request is answered.
	db.mu.RLock()
	if db.closed || db.commits == nil {
		db.mu.RUnlock()
		return ErrClosed
	}
	select {
	case db.commits <- req:
		db.mu.RUnlock()
	case <-ctx.Done():
		db.mu.RUnlock()
		return ctx.Err()
	}
	return <-req.done
}

// commitLoop is the single writer. It takes every request that is already
// waiting (up to BatchSize) and commits them in one transaction: while a
// commit is fsyncing, the next group gathers, so the group size follows the
// load with no timer on the path of a lone till.
func (db *DB) commitLoop() {
	defer db.wg.Done()
	group := make([]*commitReq, 0, max(db.BatchSize, 1))
	for {
		select {
		case req := <-db.commits:
			group = db.gather(append(group[:0], req))
			db.commitGroup(group)
		case <-db.closing:
			db.drainOnClose()
			return
		}
	}
}

// gather adds requests already queued, waiting up to BatchDelay for more.
func (db *DB) gather(group []*commitReq) []*commitReq {
	limit := max(db.BatchSize, 1)
	var timeout <-chan struct{}
	if db.BatchDelay > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), db.BatchDelay)
		defer cancel()
		timeout = ctx.Done()
	}
	for len(group) < limit {
		select {
		case req := <-db.commits:
			group = append(group, req)
			continue
		default:
		}
		if timeout == nil {
			return group
		}
		select {
		case req := <-db.commits:
			group = append(group, req)
		case <-timeout:
			return group
		}
	}
	return group
}

// drainOnClose commits whatever was queued before Close, so a request that
// entered the queue always gets its answer.
func (db *DB) drainOnClose() {
	for {
		select {
		case req := <-db.commits:
			db.commitGroup([]*commitReq{req})
		default:
			return
		}
	}
}

func (db *DB) commitGroup(group []*commitReq) {
	events := false
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		for _, r := range group {
			if err := r.fn(tx); err != nil {
				if len(group) == 1 {
					return err
				}
				return errGroupFailed
			}
			events = events || r.events
		}
		return nil
	})
	if errors.Is(err, errGroupFailed) {
		for _, r := range group {
			db.commitGroup([]*commitReq{r})
		}
		return
	}
	err = mapStorageErr(err)
	for _, r := range group {
		r.done <- err
	}
	if err == nil && events {
		select {
		case db.notify <- struct{}{}:
		default:
		}
	}
}
