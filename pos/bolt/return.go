package bolt

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// CreateReturn records a return against a sale (saleID != "") or, with a
// manager's approval, without a receipt (saleID == ""). Goods go back to
// stock and the refund back to the tender, in one transaction with the
// return's event and its idempotency key, which is required: a till that
// got no answer retries with the same key and gets the same return.
func (s *SaleService) CreateReturn(ctx context.Context, saleID, key string, req *pos.ReturnRequest) (*pos.Return, bool, error) {
	sess, err := sessionFrom(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := req.Validate(); err != nil {
		return nil, false, err
	}
	if key == "" {
		return nil, false, pos.FieldErrorf(pos.FieldIdempotencyKey, "a return needs an Idempotency-Key, as a sale does")
	}
	approvedBy, err := s.approve(ctx, sess, saleID, req)
	if err != nil {
		return nil, false, err
	}
	// The approval is no part of what is returned, and a hash of a PIN
	// under a known body would fall to 10,000 guesses: it is left out.
	unapproved := *req
	unapproved.Approval = nil
	hash, err := requestHash(struct {
		SaleID string
		Req    *pos.ReturnRequest
	}{saleID, &unapproved})
	if err != nil {
		return nil, false, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, false, err
	}
	var ret *pos.Return
	var created bool
	err = s.db.update(ctx, true, func(tx *bbolt.Tx) (err error) {
		ret, created, err = s.createReturn(tx, sess, returnIDs{id.String(), saleID, key, approvedBy}, hash, req)
		return err
	})
	return ret, created, err
}

// approve checks who may take a return without a receipt: a manager at the
// till, or a cashier with a manager's name and PIN typed in.
func (s *SaleService) approve(ctx context.Context, sess *pos.Session, saleID string, req *pos.ReturnRequest) (string, error) {
	if saleID != "" {
		return "", nil
	}
	if sess.IsManager() {
		return sess.CashierID, nil
	}
	m, err := s.auth.CheckApproval(ctx, req.Approval)
	if err != nil {
		return "", err
	}
	return m.ID, nil
}

// returnIDs are the identifiers a return is made with.
type returnIDs struct{ id, saleID, key, approvedBy string }

func (s *SaleService) createReturn(tx *bbolt.Tx, sess *pos.Session, ids returnIDs, hash []byte, req *pos.ReturnRequest) (*pos.Return, bool, error) {
	k := idemKey(ids.key)
	if prev, err := checkKey(tx.Bucket(bucketReturnKeys), k, hash); err != nil {
		return nil, false, err
	} else if prev != "" {
		ret, err := findReturn(tx, prev)
		return ret, false, err
	}
	shift, err := openShiftOf(tx, sess.TerminalID)
	if err != nil {
		return nil, false, err
	}
	now := s.db.Now().UTC()
	var sale *pos.Sale
	var ret *pos.Return
	if ids.saleID != "" {
		if sale, err = findSale(tx, ids.saleID); err != nil {
			return nil, false, err
		}
		ret, err = pos.PlanReturn(sale, req, now)
	} else {
		ret, err = pos.PlanReceiptlessReturn(req, func(sku string) (*pos.Product, error) { return findProduct(tx, sku) }, now, s.db.Currency)
	}
	if err != nil {
		return nil, false, err
	}
	ret.ID, ret.StoreID, ret.TerminalID, ret.ShiftID = ids.id, s.db.StoreID, sess.TerminalID, shift.ID
	ret.CashierID, ret.CashierName, ret.IdempotencyKey = sess.CashierID, sess.CashierName, ids.key
	ret.ApprovedBy, ret.ReceiptNo = ids.approvedBy, shift.NextReceiptNo()
	shift.Totals.AddReturn(ret)
	if ret.RefundCash() > 0 && shift.ExpectedCash() < 0 {
		return nil, false, pos.Errorf(pos.CodeValidationFailed, "The drawer holds only %d: not enough cash for the refund.", shift.ExpectedCash()+ret.RefundCash())
	}
	// All checks are done: from here on only writes.
	if err := s.recordReturn(tx, ret, sale, shift, k, hash); err != nil {
		return nil, false, err
	}
	if sale != nil {
		if err := s.db.returnLoyalty(tx, ret, sale.PointValue); err != nil {
			return nil, false, err
		}
	}
	return ret, true, nil
}

func (s *SaleService) recordReturn(tx *bbolt.Tx, ret *pos.Return, sale *pos.Sale, shift *pos.Shift, k, hash []byte) error {
	ret.StoreSeq = tx.Bucket(bucketOutbox).Sequence() + 1
	buf, err := json.Marshal(ret)
	if err != nil {
		return err
	}
	if _, err := s.db.appendEvent(tx, pos.EventSaleReturned, ret.TerminalID, ret.CreatedAt, buf); err != nil {
		return err
	}
	if err := tx.Bucket(bucketReturns).Put([]byte(ret.ID), buf); err != nil {
		return err
	}
	if err := putJSON(tx.Bucket(bucketReturnKeys), k, keyRecord{ID: ret.ID, Hash: hash}); err != nil {
		return err
	}
	if sale != nil {
		if err := putJSON(tx.Bucket(bucketSales), []byte(sale.ID), sale); err != nil {
			return err
		}
	}
	if err := putJSON(tx.Bucket(bucketShifts), []byte(shift.ID), shift); err != nil {
		return err
	}
	for _, l := range ret.Lines {
		if _, err := addStock(tx, l.SKU, l.Qty); err != nil {
			return err
		}
	}
	return nil
}

func findReturn(tx *bbolt.Tx, id string) (*pos.Return, error) {
	var r pos.Return
	found, err := getJSON(tx.Bucket(bucketReturns), []byte(id), &r)
	if err != nil {
		return nil, err
	} else if !found {
		return nil, pos.Errorf(pos.CodeNotFound, "No return %q.", id)
	}
	return &r, nil
}

// FindReturnByID returns one return.
func (s *SaleService) FindReturnByID(ctx context.Context, id string) (r *pos.Return, err error) {
	err = s.db.bolt.View(func(tx *bbolt.Tx) error {
		r, err = findReturn(tx, id)
		return err
	})
	return r, err
}
