package main_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/bolt"
)

// outage ends a round of load the way the field does: the crash test kills
// the server, the power-cut test also loses what the kernel had not
// written to disk. Everything else, the load and the checks, is shared.
type outage interface {
	// loadServer starts the server the tills load in a round. dir is the
	// data directory on disk; check is the server that just verified the
	// last round there (nil in the first), which it may keep or stop.
	loadServer(t *testing.T, dir string, check *proc) *proc
	// strike ends the round: the server p is gone when it returns.
	strike(t *testing.T, p *proc)
}

// killOutage is kill -9: the process dies, the page cache survives.
type killOutage struct{}

func (killOutage) loadServer(t *testing.T, dir string, check *proc) *proc {
	if check != nil {
		return check
	}
	return startServe(t, dir)
}

func (killOutage) strike(_ *testing.T, p *proc) { p.kill() }

// outageRun is one test's tills, what they were told, and the shifts.
type outageRun struct {
	dir     string
	tokens  []string
	initial map[string]int64
	tills   []*client
	log     *crashLog
	rng     *rand.Rand
}

// runOutages drives the tills in rounds, each ended by o, and checks after
// every restart (on the data directory itself) that everything
// acknowledged is there; at the end it retries what got no answer and
// verifies the whole database. It returns the run for further checks.
func runOutages(t *testing.T, dir string, o outage, rounds int) *outageRun {
	r := &outageRun{dir: dir, tokens: enrolTills(t, dir), tills: make([]*client, crashTills), log: &crashLog{},
		rng: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))}
	r.initial = initialStock(t, dir)
	for round := 0; round <= rounds; round++ {
		var check *proc
		if round > 0 {
			check = startServe(t, dir)
			r.attach(t, check)
			checkAcked(t, r.tills[0], r.log)
			checkShifts(t, r.tills[0], r.log)
			if round == rounds {
				resolveUnknown(t, r.tills[0], r.log)
				check.stop(t)
				break
			}
		}
		p := o.loadServer(t, dir, check)
		r.attach(t, p)
		runLoad(t, r.tills, r.log, time.Duration(300+r.rng.IntN(900))*time.Millisecond, func() { o.strike(t, p) })
	}
	verifyCrash(t, dir, r.log, r.initial)
	return r
}

// attach points the tills at p, logging them in the first time, and gives
// each an open shift (a close in the last round may have left none).
func (r *outageRun) attach(t *testing.T, p *proc) {
	t.Helper()
	for i := range r.tills {
		if r.tills[i] == nil {
			r.tills[i] = newClient(p.URL)
			r.tills[i].login(t, r.tokens[i], "crash", "2468")
		}
		c := r.tills[i]
		c.base = p.URL
		if code, _ := c.do("GET", "/api/v1/shifts/current", nil, nil, nil); code == 409 { // shift_not_open
			c.must(t, 201, "POST", "/api/v1/shifts", map[string]any{"opening_float": money(100000)}, nil, nil)
		}
	}
}

// closeAndReopen closes the till's shift with its cash counted and opens
// the next one, recording what was acknowledged.
func closeAndReopen(c *client, log *crashLog) {
	var cur struct{ ID string }
	if code, err := c.do("GET", "/api/v1/shifts/current", nil, nil, &cur); err != nil || code != 200 {
		return
	}
	var closed struct{ ID string }
	code, err := c.do("POST", "/api/v1/shifts/"+cur.ID+"/close", map[string]any{"counted_cash": money(100000)}, nil, &closed)
	if err != nil || code == 0 {
		return // server gone
	}
	if code == 200 {
		log.mu.Lock()
		log.closed = append(log.closed, cur.ID)
		log.mu.Unlock()
	}
	var opened struct{ ID string }
	if code, err := c.do("POST", "/api/v1/shifts", map[string]any{"opening_float": money(100000)}, nil, &opened); err == nil && code == 201 {
		log.mu.Lock()
		log.opened = append(log.opened, opened.ID)
		log.mu.Unlock()
	}
}

// checkShifts runs after a restart: every acknowledged close is closed,
// and every acknowledged open is there.
func checkShifts(t *testing.T, c *client, log *crashLog) {
	t.Helper()
	log.mu.Lock()
	defer log.mu.Unlock()
	for _, id := range log.closed {
		var sh pos.Shift
		if code, err := c.do("GET", "/api/v1/shifts/"+id, nil, nil, &sh); err != nil || code != 200 || sh.ClosedAt == nil {
			t.Fatalf("after a restart, acknowledged close of shift %s: status %d %v, closed_at %v", id, code, err, sh.ClosedAt)
		}
	}
	for _, id := range log.opened {
		if code, err := c.do("GET", "/api/v1/shifts/"+id, nil, nil, nil); err != nil || code != 200 {
			t.Fatalf("after a restart, acknowledged open of shift %s: status %d %v", id, code, err)
		}
	}
}

// verifyReceipts checks that each shift's receipts, sales and returns
// together, are numbered 1..n with no gap and no repeat, and that the
// shift's last number is n.
func verifyReceipts(t *testing.T, db *bolt.DB, sales []*pos.Sale, returns []*pos.Return) {
	nos := map[string][]int64{}
	for _, s := range sales {
		nos[s.ShiftID] = append(nos[s.ShiftID], s.ReceiptNo)
	}
	for _, r := range returns {
		nos[r.ShiftID] = append(nos[r.ShiftID], r.ReceiptNo)
	}
	for shift, got := range nos {
		slices.Sort(got)
		for i, n := range got {
			if n != int64(i+1) {
				t.Fatalf("shift %s: receipt numbers %v: want 1..%d with no gap", shift, got, len(got))
			}
		}
		sh, err := bolt.NewShiftService(db).FindShiftByID(context.Background(), shift)
		if err != nil || sh.LastReceiptNo != int64(len(got)) {
			t.Fatalf("shift %s: last receipt %v (%v), %d receipts", shift, sh, err, len(got))
		}
	}
	if len(nos) == 0 {
		t.Fatal("no receipts")
	}
}
