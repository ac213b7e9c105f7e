package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/storeedge/storeedge/pos/bolt"
)

// pruneEvery is how often acknowledged history past the retention goes.
const pruneEvery = time.Hour

// pruner removes, every hour, what central has acknowledged and is older
// than the retention, so the file stays within its budget. It never touches
// an event central has not acknowledged.
type pruner struct {
	DB        *bolt.DB
	Retention time.Duration
	Logger    *slog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Start runs the first prune a minute after start-up (not on the start-up
// path), then every pruneEvery.
func (p *pruner) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTimer(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				p.once(ctx)
				t.Reset(pruneEvery)
			}
		}
	}()
}

func (p *pruner) once(ctx context.Context) {
	res, err := p.DB.Prune(ctx, p.DB.Now().Add(-p.Retention))
	if err != nil && ctx.Err() == nil {
		p.Logger.Error("prune failed", "err", err)
		return
	}
	if res.Sales+res.Returns+res.Shifts+res.Pickups > 0 {
		p.Logger.Info("pruned synced history", "sales", res.Sales, "returns", res.Returns, "shifts", res.Shifts, "pickups", res.Pickups)
	}
}

// Stop cancels a prune in progress (each of its transactions is atomic)
// and waits for the goroutine.
func (p *pruner) Stop() {
	if p.cancel != nil {
		p.cancel()
		p.wg.Wait()
	}
}
