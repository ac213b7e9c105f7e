package main_test

import (
	"testing"
)

// A benchFigure is one line of `make bench`'s table: a figure measured on
// StoreEdge, the reference it is judged against (measured in the same run,
// on the same machine), and the target, when the issue sets one.
type benchFigure struct {
	Scenario string  `json:"scenario"` // "1 durable sales", "2 backlog drain", ...
	Name     string  `json:"name"`     // "sales/s at 32 tills"
	Unit     string  `json:"unit"`     // "sales/s", "ms", "MiB", "s", "events/s", "req/s"
	Value    float64 `json:"value"`
	RefName  string  `json:"ref_name,omitempty"` // "raw fsync rate (4 KiB write + fdatasync)"
	Ref      float64 `json:"ref,omitempty"`
	// Ratio is Value/Ref when a reference exists (for latencies and sizes,
	// where less is better, the table still shows Value/Ref).
	Ratio  float64 `json:"ratio,omitempty"`
	Target string  `json:"target,omitempty"` // human text: ">= 5x ref", "<= 20 ms"
	Met    *bool   `json:"met,omitempty"`    // nil when there is no target
	Note   string  `json:"note,omitempty"`
}

// benchScenario runs one scenario of the suite and returns its figures.
// Scenarios run one after another, never at the same time, so they do not
// measure each other.
type benchScenario struct {
	Name string
	Run  func(b *testing.B) []benchFigure
}

// benchScenarios is filled by the scenario files (bench_*_test.go) in
// their init functions, in the order.
var benchScenarios []benchScenario

// registerScenario adds a scenario to the suite.
func registerScenario(name string, run func(b *testing.B) []benchFigure) {
	benchScenarios = append(benchScenarios, benchScenario{Name: name, Run: run})
}
