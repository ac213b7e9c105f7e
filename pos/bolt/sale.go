package bolt

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

var _ pos.SaleService = (*SaleService)(nil)

// SaleService implements pos.SaleService.
type SaleService struct {
	db   *DB
	auth *AuthService
}

// NewSaleService returns a sale service on db.
func NewSaleService(db *DB) *SaleService { return &SaleService{db: db, auth: NewAuthService(db)} }

// keyRecord remembers which record an idempotency key produced and a hash of
// the request, so a replay returns it and a different body is refused.
type keyRecord struct {
	ID   string `json:"id"`
	Hash []byte `json:"hash"`
}

// idemKey is the key under which an Idempotency-Key is remembered. It is
// shop-wide, not per till: a sale retried from another till (or from a till
// enrolled again after a crash) must still never be recorded twice.
func idemKey(key string) []byte { return []byte(key) }

func requestHash(v any) ([]byte, error) {
	buf, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(buf)
	return h[:], nil
}

// checkKey looks a key up: the earlier record's id when it is a replay, ""
// when the key is new, and a conflict when it came with another body.
func checkKey(b *bbolt.Bucket, key []byte, hash []byte) (string, error) {
	var rec keyRecord
	found, err := getJSON(b, key, &rec)
	if err != nil || !found {
		return "", err
	}
	if !bytes.Equal(rec.Hash, hash) {
		return "", pos.Errorf(pos.CodeIdempotencyKey, "This Idempotency-Key was used for a different request.")
	}
	return rec.ID, nil
}

// CreateSale prices and records a sale, its stock changes and its events in
// one group-committed transaction, and returns once that is on disk.
func (s *SaleService) CreateSale(ctx context.Context, key string, req *pos.SaleRequest) (*pos.Sale, bool, error) {
	sess, err := sessionFrom(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := req.Validate(s.db.Currency); err != nil {
		return nil, false, err
	}
	approver, err := s.saleApprover(ctx, req)
	if err != nil {
		return nil, false, err
	}
	hash, err := requestHash(req.WithoutApproval())
	if err != nil {
		return nil, false, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, false, err
	}
	var sale *pos.Sale
	var created bool
	err = s.db.update(ctx, true, func(tx *bbolt.Tx) (err error) {
		sale, created, err = s.createSale(tx, sess, saleIDs{id: id.String(), key: key, approver: approver}, hash, req)
		return err
	})
	return sale, created, err
}

// saleApprover checks the manager's approval a sale carries, before the
// transaction (a wrong PIN counts against the manager even when the sale
// fails later); nil when there is none. Codes: forbidden.
func (s *SaleService) saleApprover(ctx context.Context, req *pos.SaleRequest) (*pos.Cashier, error) {
	if req.Approval == nil {
		return nil, nil
	}
	m, err := s.auth.CheckApproval(ctx, req.Approval)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// saleIDs are what a sale is made with besides its request.
type saleIDs struct {
	id, key  string
	approver *pos.Cashier // a manager who approved, nil when none did
	// own is stock held for this very sale besides a reservation it
	// completes (a click & collect order it hands over): per SKU, it
	// does not count against the sale. nil for a sale at the till.
	own map[string]int64
}

// checkHolds refuses a sale that would take stock held for shoppers,
// unless a manager approved it: then the sale records what it took. The
// reservation the sale completes, and ids.own, hold stock for this buyer.
func checkHolds(tx *bbolt.Tx, sale *pos.Sale, res *takenReservation, ids saleIDs) error {
	own, err := dueHolds(tx, sale.CreatedAt)
	if err != nil {
		return err
	}
	for sku, n := range ids.own {
		own[sku] += n
	}
	if res != nil {
		own[res.rec.SKU] += res.rec.Qty
	}
	approver := ids.approver
	overrides, err := pos.CheckReservedStock(sale.Lines, func(sku string) pos.Stock { return readStock(tx, sku) }, own)
	if err == nil {
		return nil
	} else if approver == nil {
		return err
	}
	sale.ReservedOverrides = overrides
	sale.Approve(approver)
	return nil
}

func (s *SaleService) createSale(tx *bbolt.Tx, sess *pos.Session, ids saleIDs, hash []byte, req *pos.SaleRequest) (*pos.Sale, bool, error) {
	id, key := ids.id, ids.key
	k := idemKey(key)
	if prev, err := checkKey(tx.Bucket(bucketSaleKeys), k, hash); err != nil {
		return nil, false, err
	} else if prev != "" {
		sale, err := findSale(tx, prev)
		return sale, false, err
	}
	shift, err := openShiftOf(tx, sess.TerminalID)
	if err != nil {
		return nil, false, err
	}
	now := s.db.Now().UTC()
	scanned, err := pos.ResolveBarcodes(req, s.db.ScaleFormat, barcodeLookup(tx), now)
	if err != nil {
		return nil, false, err
	}
	res, priced, err := takeReservation(tx, scanned, now)
	if err != nil {
		return nil, false, err
	}
	cust, err := customerOf(tx, req.Customer)
	if err != nil {
		return nil, false, err
	}
	var pct int64
	if cust != nil {
		pct = cust.DiscountPercent
	}
	lookup := func(sku string) (*pos.Product, error) { return findProduct(tx, sku) }
	sale, err := pos.PriceSaleFor(priced, lookup, now, s.db.Currency, pct)
	if err != nil {
		return nil, false, err
	}
	if ids.approver != nil {
		sale.ApproveTillOps(ids.approver)
	}
	if err := checkHolds(tx, sale, res, ids); err != nil {
		return nil, false, err
	}
	loyalty, err := planLoyalty(tx, sale, cust, now)
	if err != nil {
		return nil, false, err
	}
	sale.ID, sale.StoreID, sale.TerminalID, sale.ShiftID = id, s.db.StoreID, sess.TerminalID, shift.ID
	sale.CashierID, sale.CashierName, sale.IdempotencyKey = sess.CashierID, sess.CashierName, key
	sale.ReceiptNo = shift.NextReceiptNo()
	shift.Totals.AddSale(sale)
	// All checks are done: from here on only writes.
	if err := s.recordSale(tx, sale, shift, k, hash); err != nil {
		return nil, false, err
	}
	if err := s.db.recordLoyalty(tx, loyalty, sale.ID, sale.TerminalID, now); err != nil {
		return nil, false, err
	}
	if res != nil {
		c := closing{status: pos.ReservationFulfilled, closedAt: now, saleID: sale.ID, terminal: sale.TerminalID, at: now}
		if err := s.db.closeReservation(tx, res.key, res.rec, c); err != nil {
			return nil, false, err
		}
	}
	return sale, true, nil
}

// barcodeLookup finds the products of scanned codes in tx.
func barcodeLookup(tx *bbolt.Tx) pos.BarcodeLookup {
	return pos.BarcodeLookup{
		ByBarcode: func(b string) (*pos.Product, error) {
			sku := tx.Bucket(bucketBarcodes).Get([]byte(pos.CanonicalBarcode(b)))
			if sku == nil {
				return nil, nil
			}
			return findProduct(tx, string(sku))
		},
		ByScaleCode: func(code string) (*pos.Product, error) { return findProductByScaleCode(tx, code) },
	}
}

// dueHolds sums, per SKU, the stock still held by reservations whose hold
// has passed at now but that the sweeper (every 30 s, and after a night
// off) has not released yet: they hold nothing any more, so the first
// sales of the morning must not be refused for them. It only reads: the
// expiry index is in time order, so on most sales it looks at one key.
func dueHolds(tx *bbolt.Tx, now time.Time) (map[string]int64, error) {
	due := map[string]int64{}
	c := tx.Bucket(bucketReservationExpiry).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) < 8 || int64(binary.BigEndian.Uint64(k)) > now.UnixNano() {
			break
		}
		rec, err := reservationByKey(tx, k[8:])
		if err != nil {
			return nil, err
		}
		if rec != nil && rec.Status == pos.ReservationActive {
			due[rec.SKU] += rec.Qty
		}
	}
	return due, nil
}

// takenReservation is the reservation a sale collects.
type takenReservation struct {
	key []byte
	rec *reservationRecord
}

// takeReservation finds the active reservation a sale names and returns
// the request to price: the till's lines, then what is reserved. The
// cashier may have scanned the reserved goods too, so the sale holds
// max(scanned, reserved) of the SKU: the shortfall is added as a line of
// its own, and nothing when the till's lines already hold enough. The
// request itself is not changed (a group member may run twice). Codes:
// not_found, conflict (no longer active), both with field reservation_code.
// The code may be the full one (the pickup QR) or the 6-digit short code
// read out at the counter; a short code only ever names an active one.
func takeReservation(tx *bbolt.Tx, req *pos.SaleRequest, now time.Time) (*takenReservation, *pos.SaleRequest, error) {
	if req.ReservationCode == "" {
		return nil, req, nil
	}
	find := findReservation
	if code := strings.TrimSpace(req.ReservationCode); pos.IsShortCode(code) {
		find = func(tx *bbolt.Tx, _ string) ([]byte, *reservationRecord, error) {
			return findActiveByShortCode(tx, code, now)
		}
	}
	key, rec, err := find(tx, req.ReservationCode)
	if err != nil {
		return nil, nil, err
	} else if rec == nil {
		return nil, nil, errNoReservation("reservation_code")
	} else if !rec.Active(now) {
		return nil, nil, errNotActive("reservation_code", present(rec, now))
	}
	var scanned int64
	for _, l := range req.Lines {
		if l.SKU == rec.SKU {
			scanned += l.Qty
		}
	}
	priced := *req
	priced.Lines = append(make([]pos.SaleLineRequest, 0, len(req.Lines)+1), req.Lines...)
	if scanned < rec.Qty {
		priced.Lines = append(priced.Lines, pos.SaleLineRequest{SKU: rec.SKU, Qty: rec.Qty - scanned})
	}
	return &takenReservation{key: key, rec: rec}, &priced, nil
}

// customerOf returns the customer a sale names, by phone or else by card;
// nil when the shop does not know them (no error: the sale goes on at the
// shelf price, and earns nothing).
func customerOf(tx *bbolt.Tx, ref *pos.CustomerRef) (*pos.Customer, error) {
	if ref == nil {
		return nil, nil
	}
	var c *pos.Customer
	var err error
	if ref.Phone != "" {
		c, err = customerByIndex(tx, bucketCustomersByPhone, ref.Phone)
	}
	if c == nil && err == nil && ref.Card != "" {
		c, err = customerByIndex(tx, bucketCustomersByCard, ref.Card)
	}
	return c, err
}

// recordSale writes the sale event first (to learn its storeseq), then the
// sale, its indexes, the shift and the stock changes.
func (s *SaleService) recordSale(tx *bbolt.Tx, sale *pos.Sale, shift *pos.Shift, k, hash []byte) error {
	seq := tx.Bucket(bucketOutbox).Sequence() + 1
	sale.StoreSeq = seq
	buf, err := json.Marshal(sale)
	if err != nil {
		return err
	}
	if got, err := s.db.appendEvent(tx, pos.EventSaleCompleted, sale.TerminalID, sale.CreatedAt, buf); err != nil {
		return err
	} else if got != seq {
		return fmt.Errorf("outbox sequence moved: want %d, got %d", seq, got)
	}
	if err := tx.Bucket(bucketSales).Put([]byte(sale.ID), buf); err != nil {
		return err
	}
	if err := putJSON(tx.Bucket(bucketSaleKeys), k, keyRecord{ID: sale.ID, Hash: hash}); err != nil {
		return err
	}
	if err := tx.Bucket(bucketSalesByTime).Put(timeKey(sale.CreatedAt, sale.ID), nil); err != nil {
		return err
	}
	if err := tx.Bucket(bucketSalesByShift).Put(shiftKey(shift.ID, sale.ReceiptNo), []byte(sale.ID)); err != nil {
		return err
	}
	if err := putJSON(tx.Bucket(bucketShifts), []byte(shift.ID), shift); err != nil {
		return err
	}
	return s.takeStock(tx, sale)
}

// takeStock decrements on-hand stock. Selling below zero is allowed (the
// customer is at the till; the count was wrong) and is reported to central
// as a stock.negative event.
func (s *SaleService) takeStock(tx *bbolt.Tx, sale *pos.Sale) error {
	for _, l := range sale.Lines {
		st, err := addStock(tx, l.SKU, -l.Qty)
		if err != nil {
			return err
		}
		if st.OnHand < 0 {
			buf, _ := json.Marshal(pos.NegativeStock{SKU: l.SKU, OnHand: st.OnHand, SaleID: sale.ID, Shift: sale.ShiftID, Cashier: sale.CashierID})
			if _, err := s.db.appendEvent(tx, pos.EventStockNegative, sale.TerminalID, sale.CreatedAt, buf); err != nil {
				return err
			}
		}
	}
	return nil
}

func timeKey(t time.Time, id string) []byte {
	k := make([]byte, 8, 8+len(id))
	binary.BigEndian.PutUint64(k, uint64(t.UnixNano()))
	return append(k, id...)
}

func shiftKey(shiftID string, no int64) []byte {
	k := append([]byte(shiftID), 0)
	return binary.BigEndian.AppendUint64(k, uint64(no))
}

func findSale(tx *bbolt.Tx, id string) (*pos.Sale, error) {
	var sale pos.Sale
	found, err := getJSON(tx.Bucket(bucketSales), []byte(id), &sale)
	if err != nil {
		return nil, err
	} else if !found {
		return nil, pos.Errorf(pos.CodeNotFound, "No sale %q.", id)
	}
	return &sale, nil
}

// FindSaleByID returns one sale.
func (s *SaleService) FindSaleByID(ctx context.Context, id string) (sale *pos.Sale, err error) {
	err = s.db.bolt.View(func(tx *bbolt.Tx) error {
		sale, err = findSale(tx, id)
		return err
	})
	return sale, err
}

// FindSales lists sales of a shift in receipt order, or all sales since a
// time in time order.
func (s *SaleService) FindSales(ctx context.Context, f pos.SaleFilter) ([]*pos.Sale, string, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	var items []*pos.Sale
	var next string
	err = s.db.bolt.View(func(tx *bbolt.Tx) error {
		bucket, prefix, start := tx.Bucket(bucketSalesByTime), []byte(nil), []byte(nil)
		if !f.Since.IsZero() {
			start = timeKey(f.Since, "")
		}
		if f.ShiftID != "" {
			bucket, prefix = tx.Bucket(bucketSalesByShift), append([]byte(f.ShiftID), 0)
			start = prefix
		}
		if len(after) > 0 {
			start = after
		}
		c := bucket.Cursor()
		k, v := c.Seek(start)
		if len(after) > 0 && bytes.Equal(k, after) {
			k, v = c.Next()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(items) == limit {
				next = encodeCursorBytes(lastKey(items, f.ShiftID))
				return nil
			}
			id := v
			if f.ShiftID == "" {
				id = k[8:]
			}
			sale, err := findSale(tx, string(id))
			if err != nil {
				return err
			}
			items = append(items, sale)
		}
		return nil
	})
	return items, next, err
}

func lastKey(items []*pos.Sale, shiftID string) []byte {
	last := items[len(items)-1]
	if shiftID != "" {
		return shiftKey(shiftID, last.ReceiptNo)
	}
	return timeKey(last.CreatedAt, last.ID)
}
