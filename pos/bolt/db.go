package bolt

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// FileName is the name of the database file inside the data directory.
const FileName = "storeedge.db"

// Sentinel errors callers branch on.
var (
	// ErrLocked means another process (usually `storeedge serve`) holds the file.
	ErrLocked = errors.New("database is in use by another storeedge process")
	// ErrCorrupt means the consistency check after an unclean stop failed.
	ErrCorrupt = errors.New("database failed its consistency check")
	// ErrClosed is returned for writes submitted while the database closes.
	ErrClosed = errors.New("database is closed")
)

// DB is the shop's database. Set the exported fields, then call Open.
type DB struct {
	Dir             string // data directory; the file is Dir/storeedge.db
	StoreID         string
	Currency        string
	InitialMmapSize int
	MaxSize         int64 // bytes; 0 = unlimited
	FreelistSync    bool
	BatchSize       int           // most write requests per group commit
	BatchDelay      time.Duration // extra wait to gather a group; 0 = none
	SessionTTL      time.Duration
	ReadOnly        bool // for backups and inspection; no migrations run
	Now             func() time.Time
	Logger          *slog.Logger

	// In-store mode. Zero values mean the defaults NewDB sets.
	ReservationHold         time.Duration       // how long a reservation holds stock (24h)
	MaxReservationsPerPhone int                 // active reservations one phone may hold (3)
	AnonymousLimits         pos.AnonymousLimits // what shoppers without a customer token may hold; zero fields: defaults
	NoShowAfter             time.Duration       // how long a ready pickup waits before it is a no-show (7 days)
	NewTagCode              func() string       // makes a new tag code (main sets qr.NewTagCode)
	ValidTagCode            func(string) bool   // checks a tag code's form and check (nil: any)
	// NormalizeTagCode turns a code as typed or scanned (case, look-alike
	// characters) into its stored form; ok false means it cannot be one.
	NormalizeTagCode func(string) (string, bool)
	// ScaleFormat reads the labels of the shop's scales in sale lines
	// that name a barcode; the zero value is pos.DefaultScaleFormat.
	ScaleFormat pos.ScaleFormat

	bolt     *bbolt.DB
	epoch    atomic.Pointer[string] // the current epoch; inside a transaction read txEpoch instead
	created  bool                   // the file was created by this Open
	checked  bool                   // the consistency check ran (unclean stop)
	restored bool                   // a restored backup: this Open started a new epoch

	mu       sync.RWMutex // guards closed against sends to commits
	closed   bool
	commits  chan *commitReq
	closing  chan struct{}
	wg       sync.WaitGroup
	notify   chan struct{}
	pinLocks *pinLocks // serialize attempts on one cashier (lockout.go)
}

// NewDB returns a DB for the data directory dir with defaults.
func NewDB(dir string) *DB {
	return &DB{
		Dir: dir, StoreID: "store-1", Currency: "RUB",
		BatchSize: 256, SessionTTL: 12 * time.Hour,
		Now: time.Now, Logger: slog.Default(),
		ReservationHold: DefaultReservationHold, MaxReservationsPerPhone: DefaultMaxReservationsPerPhone,
		AnonymousLimits: pos.DefaultAnonymousLimits(),
		NewTagCode:      newLocalTagCode,
		notify:          make(chan struct{}, 1),
		pinLocks:        newPINLocks(),
	}
}

// Path returns the database file's path.
func (db *DB) Path() string { return filepath.Join(db.Dir, FileName) }

// Epoch returns the random id of this database's current life
// (storeepoch). It changes when a restored backup opens and when central
// finds another device using the same epoch (ForkEpoch).
func (db *DB) Epoch() string {
	if e := db.epoch.Load(); e != nil {
		return *e
	}
	return ""
}

func (db *DB) setEpoch(e string) { db.epoch.Store(&e) }

// txEpoch is the current epoch as tx sees it: a transaction that follows
// a fork in the same group commit must number its events in the new one.
func txEpoch(tx *bbolt.Tx) string { return string(tx.Bucket(bucketMeta).Get(keyEpoch)) }

// Created reports whether Open created a new database file.
func (db *DB) Created() bool { return db.created }

// Checked reports whether Open found an unclean stop and checked the file.
func (db *DB) Checked() bool { return db.checked }

// Restored reports whether Open found a restored backup and began a new epoch.
func (db *DB) Restored() bool { return db.restored }

// Bolt exposes the underlying handle for tests and maintenance commands.
func (db *DB) Bolt() *bbolt.DB { return db.bolt }

// Open opens or creates the database, runs migrations and, after an unclean
// stop, a full consistency check. A file held by another process fails
// within a fraction of a second with ErrLocked instead of hanging.
func (db *DB) Open() error {
	if err := MkdirDurable(db.Dir); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	_, statErr := os.Stat(db.Path())
	db.created = errors.Is(statErr, os.ErrNotExist)
	if db.created && db.ReadOnly {
		return fmt.Errorf("open %s: no database here", db.Path())
	}
	bdb, err := bbolt.Open(db.Path(), 0o600, db.boltOptions())
	if errors.Is(err, berrors.ErrTimeout) {
		return fmt.Errorf("open %s: %w (stop `storeedge serve` first, or use its API)", db.Path(), ErrLocked)
	} else if err != nil {
		return fmt.Errorf("open %s: %w", db.Path(), err)
	}
	db.bolt = bdb
	if err := db.init(); err != nil {
		bdb.Close()
		return err
	}
	if !db.ReadOnly {
		db.commits = make(chan *commitReq, 1024)
		db.closing = make(chan struct{})
		db.wg.Add(1)
		go db.commitLoop()
	}
	return nil
}

func (db *DB) boltOptions() *bbolt.Options {
	return &bbolt.Options{
		Timeout:         200 * time.Millisecond,
		NoFreelistSync:  !db.FreelistSync,
		FreelistType:    bbolt.FreelistMapType,
		InitialMmapSize: db.InitialMmapSize,
		MaxSize:         int(db.MaxSize),
		ReadOnly:        db.ReadOnly,
	}
}

// init migrates, checks after an unclean stop and marks the file in use.
func (db *DB) init() error {
	if db.ReadOnly {
		return db.bolt.View(func(tx *bbolt.Tx) error {
			if tx.Bucket(bucketMeta) == nil {
				return fmt.Errorf("open %s: not a storeedge database", db.Path())
			}
			db.setEpoch(txEpoch(tx))
			return nil
		})
	}
	if db.created {
		if err := syncDir(db.Dir); err != nil {
			return err
		}
	}
	var clean bool
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		if err := migrate(tx, db.Now()); err != nil {
			return err
		}
		restored, err := startEpochIfRestored(tx)
		if err != nil {
			return err
		}
		db.restored = restored
		meta := tx.Bucket(bucketMeta)
		clean = db.created || string(meta.Get(keyClean)) == "1"
		db.setEpoch(txEpoch(tx))
		return meta.Put(keyClean, []byte("0"))
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", mapStorageErr(err))
	}
	if n, err := db.finishImport(); err != nil {
		return fmt.Errorf("finish the interrupted catalog import: %w", mapStorageErr(err))
	} else if n > 0 {
		db.Logger.Warn("finished a catalog import a stop or power cut interrupted", "products", n)
	}
	if !clean {
		db.checked = true
		return db.check()
	}
	return nil
}

// check runs bbolt's consistency check over the whole file.
func (db *DB) check() error {
	return db.bolt.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			return fmt.Errorf("%w: %v (restore from a backup: storeedge backup)", ErrCorrupt, err)
		}
		return nil
	})
}

// Close stops the commit loop after it has committed what it was given,
// marks a clean stop and closes the file.
func (db *DB) Close() error {
	if db.bolt == nil {
		return nil
	}
	if db.closing != nil {
		db.mu.Lock()
		db.closed = true
		db.mu.Unlock()
		close(db.closing)
		db.wg.Wait()
		_ = db.bolt.Update(func(tx *bbolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keyClean, []byte("1"))
		})
	}
	err := db.bolt.Close()
	db.bolt = nil
	return err
}

// Notify returns a channel that receives after a commit added events to the
// outbox, so the sync relay can wake up without polling.
func (db *DB) Notify() <-chan struct{} { return db.notify }

// Ready reports whether the database is open and migrated.
func (db *DB) Ready(ctx context.Context) error {
	if db.bolt == nil {
		return errors.New("database not open")
	}
	return nil
}

func newEpoch() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// MkdirDurable creates dir (0700) and any missing parents, each made
// durable: a new directory's entry is in its parent only once the parent
// is fsynced, and a power cut after `storeedge terminal add` on a new data
// directory otherwise took the whole database with it.
func MkdirDurable(dir string) error {
	dir = filepath.Clean(dir)
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a directory", dir)
		}
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := MkdirDurable(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return syncDir(parent)
}

// syncDir fsyncs a directory so a newly created file's entry is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync dir: %w", err)
	}
	return nil
}

// FileSize returns the size of the database file in bytes.
func (db *DB) FileSize() int64 {
	fi, err := os.Stat(db.Path())
	if err != nil {
		return 0
	}
	return fi.Size()
}
