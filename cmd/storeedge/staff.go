package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/storeedge/storeedge/pos/bolt"
)

// openData opens the database of --data for a short command. It fails at
// once, with a clear message, when `storeedge serve` holds the file.
func openData(dir string) (*bolt.DB, error) {
	if dir == "" {
		return nil, usagef("--data is required")
	}
	db := bolt.NewDB(dir)
	db.InitialMmapSize = 0
	if err := db.Open(); err != nil {
		return nil, err
	}
	return db, nil
}

func (m *Main) runTerminal(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return usagef("usage: storeedge terminal add --data DIR --name NAME")
	}
	fs := m.newFlagSet("terminal add")
	data := fs.String("data", m.Getenv("STOREEDGE_DATA"), "data directory (env STOREEDGE_DATA)")
	name := fs.String("name", "", "the till's name, e.g. till-3")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *name == "" {
		return usagef("--name is required")
	}
	db, err := openData(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	t, token, err := bolt.NewAuthService(db).CreateTerminal(ctx, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "storeedge: enrolled terminal %s (%s); its token follows, shown only this once\n", t.ID, t.Name)
	fmt.Fprintln(m.Stdout, token)
	return nil
}

func (m *Main) runCashier(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return usagef("usage: storeedge cashier add --data DIR --name NAME --pin PIN [--role cashier|manager]")
	}
	fs := m.newFlagSet("cashier add")
	data := fs.String("data", m.Getenv("STOREEDGE_DATA"), "data directory (env STOREEDGE_DATA)")
	name := fs.String("name", "", "the cashier's name, used to log in")
	pin := fs.String("pin", "", "4 to 12 digits; - reads it from standard input")
	role := fs.String("role", "cashier", "cashier or manager")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *name == "" || *pin == "" {
		return usagef("--name and --pin are required")
	}
	if *pin == "-" {
		line, _ := bufio.NewReader(m.Stdin).ReadString('\n')
		*pin = strings.TrimSpace(line)
	}
	db, err := openData(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := bolt.NewAuthService(db).CreateCashier(ctx, *name, *pin, *role)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "added %s %s (%s)\n", c.Role, c.Name, c.ID)
	return nil
}
