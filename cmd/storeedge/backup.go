package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/storeedge/storeedge/pos/bolt"
)

// socketName is the control socket `serve` opens in the data directory. Only
// the data directory's owner can reach it (the directory is 0700), which is
// the same trust as reading the database file itself.
const socketName = "storeedge.sock"

const backupHeader = "STOREEDGE-BACKUP "

// runBackup copies the database to --out. While `serve` runs, the copy is
// taken by the server itself through its control socket (a hot backup from
// one read transaction); otherwise the file is opened read-only. The copy is
// marked so that, if it is ever restored, it starts a new epoch.
func (m *Main) runBackup(ctx context.Context, args []string) error {
	fs := m.newFlagSet("backup")
	data := fs.String("data", m.Getenv("STOREEDGE_DATA"), "data directory (env STOREEDGE_DATA)")
	out := fs.String("out", "", "file to write the backup to")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *data == "" || *out == "" {
		return usagef("--data and --out are required")
	}
	n, err := backupViaSocket(ctx, *data, *out)
	if errors.Is(err, errNoServer) {
		n, err = backupOffline(*data, *out)
	}
	if err != nil {
		return err
	}
	if err := bolt.MarkRestored(*out); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backup written: %s (%d bytes)\n", *out, n)
	return nil
}

var errNoServer = errors.New("no server on the control socket")

func backupViaSocket(ctx context.Context, dir, out string) (int64, error) {
	d := net.Dialer{Timeout: 2 * time.Second}
	conn, err := d.DialContext(ctx, "unix", filepath.Join(dir, socketName))
	if err != nil {
		return 0, errNoServer
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "backup\n"); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	r := bufio.NewReader(conn)
	line, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, backupHeader) {
		return 0, fmt.Errorf("backup: the server answered %q: %v", strings.TrimSpace(line), err)
	}
	size, err := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(line, backupHeader)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("backup: bad size from server: %w", err)
	}
	n, err := bolt.WriteFileAtomic(out, io.LimitReader(r, size))
	if err == nil && n != size {
		os.Remove(out)
		err = fmt.Errorf("backup: got %d of %d bytes", n, size)
	}
	return n, err
}

func backupOffline(dir, out string) (int64, error) {
	db := bolt.NewDB(dir)
	db.ReadOnly = true
	if err := db.Open(); err != nil {
		return 0, err
	}
	defer db.Close()
	pr, pw := io.Pipe()
	go func() {
		_, err := db.Backup(pw, nil)
		pw.CloseWithError(err)
	}()
	return bolt.WriteFileAtomic(out, pr)
}

// controlSocket serves hot backups to `storeedge backup`, and price tags to
// `storeedge tags`, while serve holds the database.
type controlSocket struct {
	DB     *bolt.DB
	Tags   tagPrinting
	Logger *slog.Logger

	ln net.Listener
	wg sync.WaitGroup
}

// Open listens on the data directory's socket, replacing a stale one left
// by a killed server (we hold the database lock, so no live server owns it).
func (s *controlSocket) Open(dir string) error {
	path := filepath.Join(dir, socketName)
	_ = os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("control socket: %w", err)
	}
	s.ln = ln
	s.wg.Add(1)
	go s.serve()
	return nil
}

func (s *controlSocket) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return // closed
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			defer func() { // a bug here must not take the till down
				if r := recover(); r != nil {
					s.Logger.Error("control request panicked", "panic", r)
				}
			}()
			s.handle(conn)
		}()
	}
}

func (s *controlSocket) handle(conn net.Conn) {
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(io.LimitReader(conn, 64<<10)).ReadString('\n')
	if err != nil {
		fmt.Fprintf(conn, "ERR no request\n")
		return
	}
	_ = conn.SetReadDeadline(time.Time{})
	cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
	switch cmd {
	case "backup":
		s.backup(conn)
	case "tags":
		s.tags(conn, arg)
	default:
		fmt.Fprintf(conn, "ERR unknown request\n")
	}
}

func (s *controlSocket) backup(conn net.Conn) {
	_, err := s.DB.Backup(conn, func(size int64) error {
		_, err := fmt.Fprintf(conn, "%s%d\n", backupHeader, size)
		return err
	})
	if err != nil {
		s.Logger.Error("backup failed", "err", err)
		return
	}
	s.Logger.Info("backup sent")
}

// Close stops listening and waits for backups in progress.
func (s *controlSocket) Close() error {
	if s.ln == nil {
		return nil
	}
	err := s.ln.Close()
	s.wg.Wait()
	return err
}

// fileSize returns a file's size, or 0 when it cannot be read.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
