package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/storeedge/storeedge/pos/bolt"
)

// How often the housekeeping runs.
const (
	pruneEvery  = time.Hour        // acknowledged history past the retention goes
	expireEvery = 30 * time.Second // reservations past their hold release stock
)

// pruner does the server's housekeeping: every hour it removes what central
// has acknowledged and is older than the retention, so the file stays
// within its budget (it never touches an event central has not
// acknowledged), and every 30 s it releases reservations whose hold ended
// and click & collect orders nobody came for.
type pruner struct {
	DB           *bolt.DB
	Retention    time.Duration
	Reservations *bolt.ReservationService
	Pickups      *bolt.PickupService // releases ready orders nobody came for
	Logger       *slog.Logger

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
		prune := time.NewTimer(time.Minute)
		defer prune.Stop()
		expire := time.NewTicker(expireEvery)
		defer expire.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-prune.C:
				p.once(ctx)
				prune.Reset(pruneEvery)
			case <-expire.C:
				p.expire(ctx)
				p.releaseNoShows(ctx)
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

func (p *pruner) expire(ctx context.Context) {
	if p.Reservations == nil {
		return
	}
	n, err := p.Reservations.ExpireReservations(ctx)
	if err != nil && ctx.Err() == nil {
		p.Logger.Error("expiring reservations failed", "err", err)
	} else if n > 0 {
		p.Logger.Info("reservations expired", "count", n)
	}
}

// releaseNoShows turns click & collect orders ready for longer than
// pickups.no_show_days into no-shows, releasing their stock. It runs with
// the reservations' expiry: a scan of a few orders costs nothing.
func (p *pruner) releaseNoShows(ctx context.Context) {
	if p.Pickups == nil {
		return
	}
	n, err := p.Pickups.ReleaseNoShows(ctx)
	if err != nil && ctx.Err() == nil {
		p.Logger.Error("releasing click & collect no-shows failed", "err", err)
	} else if n > 0 {
		p.Logger.Info("click & collect no-shows released", "count", n)
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
