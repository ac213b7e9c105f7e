package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/sync/central"
)

// runCentralToken runs `storeedge central token add|revoke`.
func (m *Main) runCentralToken(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "add":
			return m.runCentralTokenAdd(ctx, args[1:])
		case "revoke":
			return m.runCentralTokenRevoke(ctx, args[1:])
		}
	}
	return usagef("central token: want add or revoke (storeedge central token add --database-url URL --name NAME --role admin|viewer)")
}

// runCentralTokenAdd creates an office token and prints it, alone, on
// stdout: the only time it is ever shown (central keeps its hash).
func (m *Main) runCentralTokenAdd(ctx context.Context, args []string) error {
	f, err := m.parseTokenFlags("add", args)
	if err != nil {
		return err
	}
	pool, err := openCentralDB(ctx, f.databaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	tok, err := central.AddToken(ctx, pool, f.name, central.Role(f.role))
	if err != nil {
		return tokenError(err)
	}
	fmt.Fprintln(m.Stdout, tok)
	fmt.Fprintf(m.Stderr, "storeedge central: %s token %q created; it is shown only this once\n", f.role, f.name)
	return nil
}

// runCentralTokenRevoke revokes an office token by its name.
func (m *Main) runCentralTokenRevoke(ctx context.Context, args []string) error {
	f, err := m.parseTokenFlags("revoke", args)
	if err != nil {
		return err
	}
	pool, err := openCentralDB(ctx, f.databaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := central.RevokeToken(ctx, pool, f.name); err != nil {
		return tokenError(err)
	}
	fmt.Fprintf(m.Stderr, "storeedge central: token %q revoked\n", f.name)
	return nil
}

// tokenFlags are the settings of `central token add|revoke`.
type tokenFlags struct{ databaseURL, name, role string }

// parseTokenFlags reads --database-url (or STOREEDGE_DATABASE_URL, as the
// server does), --name and, for add, --role.
func (m *Main) parseTokenFlags(cmd string, args []string) (*tokenFlags, error) {
	f := &tokenFlags{databaseURL: m.Getenv(envName("database-url"))}
	fs := m.newFlagSet("central token " + cmd)
	fs.StringVar(&f.databaseURL, "database-url", f.databaseURL, "PostgreSQL URL of central ("+envName("database-url")+")")
	fs.StringVar(&f.name, "name", "", "the token's name: who or what holds it (A-Z a-z 0-9 . _ - @)")
	if cmd == "add" {
		fs.StringVar(&f.role, "role", "", "admin (everything) or viewer (read only)")
	}
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, usagef("central token %s: unexpected argument %q", cmd, fs.Arg(0))
	case f.name == "":
		return nil, usagef("--name is required")
	case cmd == "add" && f.role != string(central.RoleAdmin) && f.role != string(central.RoleViewer):
		return nil, usagef("--role: %q is not admin or viewer", f.role)
	}
	return f, checkCentralURL("database-url", f.databaseURL, "postgres", "postgresql")
}

// openCentralDB connects to central's database and brings its schema up
// to date, so tokens can be made before central first starts.
func openCentralDB(ctx context.Context, url string) (*pgxpool.Pool, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("central: database url: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("central: connect database: %w", err)
	}
	if _, err := central.Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("central: migrate: %w", err)
	}
	return pool, nil
}

// tokenError shows a refused name as bad usage, and a taken or unknown
// name by its message alone.
func tokenError(err error) error {
	switch pos.ErrorCode(err) {
	case pos.CodeValidationFailed:
		return usagef("--%s: %s", pos.ErrorField(err), pos.ErrorMessage(err))
	case pos.CodeConflict, pos.CodeNotFound:
		return fmt.Errorf("%s", pos.ErrorMessage(err))
	}
	return err
}
