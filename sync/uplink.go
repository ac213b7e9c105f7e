package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/storeedge/storeedge/pos"
)

// How often the send loop looks at things that have no event of their own.
const (
	statsEvery  = time.Second      // outbox stats → metrics
	statusEvery = 10 * time.Second // most one retained status per this, unless (re)connected
	epochsEvery = time.Minute      // look again for old epochs to drain
	goodbyeWait = 2 * time.Second  // at Close, for a reconnect in progress
)

// uplink publishes the outbox. Its paho handlers only record what
// happened and wake the send loop; the loop (run) owns everything else.
type uplink struct {
	r      *Relay
	client mqtt.Client
	jit    *jitter

	mu        sync.Mutex // guards the hand-off fields below
	acks      map[string]ackNote
	conflicts []Conflict
	isUp      bool
	gen       uint64
	ackCh     chan struct{}
	connCh    chan struct{}

	connects atomic.Int64

	// Owned by the send loop.
	streams   []*stream // the current epoch first, then older ones
	win       window
	curGen    uint64
	connected bool
	fresh     bool      // Notify fired: maybe live events to send ahead
	liveNext  uint64    // first current-epoch seq not yet sent ahead
	holdUntil time.Time // no sending before this (after an error)
	ackHold   time.Time // no outbox trim before this (after an error)
	failures  int64
	epochsAt  time.Time
	statsAt   time.Time
	pending   int
	lastAck   uint64
	statusAt  time.Time
	sent      Status
	statusTok mqtt.Token
	rebasing  bool // forked events may wait to be re-based
}

// ackNote is the highest ack heard for an epoch.
type ackNote struct {
	upto   uint64
	digest *pos.ChainDigest
}

// maxConflicts bounds the conflict notices held between two loop turns.
const maxConflicts = 64

func newUplink(r *Relay) *uplink {
	u := &uplink{r: r, jit: &jitter{ctx: r.ctx}, acks: map[string]ackNote{},
		ackCh: make(chan struct{}, 1), connCh: make(chan struct{}, 1), rebasing: true}
	will, err := u.statusPayload(Status{Online: false, Version: r.Version})
	if err != nil {
		r.logError("will", "uplink: cannot sign the offline will", "err", err)
	}
	o := r.clientOptions("up", true, handlerFor(u.onMessage)).
		SetBinaryWill(StatusTopic(r.StoreID), will, 1, true).
		SetOnConnectHandler(u.onConnect).
		SetConnectionLostHandler(u.onLost).
		SetConnectionAttemptHandler(u.jit.attempt)
	u.client = mqtt.NewClient(o)
	return u
}

// connect starts paho's connect loop. Its token is never waited for:
// with ConnectRetry it completes only once connected, which OnConnect
// tells, and failures are logged by connectionNotice.
func (u *uplink) connect() { u.client.Connect() }

// onConnect runs in paho's goroutine after each (re)connect.
func (u *uplink) onConnect(c mqtt.Client) {
	u.jit.connected()
	if u.connects.Add(1) > 1 {
		u.r.metrics.reconnects.WithLabelValues("up").Inc()
	}
	u.r.metrics.connected.WithLabelValues("up").Set(1)
	u.r.connected.Store(true)
	u.setConn(true)
	u.r.spawn(func() {
		u.r.keepSubscribed(u.r.ctx, c, "acks", func() mqtt.Token {
			return c.Subscribe(AcksTopic(u.r.StoreID), 1, handlerFor(u.onMessage))
		})
	})
	u.r.log.Info("uplink connected", "broker", u.r.Broker)
}

func (u *uplink) onLost(_ mqtt.Client, err error) {
	u.r.connected.Store(false)
	u.r.metrics.connected.WithLabelValues("up").Set(0)
	u.setConn(false)
	u.r.logWarn("up-lost", "uplink: connection lost", "err", err)
}

func (u *uplink) setConn(up bool) {
	u.mu.Lock()
	u.isUp = up
	if up {
		u.gen++
	}
	u.mu.Unlock()
	signal(u.connCh)
}

// onMessage takes central's acks and conflict notices, verified before
// they are parsed. Acks are cumulative, so only the highest per epoch is
// kept, and nothing here ever blocks.
func (u *uplink) onMessage(topic string, payload []byte) {
	if topic != AcksTopic(u.r.StoreID) {
		return
	}
	kind, body, err := u.r.fromCentral(payload, []string{KindAck, KindConflict}, u.r.StoreID)
	if err != nil {
		if untrusted(err) {
			u.r.rejected(KindAck, topic, err)
		} else {
			u.r.logWarn("ack-bad", "uplink: ignoring a malformed ack", "err", err)
		}
		return
	}
	if kind == KindConflict || kind == "" && bytes.Contains(body, []byte(`"held_id"`)) {
		u.takeConflict(body)
		return
	}
	a, err := DecodeAck(body)
	if err != nil {
		u.r.logWarn("ack-bad", "uplink: ignoring a malformed ack", "err", err)
		return
	}
	if a.Store != u.r.StoreID {
		u.r.logWarn("ack-store", "uplink: ignoring another store's ack", "ack_store", a.Store)
		return
	}
	if !u.r.Insecure && a.Digest == "" {
		u.refuseAck("no_digest", a.Epoch, a.UptoSeq)
		return
	}
	u.mu.Lock()
	if n := u.acks[a.Epoch]; a.UptoSeq > n.upto {
		u.acks[a.Epoch] = ackNote{upto: a.UptoSeq, digest: a.ChainDigest()}
	}
	u.mu.Unlock()
	signal(u.ackCh)
}

// takeConflict queues a conflict notice for the send loop.
func (u *uplink) takeConflict(body []byte) {
	c, err := DecodeConflict(body)
	if err != nil || c.Store != u.r.StoreID {
		u.r.logWarn("conflict-bad", "uplink: ignoring a malformed conflict notice", "err", err)
		return
	}
	u.r.counts.conflicts.Add(1)
	u.r.metrics.conflicts.Inc()
	u.mu.Lock()
	if len(u.conflicts) < maxConflicts {
		u.conflicts = append(u.conflicts, *c)
	}
	u.mu.Unlock()
	signal(u.ackCh)
}

// refuseAck counts and logs an ack that would have deleted events central
// may not hold.
func (u *uplink) refuseAck(reason, epoch string, upto uint64) {
	u.r.counts.refusedAcks.Add(1)
	u.r.metrics.refusedAcks.WithLabelValues(reason).Inc()
	u.r.logWarn("ack-refused-"+reason, "uplink: refused an ack; nothing was deleted",
		"reason", reason, "epoch", epoch, "upto_seq", upto)
}

// signal wakes a loop waiting on ch (capacity 1) without ever blocking.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// run is the send loop (litestream's Replica.monitor): it wakes on new
// events, acks, connection changes and a ticker, and stops with ctx.
func (u *uplink) run(ctx context.Context) {
	t := time.NewTicker(tickFor(u.r.AckTimeout))
	defer t.Stop()
	u.seedStatus(ctx)
	for {
		u.step(ctx, time.Now())
		select {
		case <-ctx.Done():
			return
		case <-u.r.Notify:
			u.fresh = true
		case <-u.ackCh:
		case <-u.connCh:
			u.takeConn(ctx, time.Now())
		case <-t.C:
		}
	}
}

// tickFor makes the ticker fine enough to notice an ack timeout promptly.
func tickFor(ackTimeout time.Duration) time.Duration {
	return min(max(ackTimeout/4, 20*time.Millisecond), time.Second)
}

// step does whatever is due: acks, timeouts, stats, then fills the window.
func (u *uplink) step(ctx context.Context, now time.Time) {
	if len(u.streams) == 0 || now.Sub(u.epochsAt) >= epochsEvery {
		u.loadEpochs(ctx, now)
	}
	u.checkTokens(now)
	u.checkTimeout(now)
	if now.Sub(u.statsAt) >= statsEvery {
		u.refreshStats(ctx, now)
	}
	if !now.Before(u.ackHold) {
		u.takeConflicts(ctx, now)
		u.takeAcks(ctx, now)
	}
	if u.rebasing {
		u.rebase(ctx, now)
	}
	// paho accepts publishes while it reconnects and sends them later from
	// its store; the outbox re-drives after the connect anyway, so wait.
	if !u.connected || now.Before(u.holdUntil) || !u.client.IsConnectionOpen() {
		return
	}
	if err := u.fill(ctx, now); err != nil {
		u.hold(now, "uplink: send", err)
		return
	}
	if err := u.fillLive(ctx, now); err != nil {
		u.hold(now, "uplink: send live", err)
	}
}

// hold pauses sending after an error, backing off exponentially with
// jitter, so a broken outbox or link never makes the loop spin.
func (u *uplink) hold(now time.Time, msg string, err error) {
	u.holdUntil = now.Add(u.delay(msg, err))
}

// delay returns the next back-off and logs why (rate-limited).
func (u *uplink) delay(msg string, err error) time.Duration {
	d := jittered(backoff(u.failures, 500*time.Millisecond, maxReconnectInterval))
	u.failures++
	u.r.logError(msg, msg+" failed; backing off", "err", err, "retry_in", d)
	return d
}

// loadEpochs (re)reads the epochs with pending events, keeping the state
// of those already known.
func (u *uplink) loadEpochs(ctx context.Context, now time.Time) {
	u.epochsAt = now
	cur, prev, err := u.r.Outbox.Epochs(ctx)
	if err != nil {
		u.r.logError("epochs", "uplink: read epochs", "err", err)
		return
	}
	old := u.streams
	u.streams = u.streams[:0:0]
	for _, e := range append([]string{cur}, prev...) {
		s := findStream(old, e)
		if s == nil {
			s = &stream{epoch: e, next: 1}
		}
		u.streams = append(u.streams, s)
	}
	for _, s := range old {
		if findStream(u.streams, s.epoch) == nil {
			u.win.drop(s.epoch) // fully acked: its epoch is gone from the outbox
		}
	}
}

// takeConn follows a connect or a lost connection. After every connect
// the window is emptied and every epoch starts again from its first
// pending event: paho kept nothing, and central dedupes what it had.
func (u *uplink) takeConn(ctx context.Context, now time.Time) {
	u.mu.Lock()
	up, gen := u.isUp, u.gen
	u.mu.Unlock()
	u.connected = up
	if !up || gen == u.curGen {
		return
	}
	u.curGen = gen
	u.win.clear()
	for _, s := range u.streams {
		s.rewind()
	}
	u.liveNext, u.holdUntil, u.failures = 0, time.Time{}, 0
	u.loadEpochs(ctx, now)
	u.refreshStats(ctx, now)
	u.publishStatus(now)
}

// fill sends in-order batches until the window is full, the current epoch
// first, so live sales come before an old epoch's backlog.
func (u *uplink) fill(ctx context.Context, now time.Time) error {
	for _, s := range u.streams {
		for u.win.seq() < u.seqSlots() {
			evs, err := u.r.Outbox.PendingEvents(ctx, s.epoch, s.next, u.r.BatchEvents, u.r.BatchBytes)
			if err != nil {
				return fmt.Errorf("read outbox: %w", err)
			}
			if len(evs) == 0 {
				break
			}
			if err := u.send(s, evs, false, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// fillLive sends the newest events ahead of a draining backlog in the slot
// kept for them, so central sees today's sales at once. They are sent
// again in order when the drain reaches them (central dedupes): only the
// in-order path decides what is acked and deleted.
func (u *uplink) fillLive(ctx context.Context, now time.Time) error {
	cur := u.current()
	if !u.fresh || u.r.Window < 2 || cur == nil || u.win.live() > 0 || u.win.seq() < u.seqSlots() {
		return nil
	}
	st, err := u.r.Outbox.OutboxStats(ctx)
	if err != nil {
		return fmt.Errorf("outbox stats: %w", err)
	}
	u.fresh = false
	from := liveFrom(cur.next, u.liveNext, st.LastSeq, u.r.BatchEvents)
	if st.Pending == 0 || from > st.LastSeq {
		return nil
	}
	evs, err := u.r.Outbox.PendingEvents(ctx, cur.epoch, from, u.r.BatchEvents, u.r.BatchBytes)
	if err != nil || len(evs) == 0 {
		return err
	}
	return u.send(cur, evs, true, now)
}

// liveFrom is where a live batch starts: at most one batch from the tail,
// never before what in-order sending or an earlier live batch covered.
func liveFrom(next, liveNext, last uint64, batch int) uint64 {
	from := max(next, liveNext)
	if n := uint64(batch); last >= n {
		from = max(from, last-n+1)
	}
	return from
}

// send publishes one batch and puts it in the window. The token is only
// looked at later, never waited for.
func (u *uplink) send(s *stream, evs []json.RawMessage, live bool, now time.Time) error {
	first, last, err := seqRange(evs)
	if err != nil {
		return err
	}
	payload, err := u.r.seal(KindEvents, EncodeBatch(evs))
	if err != nil {
		return err
	}
	tok := u.client.Publish(EventsTopic(u.r.StoreID), 1, false, payload)
	if done, err := tokenState(tok); done && err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	u.win.add(&batch{epoch: s.epoch, first: first, last: last, sentAt: now, tok: tok, live: live})
	m := u.r.metrics
	m.batchesSent.Inc()
	m.eventsSent.Add(float64(len(evs)))
	if live {
		u.liveNext = last + 1
		return nil
	}
	if first <= s.maxSent {
		m.batchesResnt.Inc()
	}
	s.maxSent = max(s.maxSent, last)
	s.next = last + 1
	return nil
}

// checkTokens looks at every in-flight token without waiting. A failed
// publish means "unknown": its epoch is sent again from central's last
// ack after a back-off. Live batches leave the window once the broker
// has them (or after the ack timeout): the in-order path covers them.
func (u *uplink) checkTokens(now time.Time) {
	for _, b := range u.win.snapshot() {
		if b.gone {
			continue // rewound with an earlier batch of its epoch
		}
		done, err := tokenState(b.tok)
		switch {
		case b.live && (done || now.Sub(b.sentAt) >= u.r.AckTimeout):
			u.win.remove(b)
		case done && err != nil:
			u.rewind(b.epoch)
			u.hold(now, "uplink: publish", err)
		}
	}
	if u.statusTok != nil {
		if done, err := tokenState(u.statusTok); done {
			if err != nil {
				u.r.logWarn("status", "uplink: status not published", "err", err)
			}
			u.statusTok = nil
		}
	}
}

// checkTimeout resends from the oldest unacked event when central has not
// acked the oldest in-flight batch in time (lost on the way, or a gap).
func (u *uplink) checkTimeout(now time.Time) {
	b := u.win.oldest()
	if b == nil || now.Sub(b.sentAt) < u.r.AckTimeout {
		return
	}
	u.r.logWarn("ack-timeout", "uplink: no ack in time; resending from the oldest unacked event",
		"epoch", b.epoch, "first", b.first, "timeout", u.r.AckTimeout)
	u.rewind(b.epoch)
}

// takeAcks applies the acks the handler collected: one outbox trim per
// epoch, then the covered batches leave the window. An ack of the current
// epoch beyond what the shop wrote, or whose digest is not of the shop's
// own events, deletes nothing (the storage checks both). An ack that
// verifies may cover events this run has not sent yet: after a restart the
// retained ack comes first, and its digest proves central holds exactly
// those events.
func (u *uplink) takeAcks(ctx context.Context, now time.Time) {
	u.mu.Lock()
	acks := u.acks
	u.acks = map[string]ackNote{}
	u.mu.Unlock()
	for epoch, n := range acks {
		if err := u.applyAck(ctx, epoch, n, now); err != nil {
			u.requeueAck(epoch, n)
			u.ackHold = now.Add(u.delay("uplink: trim outbox", err))
		}
	}
}

func (u *uplink) applyAck(ctx context.Context, epoch string, n ackNote, now time.Time) error {
	s := findStream(u.streams, epoch)
	if s == nil {
		u.r.log.Debug("uplink: ack for an epoch with nothing pending", "epoch", epoch, "upto_seq", n.upto)
		return nil
	}
	if n.upto <= s.acked {
		return nil // a replay of the retained ack, or a duplicate
	}
	res, err := u.r.Outbox.AckEvents(ctx, epoch, n.upto, n.digest)
	if err != nil {
		return err
	}
	switch res.Outcome {
	case pos.AckBeyond:
		u.refuseAck("beyond_written", epoch, n.upto)
		return nil
	case pos.AckMismatch:
		u.refuseAck("digest_mismatch", epoch, n.upto)
		u.fork(ctx, epoch, now, "central's ack digest is not of this shop's events")
		return nil
	case pos.AckApplied, pos.AckReplay:
	default:
		return nil
	}
	for _, b := range u.win.ack(epoch, n.upto) {
		if !b.live {
			u.r.metrics.ackLatency.Observe(now.Sub(b.sentAt).Seconds())
		}
	}
	s.acked, s.next = max(s.acked, n.upto), max(s.next, n.upto+1)
	if s == u.current() {
		u.lastAck = max(u.lastAck, res.LastAckSeq)
	}
	if res.Outcome == pos.AckApplied {
		u.failures = 0
		u.r.metrics.acks.Inc()
		u.r.metrics.eventsAcked.Add(float64(res.Trimmed))
		u.r.lastAckAt.Store(&now)
	}
	return nil
}

func (u *uplink) requeueAck(epoch string, n ackNote) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if n.upto > u.acks[epoch].upto {
		u.acks[epoch] = n
	}
}

// takeConflicts acts on central's conflict notices: when this shop holds
// another event than central at that place, another device writes the
// same epoch, and this shop's side of it moves to a new epoch.
func (u *uplink) takeConflicts(ctx context.Context, now time.Time) {
	u.mu.Lock()
	cs := u.conflicts
	u.conflicts = nil
	u.mu.Unlock()
	for _, c := range cs {
		id, ok, err := u.r.Outbox.PendingEventID(ctx, c.Epoch, c.Seq)
		if err != nil {
			u.r.logError("conflict", "uplink: read the outbox for a conflict", "err", err)
			continue
		}
		if !ok || id == c.HeldID {
			continue // central holds ours, or it is not pending here: the other device moves
		}
		u.r.log.Warn("uplink: central holds another device's event at this shop's storeseq",
			"epoch", c.Epoch, "seq", c.Seq, "held_id", c.HeldID, "ours", id)
		u.fork(ctx, c.Epoch, now, "conflict at central")
	}
}

// fork sets an epoch's pending events aside, to be sent again in a new
// epoch, and starts sending that epoch.
func (u *uplink) fork(ctx context.Context, epoch string, now time.Time, why string) {
	moved, err := u.r.Outbox.ForkEpoch(ctx, epoch)
	if err != nil {
		u.r.logError("fork", "uplink: set a forked epoch aside", "err", err)
		return
	}
	if !moved {
		return
	}
	u.r.log.Warn("uplink: another device writes this shop's epoch (a copied database?); its unacknowledged events go to a new epoch",
		"epoch", epoch, "why", why)
	u.rebasing = true
	u.win.drop(epoch)
	u.loadEpochs(ctx, now)
	for _, s := range u.streams {
		s.rewind()
	}
}

// rebase moves a chunk of forked events into the current epoch per turn,
// so tills keep their turns at the writer.
func (u *uplink) rebase(ctx context.Context, now time.Time) {
	n, err := u.r.Outbox.RebaseForked(ctx, u.r.BatchEvents)
	switch {
	case err != nil:
		u.hold(now, "uplink: re-base forked events", err)
	case n == 0:
		u.rebasing = false
	default:
		u.r.counts.rebased.Add(int64(n))
		u.r.metrics.rebased.Add(float64(n))
		u.fresh = true
	}
}

// seedStatus starts the status from the outbox's own watermark.
func (u *uplink) seedStatus(ctx context.Context) {
	if u.r.Local == nil {
		return
	}
	if st, err := u.r.Local.SyncStatus(ctx); err == nil {
		u.lastAck = st.LastAckSeq
	}
}

// refreshStats updates the metrics and, when pending changed and the
// last status is old enough, the retained status.
func (u *uplink) refreshStats(ctx context.Context, now time.Time) {
	u.statsAt = now
	st, err := u.r.Outbox.OutboxStats(ctx)
	if err != nil {
		u.r.logError("stats", "uplink: outbox stats", "err", err)
		return
	}
	u.pending = st.Pending
	u.r.metrics.pending.Set(float64(st.Pending))
	age := 0.0
	if st.Pending > 0 {
		age = max(now.Sub(st.OldestCreated).Seconds(), 0)
	}
	u.r.metrics.oldestAge.Set(age)
	changed := u.pending != u.sent.PendingEvents || u.lastAck != u.sent.LastAckSeq
	if u.connected && changed && now.Sub(u.statusAt) >= statusEvery {
		u.publishStatus(now)
	}
}

// publishStatus publishes the retained presence message without waiting.
func (u *uplink) publishStatus(now time.Time) {
	st := Status{Online: true, PendingEvents: u.pending, LastAckSeq: u.lastAck, Version: u.r.Version}
	b, err := u.statusPayload(st)
	if err != nil {
		u.r.logError("status-sign", "uplink: sign status", "err", err)
		return
	}
	u.statusTok = u.client.Publish(StatusTopic(u.r.StoreID), 1, true, b)
	u.sent, u.statusAt = st, now
}

// statusPayload is a status message, signed.
func (u *uplink) statusPayload(st Status) ([]byte, error) {
	b, _ := json.Marshal(st)
	return u.r.seal(KindStatus, b)
}

// goodbye publishes an offline status (a clean disconnect sends no will)
// and disconnects. It runs after the send loop stopped. A reconnect in
// progress gets a moment to finish: paho would complete it despite the
// Disconnect and resend its stored messages, an old "online" among them,
// which would then stay retained.
func (u *uplink) goodbye() {
	deadline := time.Now().Add(goodbyeWait)
	for !u.client.IsConnectionOpen() && u.client.IsConnected() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if u.client.IsConnectionOpen() {
		b, _ := u.statusPayload(Status{Online: false, PendingEvents: u.pending, LastAckSeq: u.lastAck, Version: u.r.Version})
		if err := awaitToken(context.Background(), u.client.Publish(StatusTopic(u.r.StoreID), 1, true, b), time.Second); err != nil {
			u.r.log.Warn("uplink: offline status not published", "err", err)
		}
	}
	u.client.Disconnect(disconnectQuiesce)
	u.r.connected.Store(false)
	u.r.metrics.connected.WithLabelValues("up").Set(0)
}
