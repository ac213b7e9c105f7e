package main_test

import (
	"fmt"
	"testing"
)

// Scenario 2 of `make bench`: an offline backlog of STOREEDGE_BENCH_EVENTS
// events (default 100,000) drained from the real edge through Mosquitto to
// central and PostgreSQL, against a plain QoS-1 publish-and-wait loop on
// the same broker in the same run. The measuring is BenchmarkDrain's
// (drain_bench_test.go); this file turns it into figures.
const (
	drainScenario = "2 backlog drain"
	// drainMemLimit is the smallest Go memory limit of the profiles a
	// shop's edge runs (raspberry-pi-zero-2w): the drain runs with the
	// default settings, which have none, so it is judged against the
	// tightest one it would meet on a shop's hardware.
	drainMemLimit = 224 << 20
)

func init() { registerScenario(drainScenario, runDrainScenario) }

// runDrainScenario is scenario 2, with perf sampling the edge and central
// while they drain.
func runDrainScenario(b *testing.B) []benchFigure {
	r := runDrain(b, true)
	suiteCPU.add(cpuUse{gen: r.genCPU, servers: r.d.edgeCPU + r.d.centrCPU, wall: r.d.drained})
	for _, l := range r.profile {
		benchNotef("%s", l)
	}
	return drainFigures(r)
}

// drainFigures are the rate against the reference, the edge's memory
// against the profile's limit, and the context of both.
func drainFigures(r drainRun) []benchFigure {
	const mib = 1 << 20
	d, em, cm := r.d, r.d.edgeMetrics, r.d.centralMetrics
	rate, ref := d.rate(), r.ref.rate()
	limit := float64(drainMemLimit) / mib
	return []benchFigure{
		{Scenario: drainScenario, Name: fmt.Sprintf("drain rate, %d events, edge start → all acked", d.pending), Unit: "events/s",
			Value: rate, RefName: "msgs/s QoS-1 publish-and-wait", Ref: ref, Ratio: rate / ref, Target: ">= 3x ref", Met: benchMet(rate >= 3*ref),
			Note: fmt.Sprintf("drained in %.1f s (serving %.2f s, connected %.2f s); reference: %d msgs of the same stored events (avg %.0f B) in %.2f s; "+
				"%.0f batches (%.0f resent), %.1f events/batch, central apply %.1f ms/batch, publish→ack %.0f ms; "+
				"CPU while draining: edge %.1f s, central %.1f s, machine %.0f%% busy (Mosquitto and PostgreSQL not counted apart)",
				d.drained.Seconds(), d.ready.Seconds(), d.connected.Seconds(), r.ref.msgs, r.avg, r.ref.elapsed.Seconds(),
				em["storeedge_sync_batches_sent_total"], em["storeedge_sync_batches_resent_total"], mean(cm, "storeedge_central_batch_events"),
				1000*mean(cm, "storeedge_central_apply_seconds"), 1000*mean(em, "storeedge_sync_publish_ack_seconds"),
				d.edgeCPU.Seconds(), d.centrCPU.Seconds(), 100*d.machineBusy)},
		{Scenario: drainScenario, Name: "edge memory while draining, own (RssAnon peak)", Unit: "MiB", Value: float64(d.mem.anon) / mib,
			RefName: "MiB raspberry-pi-zero-2w limit", Ref: limit, Ratio: float64(d.mem.anon) / drainMemLimit,
			Target: fmt.Sprintf("<= %.0f MiB limit", limit), Met: benchMet(d.mem.anon <= drainMemLimit),
			Note: fmt.Sprintf("Go heap, stacks and runtime; sampled every 100 ms (%d samples); the run uses the default settings, which set no limit", d.mem.samples)},
		{Scenario: drainScenario, Name: "edge resident memory while draining (VmHWM)", Unit: "MiB", Value: float64(max(d.mem.hwm, d.mem.rss)) / mib,
			Note: fmt.Sprintf("includes the pages of the %.0f MiB bbolt file mapped in memory, which the kernel can drop", float64(d.dbBytes)/mib)},
		{Scenario: drainScenario, Name: "building the backlog over HTTP (not judged)", Unit: "s", Value: r.build.Seconds(),
			Note: fmt.Sprintf("%d sales from %d tills with the broker down: %.0f sales/s", r.sales, benchTills, float64(r.sales)/r.build.Seconds())},
		{Scenario: drainScenario, Name: "reference alone, time for the whole backlog", Unit: "s", Value: float64(d.pending) / ref,
			Note: fmt.Sprintf("extrapolated from %d messages; the edge took %.1f s", r.ref.msgs, d.drained.Seconds())},
	}
}
