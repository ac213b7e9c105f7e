// Command storeedge is the store edge server and its tools: `serve` runs the
// shop's server; the other subcommands enrol tills and staff, load the
// catalog and back up the database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	go forceExitOnSecondSignal(ctx, m.Stderr)
	os.Exit(m.Run(ctx, os.Args[1:]))
}

// forceExitOnSecondSignal exits at once when a second signal arrives during
// a slow shutdown (litestream does the same).
func forceExitOnSecondSignal(ctx context.Context, stderr io.Writer) {
	<-ctx.Done()
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	<-ch
	fmt.Fprintln(stderr, "storeedge: second signal: exiting now")
	os.Exit(1)
}

// Main runs one subcommand. Streams and the environment are fields so tests
// can run it in-process.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Ready, when set, receives the server's base URL once serve is up.
	Ready func(url string)
}

// NewMain returns a Main on the process's streams and environment.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// usageError is bad usage: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

const usage = `storeedge: the store edge server.

Usage:
  storeedge serve [flags]                                   run the shop's server (--help for flags)
  storeedge terminal add --data DIR --name NAME             enrol a till; prints its token once
  storeedge cashier add --data DIR --name NAME --pin PIN [--role cashier|manager]
  storeedge catalog import --data DIR FILE.csv|FILE.json    load products, prices, stock
  storeedge tags --data DIR --sku A,B,...|--stale --out FILE.pdf|FILE.png   print QR price tags
  storeedge backup --data DIR --out FILE                    consistent copy, also while serve runs
  storeedge compact --data DIR [--out FILE]                 rewrite the stopped database without free pages
  storeedge central --broker URL --database-url URL         the central office receiver (--help for flags)
  storeedge central init --pki DIR                          create the chain's CA, central's certificate and signing key
  storeedge central enroll --pki DIR --store ID --out OUT   issue a shop's identity (for serve --sync-identity)
  storeedge central revoke --pki DIR --store ID [--serial HEX] [--broker-dir OUT]
  storeedge central broker-config --pki DIR --host NAME[,NAME] --out OUT [--port 8883] [--bind ADDR]
  storeedge central rotate-signing-key --pki DIR --stage|--activate
  storeedge central token add --database-url URL --name NAME --role admin|viewer   an office token for central's API; printed once
  storeedge central token revoke --database-url URL --name NAME                    refuse that token from now on
  storeedge version                                         version, commit, Go, platform
`

// Run runs the subcommand in args and returns the process exit code: 0 ok,
// 1 runtime failure, 2 bad usage or configuration.
func (m *Main) Run(ctx context.Context, args []string) int {
	err := m.run(ctx, args)
	var ue *usageError
	var ce *ConfigError
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue) || errors.As(err, &ce):
		fmt.Fprintln(m.Stderr, "storeedge:", err)
		return 2
	default:
		fmt.Fprintln(m.Stderr, "storeedge:", err)
		return 1
	}
}

func (m *Main) run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return usagef("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return m.runServe(ctx, rest)
	case "terminal":
		return m.runTerminal(ctx, rest)
	case "cashier":
		return m.runCashier(ctx, rest)
	case "catalog":
		return m.runCatalog(ctx, rest)
	case "backup":
		return m.runBackup(ctx, rest)
	case "compact":
		return m.runCompact(ctx, rest)
	case "tags":
		return m.runTags(ctx, rest)
	case "central":
		return m.runCentral(ctx, rest)
	case "version":
		fmt.Fprintln(m.Stdout, versionString())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	return usagef("unknown command %q (see storeedge help)", cmd)
}

// newFlagSet returns a flag set that reports errors as usage errors.
func (m *Main) newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("storeedge "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	return fs
}

// parseFlags parses args and turns a flag error into a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v", err)
	}
	return nil
}
