package main_test

import (
	"bytes"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
)

// Scenario 3 of `make bench`: the shopper's page (/t/{code}) and the price
// check (/api/v1/price-check/{barcode}) of the real edge under 64
// keep-alive connections, against a bare fiber handler loaded the same way
// in the same run.
const (
	shopperScenario = "3 shopper page and price check"
	shopperConns    = 64
	shopperRefBytes = 200
	shopperP99      = 10 * time.Millisecond
)

func init() { registerScenario(shopperScenario, runShopper) }

// runShopper is scenario 3: the reference first, then the two endpoints,
// each after a second of warm-up, for the window (8 s by default).
func runShopper(b *testing.B) []benchFigure {
	p, label := startShopperEdge(b)
	refURL := startFiberReference(b)
	_, ref := measureGET(b, refURL, 0)
	var figs []benchFigure
	for _, e := range []struct{ name, url string }{
		{"shopper page /t/{code}", label.URL},
		{"price check /api/v1/price-check/{barcode}", p.URL + "/api/v1/price-check/" + label.Barcode},
	} {
		size, r := measureGET(b, e.url, p.cmd.Process.Pid)
		figs = append(figs, shopperFigures(e.name, size, r, ref)...)
	}
	return figs
}

// measureGET warms url up for a second, then loads it for the window.
// With a server pid, the window's CPU goes to the scenario's tally; the
// reference runs in this process and has none.
func measureGET(b *testing.B, url string, pid int) (int, loadResult) {
	loadGET(b, url, shopperConns, 0, time.Second)
	var w *cpuWindow
	if pid != 0 {
		w = startCPUWindow(pid)
	}
	size, r := loadGET(b, url, shopperConns, 0, benchWindow(b, 8*time.Second))
	if w != nil {
		u := w.stop()
		benchNotef("%s: %d responses of %d B in %.1f s; CPU: edge %.1f s, load generator %.1f s (%.0f%% of the two)",
			url, len(r.lat), size, r.elapsed.Seconds(), u.servers.Seconds(), u.gen.Seconds(), 100*u.share())
	} else {
		benchNotef("reference %s: %d responses of %d B in %.1f s; server and load generator share this process",
			url, len(r.lat), size, r.elapsed.Seconds())
	}
	return size, r
}

// shopperFigures are an endpoint's rate against the reference's and its
// p99 against the reference's, with the targets.
func shopperFigures(name string, size int, r, ref loadResult) []benchFigure {
	rate, p99 := r.rate(), r.percentile(99)
	return []benchFigure{
		{Scenario: shopperScenario, Name: "req/s, " + name, Unit: "req/s", Value: rate,
			RefName: fmt.Sprintf("req/s fiber, fixed %d B", shopperRefBytes), Ref: ref.rate(), Ratio: rate / ref.rate(),
			Target: ">= 0.4x ref", Met: benchMet(rate >= 0.4*ref.rate()),
			Note: fmt.Sprintf("%d connections, keep-alive; %d B a response; p50 %.2f ms (reference %.2f ms)",
				shopperConns, size, ms(r.percentile(50)), ms(ref.percentile(50)))},
		{Scenario: shopperScenario, Name: "p99 latency, " + name, Unit: "ms", Value: ms(p99),
			RefName: "ms fiber, fixed body", Ref: ms(ref.percentile(99)), Ratio: ms(p99) / max(ms(ref.percentile(99)), 0.001),
			Target: "<= 10 ms", Met: benchMet(p99 <= shopperP99)},
	}
}

// startFiberReference serves a fixed 200-byte HTML body from a fiber v3
// app in this process on 127.0.0.1:0, the least a fiber handler can do,
// and returns its URL.
func startFiberReference(tb testing.TB) string {
	body := []byte("<!doctype html><title>ref</title><p>")
	body = append(body, bytes.Repeat([]byte("x"), shopperRefBytes-len(body))...)
	app := fiber.New()
	app.Get("/ref", func(c fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Send(body)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true})
	}()
	tb.Cleanup(func() { _ = app.Shutdown(); <-done })
	return "http://" + ln.Addr().String() + "/ref"
}
