package sync

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the relay's Prometheus series. They exist even without a
// Registerer, so the code that updates them never checks.
type metrics struct {
	pending      prometheus.Gauge
	oldestAge    prometheus.Gauge
	connected    *prometheus.GaugeVec
	ackLatency   prometheus.Histogram
	reconnects   *prometheus.CounterVec
	deadLetters  prometheus.Counter
	batchesSent  prometheus.Counter
	batchesResnt prometheus.Counter
	eventsSent   prometheus.Counter
	acks         prometheus.Counter
	eventsAcked  prometheus.Counter
	downApplied  *prometheus.CounterVec
	pulls        *prometheus.CounterVec
	rejected     *prometheus.CounterVec
	refusedAcks  *prometheus.CounterVec
	conflicts    prometheus.Counter
	rebased      prometheus.Counter
}

func newMetrics() *metrics {
	const ns, sub = "storeedge", "sync"
	return &metrics{
		pending: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "pending_events", Help: "Events of the current epoch not yet acknowledged by central."}),
		oldestAge: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "oldest_pending_age_seconds", Help: "Age of the oldest unacknowledged event."}),
		connected: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "connected", Help: "1 while the MQTT client is connected."}, []string{"client"}),
		ackLatency: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub,
			Name: "publish_ack_seconds", Help: "Time from publishing a batch to central's ack covering it.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 12)}),
		reconnects: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "reconnects_total", Help: "Connections to the broker after the first."}, []string{"client"}),
		deadLetters: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "dead_letters_total", Help: "Downlink messages kept aside because they did not parse or validate."}),
		batchesSent: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "batches_sent_total", Help: "Event batches published."}),
		batchesResnt: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "batches_resent_total", Help: "In-order event batches published again (ack timeout, failed publish, reconnect)."}),
		eventsSent: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "events_sent_total", Help: "Events published, resends included."}),
		acks: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "acks_total", Help: "Acks from central that moved the watermark."}),
		eventsAcked: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "events_acked_total", Help: "Events deleted from the outbox after central's ack."}),
		downApplied: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "downlink_messages_total", Help: "Downlink messages handled, by stream and result."}, []string{"stream", "result"}),
		pulls: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "pulls_total", Help: "Downlink pulls from central over HTTP, by result."}, []string{"result"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "rejected_messages_total", Help: "Messages refused because they were unsigned, badly signed or signed for another shop, by kind."}, []string{"kind"}),
		refusedAcks: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "refused_acks_total", Help: "Signed acks refused: beyond what this shop wrote, or not of its events, by reason."}, []string{"reason"}),
		conflicts: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "conflicts_total", Help: "Conflicts central reported on this shop's events (another device writes the same storeseqs)."}),
		rebased: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "rebased_events_total", Help: "Events moved to a new epoch after a conflict, to be sent again."}),
	}
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.pending, m.oldestAge, m.connected, m.ackLatency, m.reconnects,
		m.deadLetters, m.batchesSent, m.batchesResnt, m.eventsSent, m.acks, m.eventsAcked, m.downApplied, m.pulls,
		m.rejected, m.refusedAcks, m.conflicts, m.rebased}
}

// register adds every series to reg; on failure it takes back what it
// added, so a failed Open leaves the registry as it was.
func (m *metrics) register(reg prometheus.Registerer) error {
	if reg == nil {
		return nil
	}
	var done []prometheus.Collector
	for _, c := range m.collectors() {
		if err := reg.Register(c); err != nil {
			for _, d := range done {
				reg.Unregister(d)
			}
			var are prometheus.AlreadyRegisteredError
			if errors.As(err, &are) {
				return errors.New("register metrics: another relay already uses this registerer")
			}
			return err
		}
		done = append(done, c)
	}
	return nil
}

// unregister takes the series off reg so a relay can be opened again.
func (m *metrics) unregister(reg prometheus.Registerer) {
	if reg == nil {
		return
	}
	for _, c := range m.collectors() {
		reg.Unregister(c)
	}
}
