package sync

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/storeedge/storeedge/pos"
)

// applyWait bounds how long a paho handler waits for the apply worker. The
// broker gets its PUBACK when the handler returns, so normally only after
// the message is on disk; past this, paho is not held up any longer and
// the next pull brings the message again.
const applyWait = 10 * time.Second

// maxDeadLetterPayload is how much of a bad message is kept.
const maxDeadLetterPayload = 64 << 10

// downlink receives central's messages over a persistent session (M8) and
// applies them one at a time in a single worker.
type downlink struct {
	r        *Relay
	client   mqtt.Client
	jit      *jitter
	jobs     chan *applyJob
	connects atomic.Int64
}

// applyJob is one message handed from a paho handler to the worker.
type applyJob struct {
	topic   string
	payload []byte
	done    chan error // capacity 1: the worker never blocks on a gone handler
}

func newDownlink(r *Relay) *downlink {
	d := &downlink{r: r, jit: &jitter{ctx: r.ctx}, jobs: make(chan *applyJob)}
	o := r.clientOptions("down", false, handlerFor(d.handle)).
		SetOnConnectHandler(d.onConnect).
		SetConnectionLostHandler(d.onLost).
		SetConnectionAttemptHandler(d.jit.attempt)
	d.client = mqtt.NewClient(o)
	return d
}

// connect starts paho's connect loop without waiting for it.
func (d *downlink) connect() { d.client.Connect() }

// onConnect subscribes again (the broker may have lost the session) and
// asks central for what the session may have missed (M8).
func (d *downlink) onConnect(c mqtt.Client) {
	d.jit.connected()
	if d.connects.Add(1) > 1 {
		d.r.metrics.reconnects.WithLabelValues("down").Inc()
	}
	d.r.metrics.connected.WithLabelValues("down").Set(1)
	topics := map[string]byte{DownlinkTopic(d.r.StoreID): 1, AllDownlinkTopic: 1}
	d.r.spawn(func() {
		d.r.keepSubscribed(d.r.ctx, c, "downlink", func() mqtt.Token {
			return c.SubscribeMultiple(topics, handlerFor(d.handle))
		})
	})
	if d.r.pull != nil {
		d.r.pull.kick()
	}
}

func (d *downlink) onLost(_ mqtt.Client, err error) {
	d.r.metrics.connected.WithLabelValues("down").Set(0)
	d.r.logWarn("down-lost", "downlink: connection lost", "err", err)
}

// handle is paho's message handler (each call in its own goroutine, as
// order does not matter). It hands the message to the worker and waits,
// boundedly, for the result so the PUBACK follows the durable apply.
func (d *downlink) handle(topic string, payload []byte) {
	if !d.r.enter() {
		return
	}
	defer d.r.wg.Done()
	job := &applyJob{topic: topic, payload: bytes.Clone(payload), done: make(chan error, 1)}
	t := time.NewTimer(applyWait)
	defer t.Stop()
	select {
	case d.jobs <- job:
	case <-t.C:
		d.r.logWarn("down-busy", "downlink: apply worker busy; the next pull brings the message", "topic", topic)
		return
	case <-d.r.ctx.Done():
		return
	}
	select {
	case <-job.done:
	case <-t.C:
		d.r.logWarn("down-slow", "downlink: apply is slow; acknowledging to the broker anyway", "topic", topic)
	case <-d.r.ctx.Done():
	}
}

// work is the single apply worker.
func (d *downlink) work(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case job := <-d.jobs:
			job.done <- d.r.receive(ctx, job.topic, job.payload)
		}
	}
}

// receive verifies an MQTT downlink message (signed by central for this
// shop, or for every shop on the chain-wide topic) and applies it. One
// that is not is kept aside and counted, never applied: a forged message
// could otherwise reprice the shop, or freeze a stream with a huge version.
func (r *Relay) receive(ctx context.Context, topic string, payload []byte) error {
	audience := r.StoreID
	if topic == AllDownlinkTopic {
		audience = AudienceAll
	}
	_, body, err := r.fromCentral(payload, []string{KindDownlink}, audience)
	if err != nil {
		if untrusted(err) {
			r.rejected(KindDownlink, topic, err)
		}
		return r.deadLetter(ctx, topic, payload, "unknown", err.Error())
	}
	return r.apply(ctx, topic, body)
}

// apply decodes and applies one downlink message that receive verified
// (or a message of a verified pull page). A message that does not
// parse or validate is dead-lettered and counts as handled (nil). A
// storage error is returned: the message was not applied, and the next
// pull brings it again.
func (r *Relay) apply(ctx context.Context, topic string, payload []byte) error {
	dl, err := DecodeDownlink(payload)
	if err != nil {
		return r.deadLetter(ctx, topic, payload, "unknown", err.Error())
	}
	n, err := r.Downlink.ApplyDownlink(ctx, dl)
	switch {
	case err == nil:
		result := "applied"
		if n == 0 {
			result = "replay"
		}
		r.metrics.downApplied.WithLabelValues(dl.Stream, result).Inc()
		r.log.Debug("downlink applied", "topic", topic, "stream", dl.Stream, "version", dl.Version, "changed", n)
		return nil
	case pos.ErrorCode(err) == pos.CodeValidationFailed:
		reason := strings.TrimPrefix(pos.ErrorField(err)+": ", ": ") + pos.ErrorMessage(err)
		return r.deadLetter(ctx, topic, payload, dl.Stream, reason)
	default:
		r.logError("down-apply", "downlink: apply failed; the next pull brings it again",
			"topic", topic, "stream", dl.Stream, "version", dl.Version, "err", err)
		return fmt.Errorf("apply %s v%d: %w", dl.Stream, dl.Version, err)
	}
}

// deadLetter keeps a bad message aside with the reason; the edge goes on.
func (r *Relay) deadLetter(ctx context.Context, topic string, payload []byte, stream, reason string) error {
	dl := &pos.DeadLetter{ReceivedAt: time.Now().UTC(), Topic: topic, Reason: reason, Payload: clip(payload, maxDeadLetterPayload)}
	if err := r.Downlink.AddDeadLetter(ctx, dl); err != nil {
		r.logError("down-deadletter", "downlink: keep dead letter", "topic", topic, "err", err)
		return fmt.Errorf("add dead letter: %w", err)
	}
	r.metrics.deadLetters.Inc()
	r.metrics.downApplied.WithLabelValues(stream, "dead_letter").Inc()
	r.logWarn("down-dead", "downlink: message kept aside as a dead letter", "topic", topic, "reason", reason)
	return nil
}

// clip returns at most n bytes of b as valid UTF-8 text (a hostile payload
// may be binary; JSON storage needs text).
func clip(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
