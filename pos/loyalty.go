package pos

import (
	"context"
	"math/big"
	"time"
)

// Loyalty: a customer earns points on what they pay in money and may pay
// with points ("points" is a payment method whose amount is money). The
// rules come down from central (the loyalty stream); the shop knows the
// balance central last sent plus its own changes central has not counted
// yet, and never lets one customer burn more than a daily cap at one shop,
// so points spent in two disconnected shops exceed the balance by at most
// the cap (per other shop).

// Loyalty events and what the shop registers.
const (
	EventLoyaltyAccrued     = "ru.storeedge.loyalty.accrued"  // Points earned (< 0: taken back by a return)
	EventLoyaltyRedeemed    = "ru.storeedge.loyalty.redeemed" // Points burned (< 0: given back by a return)
	EventCustomerRegistered = "ru.storeedge.customer.registered"

	StreamLoyalty = "loyalty" // items: LoyaltyRules (one, ID "rules")
	PaymentPoints = "points"

	LoyaltyRulesID = "rules"
)

// LoyaltyRules are the chain's earn and burn rules.
type LoyaltyRules struct {
	ID string `json:"id"`
	// PointValue is the money one point pays, in minor units (100: a point
	// is one rouble).
	PointValue int64 `json:"point_value"`
	// EarnBP is the share of the money paid (not with points) that comes
	// back as points' worth, in basis points (500: 5%); CategoryEarnBP
	// overrides it for products of a category.
	EarnBP         int64            `json:"earn_bp"`
	CategoryEarnBP map[string]int64 `json:"category_earn_bp,omitempty"`
	// MaxRedeemPct is the most of a receipt points may pay, in percent.
	MaxRedeemPct int64 `json:"max_redeem_pct"`
	// OfflineDailyCap is the most points one customer may burn at one shop
	// in a day: what two disconnected shops can overspend by, at most.
	OfflineDailyCap int64 `json:"offline_daily_cap"`
	Deleted         bool  `json:"deleted,omitempty"`
}

// Validate checks rules as they come down. Codes: validation_failed.
func (r *LoyaltyRules) Validate() error {
	if err := CheckText(r); err != nil {
		return err
	}
	switch {
	case r.ID != LoyaltyRulesID:
		return FieldErrorf("id", "the loyalty stream has one item, id %q", LoyaltyRulesID)
	case r.Deleted:
		return nil
	case r.PointValue < 1 || r.PointValue > 1_000_000:
		return FieldErrorf("point_value", "point_value must be from 1 to 1000000 minor units")
	case r.EarnBP < 0 || r.EarnBP > 10_000:
		return FieldErrorf("earn_bp", "earn_bp must be from 0 to 10000 basis points")
	case r.MaxRedeemPct < 0 || r.MaxRedeemPct > 100:
		return FieldErrorf("max_redeem_pct", "max_redeem_pct must be from 0 to 100")
	case r.OfflineDailyCap < 0 || r.OfflineDailyCap > 1_000_000_000:
		return FieldErrorf("offline_daily_cap", "offline_daily_cap must be from 0 to 1000000000 points")
	case len(r.CategoryEarnBP) > 1000:
		return FieldErrorf("category_earn_bp", "at most 1000 categories")
	}
	for cat, bp := range r.CategoryEarnBP {
		if bp < 0 || bp > 10_000 || cat == "" {
			return FieldErrorf("category_earn_bp", "category %q: basis points must be from 0 to 10000", cat)
		}
	}
	return nil
}

// PointsFor converts a points payment's amount to points; ok is false
// when the amount is not a whole number of points.
func (r *LoyaltyRules) PointsFor(amount int64) (points int64, ok bool) {
	if r.PointValue <= 0 || amount%r.PointValue != 0 {
		return 0, false
	}
	return amount / r.PointValue, true
}

// MaxRedeem is the most of total that points may pay, in minor units,
// rounded down to whole points.
func (r *LoyaltyRules) MaxRedeem(total int64) int64 {
	if r.PointValue <= 0 {
		return 0
	}
	limit := mulDiv(total, r.MaxRedeemPct, 100)
	return limit - limit%r.PointValue
}

// Earned is the points a sale earns: each line's share of the money paid
// (total less what points paid) at its category's rate, summed, in whole
// points, rounded down. category returns a SKU's category ("" for none).
func (r *LoyaltyRules) Earned(s *Sale, pointsPaid int64, category func(sku string) string) int64 {
	total := s.Total.Amount
	money := total - pointsPaid*r.PointValue
	if r.PointValue <= 0 || total <= 0 || money <= 0 {
		return 0
	}
	worth := new(big.Int) // Σ line total × rate, in minor units × basis points
	for _, l := range s.Lines {
		bp := r.EarnBP
		if v, ok := r.CategoryEarnBP[category(l.SKU)]; ok {
			bp = v
		}
		worth.Add(worth, new(big.Int).Mul(big.NewInt(l.Total.Amount), big.NewInt(bp)))
	}
	worth.Mul(worth, big.NewInt(money))
	worth.Quo(worth, new(big.Int).Mul(big.NewInt(total), big.NewInt(10_000*r.PointValue)))
	return worth.Int64()
}

// ReturnedShare is how many of n points (paid or earned with a sale of
// total) follow what has been returned of it so far: n × returned / total,
// rounded, so parts add up to n once everything is returned.
func ReturnedShare(n, returned, total int64) int64 {
	if total <= 0 || n == 0 {
		return 0
	}
	return min(DivRound(n, min(returned, total), total), n)
}

// mulDiv is a × b / c rounded down, without overflow for money amounts.
func mulDiv(a, b, c int64) int64 {
	x := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	return x.Quo(x, big.NewInt(c)).Int64()
}

// LoyaltyEvent is the data of loyalty.accrued and loyalty.redeemed.
type LoyaltyEvent struct {
	CustomerID string    `json:"customer_id"`
	SaleID     string    `json:"sale_id"`
	ReturnID   string    `json:"return_id,omitempty"`
	Points     int64     `json:"points"` // < 0: taken back (accrued) or given back (redeemed) by a return
	Value      Money     `json:"value"`  // what the points are worth at PointValue
	At         time.Time `json:"at"`
}

// PointsPosition says up to which storeseq of a shop's epoch central's
// balance of a customer counts that shop's points changes.
type PointsPosition struct {
	Store string `json:"store"`
	Epoch string `json:"epoch"`
	Seq   uint64 `json:"seq"`
}

// CustomerRegistration is the body of POST /api/v1/customers: a customer
// signs up at the till.
type CustomerRegistration struct {
	Phone    string `json:"phone"`
	Name     string `json:"name"`
	Card     string `json:"card,omitempty"`
	Consent  bool   `json:"consent_messages"` // agrees to the chain's messages
	Language string `json:"language,omitempty"`
}

// Validate checks a registration and normalizes its phone. Codes:
// validation_failed.
func (r *CustomerRegistration) Validate() error {
	if err := CheckText(r); err != nil {
		return err
	}
	phone, err := NormalizePhone(r.Phone)
	if err != nil {
		return FieldErrorf("phone", "%s", ErrorMessage(err))
	}
	r.Phone = phone
	switch {
	case r.Name == "" || len([]rune(r.Name)) > 100:
		return FieldErrorf("name", "name is 1 to 100 characters")
	case len(r.Card) > 32:
		return FieldErrorf("card", "card is at most 32 characters")
	case r.Language != "" && r.Language != "ru" && r.Language != "uk" && r.Language != "en":
		return FieldErrorf("language", "language is ru, uk or en")
	}
	return nil
}

// CustomerRegistered is the data of customer.registered.
type CustomerRegistered struct {
	Customer
	Consent     bool      `json:"consent_messages"`
	Language    string    `json:"language,omitempty"`
	At          time.Time `json:"at"`
	TerminalID  string    `json:"terminal_id"`
	CashierID   string    `json:"cashier_id"`
	CashierName string    `json:"cashier_name"`
}

// CustomerAccount is a customer as the till sees them: the profile, and
// the points they may use here now.
type CustomerAccount struct {
	Customer
	// PointsBalance is central's last balance plus this shop's changes
	// central had not counted then.
	PointsBalance int64 `json:"points_balance"`
	// OfflinePointsCap is what they may still burn here today: the daily
	// cap less what they burned here today, and never above the balance.
	OfflinePointsCap int64 `json:"offline_points_cap"`
	// PointValue and MaxRedeemPct are central's rules, for the till to
	// show what points may pay (0: no rules yet, points cannot pay).
	PointValue   int64 `json:"point_value,omitempty"`
	MaxRedeemPct int64 `json:"max_redeem_pct,omitempty"`
}

// LoyaltyService is the customer at the till.
type LoyaltyService interface {
	// FindAccount finds a customer by phone or card (as FindCustomer)
	// with their points. Codes: validation_failed, not_found.
	FindAccount(ctx context.Context, phone, card string) (*CustomerAccount, error)
	// RegisterCustomer signs a customer up at the till (an event for
	// central). Codes: validation_failed, conflict (the phone or card is
	// someone's already).
	RegisterCustomer(ctx context.Context, req *CustomerRegistration) (*CustomerAccount, error)
}
