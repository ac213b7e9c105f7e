# StoreEdge. `make run` starts the edge server with a demo shop; `make test`
# runs every test. Both need only Go (>= 1.25; go.mod pins the toolchain).

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS  := -s -w -X main.Version=$(VERSION) -X main.Commit=$(COMMIT)
DATA     ?= ./data
LISTEN   ?= 127.0.0.1:8080
PKG      := ./cmd/storeedge

.PHONY: all build build-arm run test test-short bench torture screens tools lint fmt vet deps clean

all: lint test build

## build: the storeedge binary for this machine, in bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/storeedge $(PKG)

## build-arm: Raspberry Pi binaries (64-bit arm64, and 32-bit armv7), CGO off
build-arm:
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/storeedge-linux-arm64 $(PKG)
	CGO_ENABLED=0 GOOS=linux GOARCH=arm GOARM=7 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/storeedge-linux-armv7 $(PKG)

## run: the edge server with the demo shop in $(DATA) on $(LISTEN)
run:
	$(GO) run -ldflags '$(LDFLAGS)' $(PKG) serve --data $(DATA) --listen $(LISTEN) --demo

## test: every test, with the race detector: the crash test, and the sync
## tests against a private Mosquitto and PostgreSQL (installed if missing)
test: deps tools
	$(GO) test -race -count=1 -timeout 20m ./...

## bench: the benchmark suite against real processes (Mosquitto and
## PostgreSQL included), in under 10 minutes on 2 cores: one table of figures
## against same-run references, and bench-results.json. See docs/BENCHMARKS.md;
## STOREEDGE_BENCH_SCENARIOS=1,3 runs a subset, STOREEDGE_BENCH_EVENTS sizes
## the drain's backlog (default 100000).
bench: tools
	$(GO) test -run '^$$' -bench '^BenchmarkSuite$$' -benchtime 1x -timeout 15m $(PKG)/

## torture: 100 power cuts while 8 tills sell, return and run shifts
## (STOREEDGE_POWERCUT_CUTS), and 10 during each operation that writes
## files (STOREEDGE_POWERCUT_OPS); it prints what it checked. Needs root
## and /dev/fuse (docs/POWER-CUTS.md). make test runs a few of each.
torture: tools
	@bash -o pipefail -c 'STOREEDGE_POWERCUT_CUTS=$${STOREEDGE_POWERCUT_CUTS:-100} STOREEDGE_POWERCUT_OPS=$${STOREEDGE_POWERCUT_OPS:-10} \
		$(GO) test -run "^TestPowerCut" -count=1 -timeout 60m -v $(PKG)/ 2>&1 | \
		grep -E "^(=== RUN|\s*--- |PASS|FAIL|ok|panic)|powercut_test|outage_test|crash_test.go:[0-9]+: "'

## screens: walk the cashier screen in headless Chromium and save its
## pictures in docs/screens (make test takes them into a temporary directory)
screens: tools
	STOREEDGE_SCREENS=1 $(GO) test -run '^TestPOSScreen$$' -count=1 $(PKG)/

## tools: what the integration tests run against (apt-get as root)
tools:
	@bash .ci/tools.sh

## test-short: the fast tests only
test-short:
	$(GO) test -short -count=1 ./...

## lint: formatting, go vet and the dependency rules
lint: fmt vet deps

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## deps: adapters must not import each other (see README, "Packages")
deps:
	@$(GO) run ./.ci/depcheck

clean:
	rm -rf bin
