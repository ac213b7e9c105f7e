package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/storeedge/storeedge/pos"
	"go.etcd.io/bbolt"
)

// Loyalty storage. A customer's points here are central's balance (the
// customers stream) plus this shop's own changes central had not counted
// when it sent that balance. Each change is kept under the storeseq of its
// event: central's balance says up to which storeseq of this shop it
// counts (PointsAsOf), and the changes it covers are then dropped. A day's
// burns per customer are counted apart, for the daily cap.
var (
	bucketLoyalty        = []byte("loyalty")         // "rules" → pos.LoyaltyRules JSON
	bucketLoyaltyPending = []byte("loyalty_pending") // customer id \x00 epoch \x00 storeseq (8) → points (8, signed)
	bucketLoyaltyDaily   = []byte("loyalty_daily")   // customer id \x00 YYYY-MM-DD → points burned here that day (8)
)

// migrateLoyalty adds the loyalty buckets.
func migrateLoyalty(tx *bbolt.Tx, now time.Time) error {
	for _, name := range [][]byte{bucketLoyalty, bucketLoyaltyPending, bucketLoyaltyDaily} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// applyLoyalty stores the rules of a loyalty message.
func applyLoyalty(tx *bbolt.Tx, version uint64, items []pos.LoyaltyRules) (int, error) {
	applied := 0
	for _, i := range lastIndexes(len(items), func(i int) string { return items[i].ID }) {
		r := &items[i]
		if ok, err := claimItem(tx, itemKey(pos.StreamLoyalty, r.ID), version); err != nil || !ok {
			if err != nil {
				return 0, err
			}
			continue
		}
		applied++
		b := tx.Bucket(bucketLoyalty)
		if r.Deleted {
			if err := b.Delete([]byte(r.ID)); err != nil {
				return 0, err
			}
			continue
		}
		if err := putJSON(b, []byte(r.ID), r); err != nil {
			return 0, err
		}
	}
	return applied, nil
}

// loyaltyRules returns the rules central sent, nil before any.
func loyaltyRules(tx *bbolt.Tx) (*pos.LoyaltyRules, error) {
	var r pos.LoyaltyRules
	found, err := getJSON(tx.Bucket(bucketLoyalty), []byte(pos.LoyaltyRulesID), &r)
	if err != nil || !found {
		return nil, err
	}
	return &r, nil
}

// pendingKey is a change's key: the customer, then its event's place.
func pendingKey(customer, epoch string, seq uint64) []byte {
	k := append(append(append([]byte(customer), 0), epoch...), 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

// pointsBalance is central's balance of c plus this shop's changes it had
// not counted.
func pointsBalance(tx *bbolt.Tx, c *pos.Customer) int64 {
	n := c.LoyaltyPoints
	prefix := append([]byte(c.ID), 0)
	cur := tx.Bucket(bucketLoyaltyPending).Cursor()
	for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
		n += int64(decodeU64(v))
	}
	return n
}

// dayKey is a customer's burn counter of the day of t (UTC).
func dayKey(customer string, t time.Time) []byte {
	return append(append([]byte(customer), 0), t.UTC().Format(time.DateOnly)...)
}

// burnable is what c may still burn here today: the daily cap less what
// they burned here today, never above their balance, never below zero.
func burnable(tx *bbolt.Tx, rules *pos.LoyaltyRules, c *pos.Customer, now time.Time) int64 {
	burned := int64(decodeU64(tx.Bucket(bucketLoyaltyDaily).Get(dayKey(c.ID, now))))
	return max(min(rules.OfflineDailyCap-burned, pointsBalance(tx, c)), 0)
}

// loyaltyPlan is what a sale does with a customer's points.
type loyaltyPlan struct {
	customer *pos.Customer
	rules    *pos.LoyaltyRules
	paid     int64 // points burned
	earned   int64 // points earned
}

// planLoyalty checks the sale's points payments against the rules, the
// customer's balance here and the day's cap, and works out what it earns.
// It sets the sale's loyalty fields. A sale without a known customer, or
// before any rules came down, earns nothing; paying it with points is
// refused. Codes: validation_failed, loyalty_unavailable,
// points_over_limit, insufficient_points, points_cap_reached.
func planLoyalty(tx *bbolt.Tx, sale *pos.Sale, c *pos.Customer, now time.Time) (*loyaltyPlan, error) {
	paid := sale.PaidWith(pos.PaymentPoints)
	field := pointsField(sale)
	if c == nil {
		if paid > 0 {
			return nil, pos.FieldErrorf(field, "the shop does not know this customer: they cannot pay with points")
		}
		return nil, nil
	}
	rules, err := loyaltyRules(tx)
	if err != nil {
		return nil, err
	}
	if rules == nil {
		if paid > 0 {
			return nil, &pos.Error{Code: pos.CodeLoyaltyUnavailable, Field: field, Message: "The chain's loyalty rules have not reached this shop yet."}
		}
		return nil, nil
	}
	p := &loyaltyPlan{customer: c, rules: rules}
	if paid > 0 {
		if p.paid, err = checkBurn(tx, rules, c, sale, paid, field, now); err != nil {
			return nil, err
		}
	}
	p.earned = rules.Earned(sale, p.paid, func(sku string) string {
		if prod, err := findProduct(tx, sku); err == nil && prod != nil {
			return prod.Category
		}
		return ""
	})
	sale.CustomerID, sale.PointValue, sale.PointsPaid, sale.PointsEarned = c.ID, rules.PointValue, p.paid, p.earned
	return p, nil
}

// checkBurn checks a points payment of amount and returns it in points.
func checkBurn(tx *bbolt.Tx, rules *pos.LoyaltyRules, c *pos.Customer, sale *pos.Sale, amount int64, field string, now time.Time) (int64, error) {
	points, whole := rules.PointsFor(amount)
	switch {
	case !whole:
		return 0, pos.FieldErrorf(field+".amount.amount", "points pay whole points: multiples of %d", rules.PointValue)
	case amount > rules.MaxRedeem(sale.Total.Amount):
		return 0, &pos.Error{Code: pos.CodePointsLimit, Field: field + ".amount.amount",
			Message: "Points may pay at most " + itoa(int(rules.MaxRedeemPct)) + "% of the receipt."}
	case points > pointsBalance(tx, c):
		return 0, &pos.Error{Code: pos.CodeInsufficientPoints, Field: field + ".amount.amount",
			Message: "The customer has " + itoa(int(pointsBalance(tx, c))) + " points."}
	case points > burnable(tx, rules, c, now):
		return 0, &pos.Error{Code: pos.CodePointsCap, Field: field + ".amount.amount",
			Message: "At most " + itoa(int(burnable(tx, rules, c, now))) + " more points can be used at this shop today."}
	}
	return points, nil
}

// pointsField names the sale's first points payment.
func pointsField(sale *pos.Sale) string {
	for i, p := range sale.Payments {
		if p.Method == pos.PaymentPoints {
			return "payments[" + itoa(i) + "]"
		}
	}
	return "payments"
}

// recordLoyalty writes a sale's points events after its own event, and
// keeps their changes pending until central counts them.
func (db *DB) recordLoyalty(tx *bbolt.Tx, p *loyaltyPlan, saleID, terminal string, at time.Time) error {
	if p == nil {
		return nil
	}
	if err := db.loyaltyEvent(tx, pos.EventLoyaltyRedeemed, p.customer.ID, saleID, "", p.paid, -p.paid, p.rules.PointValue, terminal, at); err != nil {
		return err
	}
	if p.paid > 0 {
		day := tx.Bucket(bucketLoyaltyDaily)
		k := dayKey(p.customer.ID, at)
		if err := day.Put(k, u64(decodeU64(day.Get(k))+uint64(p.paid))); err != nil {
			return err
		}
	}
	return db.loyaltyEvent(tx, pos.EventLoyaltyAccrued, p.customer.ID, saleID, "", p.earned, p.earned, p.rules.PointValue, terminal, at)
}

// returnLoyalty writes a return's points events: the points given back
// (a negative redemption) and taken back (a negative accrual).
func (db *DB) returnLoyalty(tx *bbolt.Tx, r *pos.Return, pointValue int64) error {
	if r.CustomerID == "" {
		return nil
	}
	if err := db.loyaltyEvent(tx, pos.EventLoyaltyRedeemed, r.CustomerID, r.SaleID, r.ID, -r.PointsRefunded, r.PointsRefunded, pointValue, r.TerminalID, r.CreatedAt); err != nil {
		return err
	}
	return db.loyaltyEvent(tx, pos.EventLoyaltyAccrued, r.CustomerID, r.SaleID, r.ID, -r.PointsReversed, -r.PointsReversed, pointValue, r.TerminalID, r.CreatedAt)
}

// loyaltyEvent appends one points event (none for 0 points) and keeps its
// change to the balance, delta, pending under the event's place.
func (db *DB) loyaltyEvent(tx *bbolt.Tx, typ, customer, saleID, returnID string, points, delta, pointValue int64, terminal string, at time.Time) error {
	if points == 0 {
		return nil
	}
	ev := pos.LoyaltyEvent{CustomerID: customer, SaleID: saleID, ReturnID: returnID, Points: points,
		Value: pos.M(points*pointValue, db.Currency), At: at}
	buf, err := json.Marshal(&ev)
	if err != nil {
		return err
	}
	seq, err := db.appendEvent(tx, typ, terminal, at, buf)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketLoyaltyPending).Put(pendingKey(customer, txEpoch(tx), seq), u64(uint64(delta)))
}

// dropCounted removes the pending changes of c that central's balance now
// counts (PointsAsOf names this shop's epoch and a storeseq at or above
// theirs), so they are not added to it twice.
func dropCounted(tx *bbolt.Tx, store string, c *pos.Customer) error {
	upto := map[string]uint64{}
	for _, p := range c.PointsAsOf {
		if p.Store == store {
			upto[p.Epoch] = max(upto[p.Epoch], p.Seq)
		}
	}
	if len(upto) == 0 {
		return nil
	}
	prefix := append([]byte(c.ID), 0)
	cur := tx.Bucket(bucketLoyaltyPending).Cursor()
	var drop [][]byte
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		rest := k[len(prefix):]
		if len(rest) < 9 {
			continue
		}
		epoch, seq := string(rest[:len(rest)-9]), binary.BigEndian.Uint64(rest[len(rest)-8:])
		if n, ok := upto[epoch]; ok && seq <= n {
			drop = append(drop, bytes.Clone(k))
		}
	}
	for _, k := range drop {
		if err := tx.Bucket(bucketLoyaltyPending).Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// LoyaltyService is the customer at the till: their points and signing
// up.
type LoyaltyService struct{ db *DB }

var _ pos.LoyaltyService = (*LoyaltyService)(nil)

// NewLoyaltyService returns the loyalty service on db.
func NewLoyaltyService(db *DB) *LoyaltyService { return &LoyaltyService{db: db} }

// FindAccount finds a customer by phone or card, with their points here.
func (s *LoyaltyService) FindAccount(ctx context.Context, phone, card string) (*pos.CustomerAccount, error) {
	c, err := NewDownlinkService(s.db).FindCustomer(ctx, phone, card)
	if err != nil {
		return nil, err
	}
	var acc *pos.CustomerAccount
	err = s.db.bolt.View(func(tx *bbolt.Tx) (err error) {
		acc, err = account(tx, c, s.db.Now())
		return err
	})
	return acc, err
}

// account is c with their points here.
func account(tx *bbolt.Tx, c *pos.Customer, now time.Time) (*pos.CustomerAccount, error) {
	acc := &pos.CustomerAccount{Customer: *c, PointsBalance: pointsBalance(tx, c)}
	acc.PointsAsOf = nil // central's bookkeeping, not the till's business
	rules, err := loyaltyRules(tx)
	if err != nil || rules == nil {
		return acc, err
	}
	acc.OfflinePointsCap = burnable(tx, rules, c, now)
	acc.PointValue, acc.MaxRedeemPct = rules.PointValue, rules.MaxRedeemPct
	return acc, nil
}

// RegisterCustomer signs a customer up at the till: a profile the shop
// uses at once, and a customer.registered event for central, which keeps
// the id.
func (s *LoyaltyService) RegisterCustomer(ctx context.Context, req *pos.CustomerRegistration) (*pos.CustomerAccount, error) {
	sess, err := sessionFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	id := "c-" + uuid.NewString()
	var acc *pos.CustomerAccount
	err = s.db.update(ctx, true, func(tx *bbolt.Tx) error {
		if taken := tx.Bucket(bucketCustomersByPhone).Get([]byte(req.Phone)); taken != nil {
			return &pos.Error{Code: pos.CodeConflict, Field: "phone", Message: "A customer with this phone exists already."}
		}
		if taken := tx.Bucket(bucketCustomersByCard).Get([]byte(req.Card)); req.Card != "" && taken != nil {
			return &pos.Error{Code: pos.CodeConflict, Field: "card", Message: "This card is someone's already."}
		}
		c := pos.Customer{ID: id, Phone: req.Phone, Card: req.Card, Name: req.Name}
		if err := putCustomer(tx, &c); err != nil {
			return err
		}
		now := s.db.Now().UTC()
		buf, err := json.Marshal(pos.CustomerRegistered{Customer: c, Consent: req.Consent, Language: req.Language,
			At: now, TerminalID: sess.TerminalID, CashierID: sess.CashierID, CashierName: sess.CashierName})
		if err != nil {
			return err
		}
		if _, err := s.db.appendEvent(tx, pos.EventCustomerRegistered, sess.TerminalID, now, buf); err != nil {
			return err
		}
		acc, err = account(tx, &c, now)
		return err
	})
	return acc, err
}

// SeedLoyalty stores loyalty rules and customers for a demo shop without
// claiming any stream version, so central's first real messages still
// replace them.
func SeedLoyalty(ctx context.Context, db *DB, rules *pos.LoyaltyRules, customers []pos.Customer) error {
	if err := rules.Validate(); err != nil {
		return err
	}
	for i := range customers {
		if err := customers[i].Validate(); err != nil {
			return err
		}
	}
	return db.update(ctx, false, func(tx *bbolt.Tx) error {
		if err := putJSON(tx.Bucket(bucketLoyalty), []byte(rules.ID), rules); err != nil {
			return err
		}
		for i := range customers {
			if err := putCustomer(tx, &customers[i]); err != nil {
				return err
			}
		}
		return nil
	})
}
