package central

import "github.com/prometheus/client_golang/prometheus"

// metrics are central's Prometheus collectors.
type metrics struct {
	applied         prometheus.Counter
	duplicates      prometheus.Counter
	malformed       prometheus.Counter
	dropped         prometheus.Counter
	applyFailures   prometheus.Counter
	effectFailures  prometheus.Counter
	applySeconds    prometheus.Histogram
	batchEvents     prometheus.Histogram
	acksPublished   prometheus.Counter
	ackFailures     prometheus.Counter
	statusUpdates   prometheus.Counter
	downlinkPosted  prometheus.Counter
	downlinkFailed  prometheus.Counter
	webhookSent     prometheus.Counter
	webhookFailures prometheus.Counter
	connected       prometheus.Gauge
	connects        prometheus.Counter
	queued          prometheus.GaugeFunc
	rejected        *prometheus.CounterVec
	quarantined     *prometheus.CounterVec
	conflicts       *prometheus.CounterVec
	aliases         prometheus.Counter
	denied          *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, queued func() float64) *metrics {
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: "storeedge_central_" + name, Help: help})
	}
	m := &metrics{
		applied:        counter("events_applied_total", "Events stored for the first time."),
		duplicates:     counter("duplicates_dropped_total", "Events received again and dropped (already stored)."),
		malformed:      counter("malformed_messages_total", "Messages dropped because they did not decode."),
		dropped:        counter("messages_dropped_total", "Messages dropped because the apply queue stayed full or central was stopping."),
		applyFailures:  counter("apply_failures_total", "Batches whose transaction failed (not acked; the shop resends)."),
		effectFailures: counter("effect_failures_total", "Stored events whose data did not decode into their CRM table."),
		applySeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "storeedge_central_apply_seconds",
			Help: "Time to apply one batch, transaction and commit included.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}),
		batchEvents: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "storeedge_central_batch_events",
			Help: "Events per received batch.", Buckets: prometheus.ExponentialBuckets(1, 4, 8)}),
		acksPublished:   counter("acks_published_total", "Acks published after a commit."),
		ackFailures:     counter("ack_publish_failures_total", "Acks whose publish failed or timed out."),
		statusUpdates:   counter("status_updates_total", "Shop status messages stored."),
		downlinkPosted:  counter("downlink_posted_total", "Downlink messages stored."),
		downlinkFailed:  counter("downlink_publish_failures_total", "Downlink messages stored but not published (shops pull them)."),
		webhookSent:     counter("webhook_sent_total", "Events forwarded to the CRM webhook."),
		webhookFailures: counter("webhook_failures_total", "Events the CRM webhook did not take after retries, or that found its queue full."),
		connected: prometheus.NewGauge(prometheus.GaugeOpts{Name: "storeedge_central_broker_connected",
			Help: "1 while connected to the MQTT broker."}),
		connects: counter("broker_connects_total", "Connections (and reconnections) to the MQTT broker."),
		queued: prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "storeedge_central_queued_messages",
			Help: "Messages received and waiting for a worker."}, queued),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storeedge_central_rejected_messages_total",
			Help: "Messages refused: not signed by the shop their topic names, by kind."}, []string{"kind"}),
		quarantined: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storeedge_central_quarantined_events_total",
			Help: "Events kept verbatim in quarantine (not storable as business rows), by shop."}, []string{"store"}),
		conflicts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storeedge_central_conflicts_total",
			Help: "Events offered where another event id is already stored (two devices writing one epoch), by shop."}, []string{"store"}),
		aliases: counter("aliased_events_total", "Events a shop moved to a new epoch after a conflict that central already stored (stored once, acked in both places)."),
		denied: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storeedge_central_http_denied_total",
			Help: "HTTP API requests refused: code unauthorized (no valid credential) or forbidden (outside its role)."}, []string{"code"}),
	}
	for _, code := range []string{"unauthorized", "forbidden"} {
		m.denied.WithLabelValues(code) // shown as 0 before the first refusal
	}
	reg.MustRegister(m.applied, m.duplicates, m.malformed, m.dropped, m.applyFailures, m.effectFailures,
		m.applySeconds, m.batchEvents, m.acksPublished, m.ackFailures, m.statusUpdates, m.downlinkPosted,
		m.downlinkFailed, m.webhookSent, m.webhookFailures, m.connected, m.connects, m.queued,
		m.rejected, m.quarantined, m.conflicts, m.aliases, m.denied)
	return m
}
