package bolt

import (
	"bytes"
	"cmp"
	"context"
	"crypto/subtle"
	"encoding/binary"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

var _ pos.ReservationService = (*ReservationService)(nil)

// Defaults of the in-store mode, set by NewDB.
const (
	DefaultReservationHold         = 24 * time.Hour
	DefaultMaxReservationsPerPhone = 3
)

// instoreTerminal is the terminal in the source of events that no till
// caused: a shopper's reservation or order, the expiry sweeper.
const instoreTerminal = "instore"

// expireBatch bounds the reservations one sweeper transaction expires, so
// a shop that was off for days never holds the writer for long.
var expireBatch = 256

// ReservationService implements pos.ReservationService: reservations hold
// stock (available = on hand − reserved) until they are collected at a
// till, cancelled or expire.
//
// Every change goes through the group commit, which runs one write at a
// time: the stock check and the hold happen in one transaction, so of
// concurrent requests for the last item exactly one wins.
type ReservationService struct{ db *DB }

// NewReservationService returns a reservation service on db.
func NewReservationService(db *DB) *ReservationService { return &ReservationService{db: db} }

func (db *DB) reservationHold() time.Duration {
	if db.ReservationHold <= 0 {
		return DefaultReservationHold
	}
	return db.ReservationHold
}

// anonymousLimits returns AnonymousLimits with the defaults for unset fields.
func (db *DB) anonymousLimits() pos.AnonymousLimits {
	l, d := db.AnonymousLimits, pos.DefaultAnonymousLimits()
	l.MaxPieces, l.MaxGrams, l.StockShare = cmp.Or(l.MaxPieces, d.MaxPieces), cmp.Or(l.MaxGrams, d.MaxGrams), cmp.Or(l.StockShare, d.StockShare)
	return l
}

func (db *DB) maxReservationsPerPhone() int {
	if db.MaxReservationsPerPhone <= 0 {
		return DefaultMaxReservationsPerPhone
	}
	return db.MaxReservationsPerPhone
}

// CreateReservation holds req.Qty of a SKU for req.Phone. Codes:
// validation_failed, unknown_sku (field sku), insufficient_stock (field
// qty), too_many_requests (field phone: the phone's limit of active
// reservations), storage_full.
func (s *ReservationService) CreateReservation(ctx context.Context, req *pos.ReservationRequest) (*pos.Reservation, error) {
	if req == nil {
		return nil, pos.FieldErrorf("sku", "sku is required")
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	var r *pos.Reservation
	err = s.db.update(ctx, true, func(tx *bbolt.Tx) (err error) {
		r, err = s.createReservation(tx, id.String(), req)
		return err
	})
	return r, err
}

// createReservation checks, then holds. Reservations already due are
// expired first, so stock an unswept one still holds is available again.
func (s *ReservationService) createReservation(tx *bbolt.Tx, id string, req *pos.ReservationRequest) (*pos.Reservation, error) {
	now := s.db.Now().UTC()
	if _, _, err := s.db.expireDue(tx, now, expireBatch); err != nil {
		return nil, err
	}
	p, err := findProduct(tx, req.SKU)
	if err != nil {
		return nil, err
	} else if p == nil {
		return nil, &pos.Error{Code: pos.CodeUnknownSKU, Field: "sku", Message: "No product " + req.SKU + " in this shop."}
	}
	if err := s.checkReservation(tx, p, req, now); err != nil {
		return nil, err
	}
	code, short, key, err := newCodes(tx, now)
	if err != nil {
		return nil, err
	}
	rec := &reservationRecord{ID: id, Anonymous: req.Anonymous(), Reservation: pos.Reservation{
		Code: code, ShortCode: short, SKU: p.SKU, Name: p.Name, Qty: req.Qty, Phone: req.Phone,
		Status: pos.ReservationActive, CreatedAt: now, ExpiresAt: now.Add(s.db.reservationHold()),
	}}
	// All checks are done: from here on only writes.
	if err := indexReservation(tx, key, &rec.Reservation); err != nil {
		return nil, err
	}
	if err := holdReservation(tx, rec, req.Qty); err != nil {
		return nil, err
	}
	if err := s.db.saveReservation(tx, key, rec, instoreTerminal, now); err != nil {
		return nil, err
	}
	r := rec.Reservation
	return &r, nil
}

// errNotEnoughStock refuses a reservation past the stock, in words: the
// shopper must not learn how many are on the shelf (issue 8).
func errNotEnoughStock() error {
	return &pos.Error{Code: pos.CodeInsufficientStock, Field: "qty", Message: "Not enough in stock to reserve this many."}
}

// checkReservation applies the limits: an anonymous shopper's, the stock
// available, and the phone's number of active reservations.
func (s *ReservationService) checkReservation(tx *bbolt.Tx, p *pos.Product, req *pos.ReservationRequest, now time.Time) error {
	if req.Anonymous() {
		if err := s.db.anonymousLimits().Check(p.Unit, req.Qty, p.Stock, anonymousHeld(tx, p.SKU)); err != nil {
			return err
		}
	}
	if p.Stock.Available < req.Qty {
		return errNotEnoughStock()
	}
	if n, err := activeForPhone(tx, req.Phone, now); err != nil {
		return err
	} else if n >= s.db.maxReservationsPerPhone() {
		return &pos.Error{Code: pos.CodeTooManyRequests, Field: "phone",
			Message: "This phone already holds as many reservations as one may: collect or cancel one first."}
	}
	return nil
}

// FindReservation returns the reservation with a code (case and spaces
// are forgiven). One whose hold has passed is shown as expired even
// before the sweeper has recorded it. Codes: not_found.
func (s *ReservationService) FindReservation(ctx context.Context, code string) (*pos.Reservation, error) {
	var rec *reservationRecord
	err := s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		_, rec, err = findReservation(tx, code)
		return err
	})
	if err != nil {
		return nil, err
	} else if rec == nil {
		return nil, errNoReservation("code")
	}
	return present(rec, s.db.Now()), nil
}

// FindReservationByShortCode finds an active reservation by the short
// code a shopper reads out at the counter, together with the last digits
// of the phone (at least 4) as a second factor: a short code alone is
// easy to guess. Codes: not_found.
func (s *ReservationService) FindReservationByShortCode(ctx context.Context, shortCode, phoneDigits string) (*pos.Reservation, error) {
	shortCode, phoneDigits = strings.TrimSpace(shortCode), strings.TrimSpace(phoneDigits)
	if len(shortCode) != 6 || len(phoneDigits) < 4 {
		return nil, errNoReservation("short_code")
	}
	var rec *reservationRecord
	err := s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		key := tx.Bucket(bucketReservationShort).Get([]byte(shortCode))
		if key == nil {
			return nil
		}
		rec, err = reservationByKey(tx, key)
		return err
	})
	if err != nil {
		return nil, err
	}
	if rec == nil || !rec.Active(s.db.Now()) || !phoneEndsWith(rec.Phone, phoneDigits) {
		return nil, errNoReservation("short_code")
	}
	return present(rec, s.db.Now()), nil
}

// FindActiveReservationByShortCode finds an active reservation by its
// short code alone, for staff at a till (the caller has checked the
// till's token). Codes: not_found (field code).
func (s *ReservationService) FindActiveReservationByShortCode(ctx context.Context, shortCode string) (*pos.Reservation, error) {
	var rec *reservationRecord
	now := s.db.Now()
	err := s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		_, rec, err = findActiveByShortCode(tx, strings.TrimSpace(shortCode), now)
		return err
	})
	if err != nil {
		return nil, err
	} else if rec == nil {
		return nil, errNoReservation("code")
	}
	return present(rec, now), nil
}

// findActiveByShortCode looks an active reservation up in the short-code
// index, which holds only active ones (a code is freed, or taken over,
// when its reservation ends); nil when there is none active at now.
func findActiveByShortCode(tx *bbolt.Tx, shortCode string, now time.Time) ([]byte, *reservationRecord, error) {
	if !pos.IsShortCode(shortCode) {
		return nil, nil, nil
	}
	key := tx.Bucket(bucketReservationShort).Get([]byte(shortCode))
	if key == nil {
		return nil, nil, nil
	}
	key = bytes.Clone(key)
	rec, err := reservationByKey(tx, key)
	if err != nil || rec == nil || !rec.Active(now) || rec.ShortCode != shortCode {
		return nil, nil, err
	}
	return key, rec, nil
}

// phoneEndsWith compares a phone's last digits in constant time.
func phoneEndsWith(phone, digits string) bool {
	if len(digits) > len(phone) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(phone[len(phone)-len(digits):]), []byte(digits)) == 1
}

// present returns the reservation as a caller sees it at now.
func present(rec *reservationRecord, now time.Time) *pos.Reservation {
	r := rec.Reservation
	if r.Status == pos.ReservationActive && !r.Active(now) {
		r.Status = pos.ReservationExpired
	}
	return &r
}

func errNoReservation(field string) error {
	return &pos.Error{Code: pos.CodeNotFound, Field: field, Message: "No such reservation in this shop."}
}

// errNotActive is the conflict of acting on a reservation that no longer
// holds stock.
func errNotActive(field string, r *pos.Reservation) error {
	return &pos.Error{Code: pos.CodeConflict, Field: field, Message: "The reservation is " + r.Status + ", no longer active."}
}

// CancelReservation releases a reservation's stock, by the shopper (with
// the code) or by staff (the session's till is named in the event).
// Codes: not_found, conflict (no longer active), storage_full.
func (s *ReservationService) CancelReservation(ctx context.Context, code string) (*pos.Reservation, error) {
	terminal := instoreTerminal
	if sess := pos.SessionFromContext(ctx); sess != nil {
		terminal = sess.TerminalID
	}
	var r *pos.Reservation
	err := s.db.update(ctx, true, func(tx *bbolt.Tx) error {
		key, rec, err := findReservation(tx, code)
		if err != nil {
			return err
		} else if rec == nil {
			return errNoReservation("code")
		}
		now := s.db.Now().UTC()
		if !rec.Active(now) {
			return errNotActive("code", present(rec, now))
		}
		c := closing{status: pos.ReservationCancelled, closedAt: now, terminal: terminal, at: now}
		if err := s.db.closeReservation(tx, key, rec, c); err != nil {
			return err
		}
		r = present(rec, now)
		return nil
	})
	return r, err
}

// ExpireReservations expires every active reservation whose hold has
// passed at db.Now(), releasing its stock, in transactions of at most
// expireBatch reservations, and returns how many it expired.
func (s *ReservationService) ExpireReservations(ctx context.Context) (int, error) {
	now := s.db.Now().UTC()
	total := 0
	for {
		var n int
		var more bool
		err := s.db.update(ctx, true, func(tx *bbolt.Tx) (err error) {
			n, more, err = s.db.expireDue(tx, now, expireBatch)
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if !more {
			return total, nil
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// expireDue expires up to limit reservations due at now (expires_at <=
// now) and reports whether the limit stopped it. Keys are collected before
// any is deleted: bbolt cursors must not move over a bucket being changed.
func (db *DB) expireDue(tx *bbolt.Tx, now time.Time, limit int) (n int, more bool, err error) {
	var due [][]byte
	c := tx.Bucket(bucketReservationExpiry).Cursor()
	for k, _ := c.First(); k != nil && len(due) < limit; k, _ = c.Next() {
		if len(k) < 8 || int64(binary.BigEndian.Uint64(k)) > now.UnixNano() {
			break
		}
		due = append(due, bytes.Clone(k))
	}
	for _, k := range due {
		rec, err := reservationByKey(tx, k[8:])
		if err != nil {
			return 0, false, err
		}
		if rec == nil || rec.Status != pos.ReservationActive { // a stale entry: drop it
			if err := tx.Bucket(bucketReservationExpiry).Delete(k); err != nil {
				return 0, false, err
			}
			continue
		}
		cl := closing{status: pos.ReservationExpired, closedAt: rec.ExpiresAt, terminal: instoreTerminal, at: now}
		if err := db.closeReservation(tx, k[8:], rec, cl); err != nil {
			return 0, false, err
		}
		n++
	}
	return n, len(due) == limit, nil
}
