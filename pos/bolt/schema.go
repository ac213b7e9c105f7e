package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Buckets. Every bucket is created by the migrations in Open, never on a
// first write.
var (
	bucketMeta          = []byte("meta")
	bucketProducts      = []byte("products")        // sku → product JSON (without stock)
	bucketBarcodes      = []byte("barcodes")        // canonical barcode → sku
	bucketSearch        = []byte("search")          // sku → folded search text
	bucketStock         = []byte("stock")           // sku → on_hand, reserved (2 × int64)
	bucketSales         = []byte("sales")           // sale id → sale JSON
	bucketSaleKeys      = []byte("sale_keys")       // idempotency key → keyRecord
	bucketSalesByTime   = []byte("sales_by_time")   // unix nanos (8) + sale id → nil
	bucketSalesByShift  = []byte("sales_by_shift")  // shift id \x00 receipt no (8) → sale id
	bucketReturns       = []byte("returns")         // return id → return JSON
	bucketReturnKeys    = []byte("return_keys")     // idempotency key → keyRecord
	bucketShifts        = []byte("shifts")          // shift id → shift JSON
	bucketOpenShifts    = []byte("open_shifts")     // terminal id → shift id
	bucketOutbox        = []byte("outbox")          // storeseq (8) → CloudEvent JSON
	bucketTerminals     = []byte("terminals")       // terminal id → terminalRecord
	bucketTerminalToken = []byte("terminal_tokens") // sha256(token) → terminal id
	bucketCashiers      = []byte("cashiers")        // folded name → cashierRecord
	bucketSessions      = []byte("sessions")        // sha256(token) → session JSON
)

var (
	keySchema  = []byte("schema_version")
	keyEpoch   = []byte("epoch")
	keyCreated = []byte("created_at")
	keyClean   = []byte("clean")
)

// migrations bring a database from version i to i+1. Append only; never edit
// a released step.
var migrations = []func(tx *bbolt.Tx, now time.Time) error{
	migrateV1,
	migrateV2,
	migrateV3,
	migrateV4,
	migrateV5,
	migrateV6,
	migrateV7,
	migrateLoyalty,
	migrateV8,
}

// SchemaVersion is the schema this build writes.
var SchemaVersion = uint64(len(migrations))

func migrateV1(tx *bbolt.Tx, now time.Time) error {
	for _, name := range [][]byte{bucketProducts, bucketBarcodes, bucketSearch, bucketStock,
		bucketSales, bucketSaleKeys, bucketSalesByTime, bucketSalesByShift, bucketReturns,
		bucketReturnKeys, bucketShifts, bucketOpenShifts, bucketOutbox, bucketTerminals,
		bucketTerminalToken, bucketCashiers, bucketSessions} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(bucketMeta)
	if err := meta.Put(keyEpoch, []byte(newEpoch())); err != nil {
		return err
	}
	return meta.Put(keyCreated, []byte(now.UTC().Format(time.RFC3339Nano)))
}

// Buckets of schema v2: the sync with central.
var (
	bucketItemVersions     = []byte("item_versions")      // stream \x00 item key → version (8) that last set it
	bucketPendingPrices    = []byte("pending_prices")     // sku → PriceItem JSON for a SKU not in the catalog
	bucketCustomers        = []byte("customers")          // customer id → Customer JSON
	bucketCustomersByPhone = []byte("customers_by_phone") // E.164 phone → customer id
	bucketCustomersByCard  = []byte("customers_by_card")  // card number → customer id
	bucketStockElsewhere   = []byte("stock_elsewhere")    // sku \x00 store → RemoteStock JSON
	bucketPickups          = []byte("pickups")            // pickup id → Pickup JSON
	bucketDownlinkVersions = []byte("downlink_versions")  // stream → highest version applied (8)
	bucketDownlinkCursors  = []byte("downlink_cursors")   // stream → version a pull reached (8)
	bucketDeadLetters      = []byte("deadletters")        // sequence (8) → DeadLetter JSON
	bucketShiftCloseSeqs   = []byte("shift_close_seqs")   // shift id → storeseq (8) + epoch of its close event
)

// migrateV2 adds the buckets of the sync with central.
func migrateV2(tx *bbolt.Tx, now time.Time) error {
	for _, name := range [][]byte{bucketItemVersions, bucketPendingPrices, bucketCustomers,
		bucketCustomersByPhone, bucketCustomersByCard, bucketStockElsewhere, bucketPickups,
		bucketDownlinkVersions, bucketDownlinkCursors, bucketDeadLetters, bucketShiftCloseSeqs,
		bucketOutboxPrev} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// Buckets of schema v3: the in-store mode. Reservations are keyed by the
// SHA-256 of their code, as sessions are by their token's, so a lookup's
// timing says nothing about the secret.
var (
	bucketReservations      = []byte("reservations")            // sha256(code) → reservationRecord JSON
	bucketReservationPhones = []byte("reservations_by_phone")   // phone \x00 sha256(code) → nil, active only
	bucketReservationExpiry = []byte("reservation_expiry")      // expires_at unix nanos (8) + sha256(code) → nil, active only
	bucketReservationShort  = []byte("reservation_short_codes") // short code → sha256(code), active only
	bucketTagCodes          = []byte("tag_codes")               // sku → tag code (never deleted)
	bucketTagSKUs           = []byte("tag_skus")                // tag code → sku
	bucketPrintedTags       = []byte("printed_tags")            // sku → pos.PrintedTag JSON
)

// migrateV3 adds the buckets of reservations and price tags.
func migrateV3(tx *bbolt.Tx, now time.Time) error {
	for _, name := range [][]byte{bucketReservations, bucketReservationPhones, bucketReservationExpiry,
		bucketReservationShort, bucketTagCodes, bucketTagSKUs, bucketPrintedTags} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// migrate runs the steps this file has not seen yet, in one transaction.
func migrate(tx *bbolt.Tx, now time.Time) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	var v uint64
	if b := meta.Get(keySchema); b != nil {
		v = binary.BigEndian.Uint64(b)
	}
	if v > SchemaVersion {
		return fmt.Errorf("database schema %d is newer than this build (%d): upgrade storeedge", v, SchemaVersion)
	}
	for ; v < SchemaVersion; v++ {
		if err := migrations[v](tx, now); err != nil {
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
	}
	return meta.Put(keySchema, u64(v))
}

// mapStorageErr turns "the disk or the budget is full" into the contract's
// storage_full, so a till is told before anything is acknowledged.
func mapStorageErr(err error) error {
	if errors.Is(err, berrors.ErrMaxSizeReached) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EFBIG) {
		return &pos.Error{Code: pos.CodeStorageFull, Message: "The shop's storage is full: nothing was recorded. Free space or raise storage.max_size."}
	}
	return err
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

// migrateV4 adds the shop's own status of click & collect orders.
func migrateV4(tx *bbolt.Tx, now time.Time) error {
	_, err := tx.CreateBucketIfNotExists(bucketPickupLocal)
	return err
}

// migrateV5 adds the buckets of staff and shopper abuse limits: wrong-PIN
// counters that survive a restart, and what anonymous shoppers hold.
func migrateV5(tx *bbolt.Tx, now time.Time) error {
	for _, name := range [][]byte{bucketPINFailures, bucketAnonymousHolds} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}
