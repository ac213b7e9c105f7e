package bolt

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

var _ pos.ShiftService = (*ShiftService)(nil)

// ShiftService implements pos.ShiftService.
type ShiftService struct{ db *DB }

// NewShiftService returns a shift service on db.
func NewShiftService(db *DB) *ShiftService { return &ShiftService{db: db} }

func sessionFrom(ctx context.Context) (*pos.Session, error) {
	s := pos.SessionFromContext(ctx)
	if s == nil {
		return nil, pos.Errorf(pos.CodeUnauthorized, "Log in first.")
	}
	return s, nil
}

// OpenShift opens a shift on the session's till with an opening float.
func (s *ShiftService) OpenShift(ctx context.Context, req *pos.OpenShiftRequest) (*pos.Shift, error) {
	sess, err := sessionFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := req.Validate(s.db.Currency); err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	now := s.db.Now().UTC()
	sh := &pos.Shift{ID: id.String(), TerminalID: sess.TerminalID, CashierID: sess.CashierID,
		CashierName: sess.CashierName, OpenedAt: now, OpeningFloat: req.OpeningFloat}
	err = s.db.update(ctx, true, func(tx *bbolt.Tx) error {
		if tx.Bucket(bucketOpenShifts).Get([]byte(sess.TerminalID)) != nil {
			return pos.Errorf(pos.CodeShiftOpen, "This till already has an open shift: close it first.")
		}
		if err := tx.Bucket(bucketOpenShifts).Put([]byte(sess.TerminalID), []byte(sh.ID)); err != nil {
			return err
		}
		return s.db.saveShiftEvent(tx, sh, pos.EventShiftOpened, sh)
	})
	if err != nil {
		return nil, err
	}
	return sh, nil
}

// saveShiftEvent writes the shift and an event about it.
func (db *DB) saveShiftEvent(tx *bbolt.Tx, sh *pos.Shift, typ string, data any) error {
	if err := putJSON(tx.Bucket(bucketShifts), []byte(sh.ID), sh); err != nil {
		return err
	}
	buf, err := json.Marshal(data)
	if err != nil {
		return err
	}
	_, err = db.appendEvent(tx, typ, sh.TerminalID, db.Now(), buf)
	return err
}

// CloseShift closes a shift with the counted cash and returns its Z report.
func (s *ShiftService) CloseShift(ctx context.Context, id string, req *pos.CloseShiftRequest) (*pos.ShiftReport, error) {
	sess, err := sessionFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := req.Validate(s.db.Currency); err != nil {
		return nil, err
	}
	var report *pos.ShiftReport
	err = s.db.update(ctx, true, func(tx *bbolt.Tx) error {
		sh, err := openShiftForUpdate(tx, id, sess)
		if err != nil {
			return err
		}
		now := s.db.Now().UTC()
		counted := req.CountedCash
		sh.ClosedAt, sh.ClosedBy, sh.CountedCash = &now, sess.CashierID, &counted
		report = sh.Report()
		if err := tx.Bucket(bucketOpenShifts).Delete([]byte(sh.TerminalID)); err != nil {
			return err
		}
		if err := s.db.saveShiftEvent(tx, sh, pos.EventShiftClosed, report); err != nil {
			return err
		}
		return s.db.recordCloseSeq(tx, sh.ID)
	})
	return report, err
}

// recordCloseSeq remembers the storeseq and epoch of a shift's close event
// (the one just appended), so Prune can tell when central has it.
func (db *DB) recordCloseSeq(tx *bbolt.Tx, shiftID string) error {
	v := append(u64(tx.Bucket(bucketOutbox).Sequence()), txEpoch(tx)...)
	return tx.Bucket(bucketShiftCloseSeqs).Put([]byte(shiftID), v)
}

// openShiftForUpdate loads a shift that the session may change: it must be
// open, and belong to the session's cashier unless a manager acts.
func openShiftForUpdate(tx *bbolt.Tx, id string, sess *pos.Session) (*pos.Shift, error) {
	sh, err := findShift(tx, id)
	if err != nil {
		return nil, err
	}
	if !sh.Open() {
		return nil, pos.Errorf(pos.CodeShiftClosed, "The shift is already closed.")
	}
	if sh.CashierID != sess.CashierID && !sess.IsManager() {
		return nil, pos.Errorf(pos.CodeForbidden, "Only the shift's cashier or a manager may do that.")
	}
	return sh, nil
}

func findShift(tx *bbolt.Tx, id string) (*pos.Shift, error) {
	var sh pos.Shift
	found, err := getJSON(tx.Bucket(bucketShifts), []byte(id), &sh)
	if err != nil {
		return nil, err
	} else if !found {
		return nil, pos.Errorf(pos.CodeNotFound, "No shift %q.", id)
	}
	return &sh, nil
}

// MoveCash records cash put into or taken out of the drawer.
func (s *ShiftService) MoveCash(ctx context.Context, id string, req *pos.CashMovementRequest) (*pos.Shift, error) {
	sess, err := sessionFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := req.Validate(s.db.Currency); err != nil {
		return nil, err
	}
	var out *pos.Shift
	err = s.db.update(ctx, true, func(tx *bbolt.Tx) error {
		sh, err := openShiftForUpdate(tx, id, sess)
		if err != nil {
			return err
		}
		if req.Kind == pos.CashOut && req.Amount.Amount > sh.ExpectedCash() {
			return pos.FieldErrorf("amount.amount", "the drawer holds only %d", sh.ExpectedCash())
		}
		sh.Totals.AddCash(req.Kind, req.Amount.Amount)
		out = sh
		return s.db.saveShiftEvent(tx, sh, pos.EventCashMoved, cashMoved{ShiftID: sh.ID, CashierID: sess.CashierID, CashMovementRequest: *req, At: s.db.Now().UTC()})
	})
	return out, err
}

type cashMoved struct {
	ShiftID   string    `json:"shift_id"`
	CashierID string    `json:"cashier_id"`
	At        time.Time `json:"at"`
	pos.CashMovementRequest
}

// FindShiftByID returns a shift.
func (s *ShiftService) FindShiftByID(ctx context.Context, id string) (sh *pos.Shift, err error) {
	err = s.db.bolt.View(func(tx *bbolt.Tx) error {
		sh, err = findShift(tx, id)
		return err
	})
	return sh, err
}

// FindOpenShift returns a till's open shift.
func (s *ShiftService) FindOpenShift(ctx context.Context, terminalID string) (sh *pos.Shift, err error) {
	err = s.db.bolt.View(func(tx *bbolt.Tx) error {
		sh, err = openShiftOf(tx, terminalID)
		return err
	})
	return sh, err
}

// openShiftOf returns the open shift of a till, or shift_not_open.
func openShiftOf(tx *bbolt.Tx, terminalID string) (*pos.Shift, error) {
	id := tx.Bucket(bucketOpenShifts).Get([]byte(terminalID))
	if id == nil {
		return nil, pos.Errorf(pos.CodeShiftNotOpen, "Open a shift on this till first.")
	}
	return findShift(tx, string(id))
}
