package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/storeedge/storeedge/pos/bolt"
)

// runCompact rewrites the database without its free pages (bbolt files
// never shrink on their own). It needs serve to be stopped: it fails at
// once, like every offline command, when serve holds the file.
func (m *Main) runCompact(ctx context.Context, args []string) error {
	fs := m.newFlagSet("compact")
	data := fs.String("data", m.Getenv("STOREEDGE_DATA"), "data directory (env STOREEDGE_DATA)")
	out := fs.String("out", "", "write the compacted copy here instead of replacing the file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *data == "" {
		return usagef("--data is required")
	}
	path := filepath.Join(*data, bolt.FileName)
	before := fileSize(path)
	if err := bolt.Compact(*data, *out); err != nil {
		return err
	}
	if *out != "" {
		path = *out
	}
	fmt.Fprintf(m.Stdout, "compacted %s: %d → %d bytes\n", path, before, fileSize(path))
	return nil
}
