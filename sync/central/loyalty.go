package central

import (
	"encoding/json"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// ledgerRow is a row of loyalty_ledger; its JSON names are the column names.
type ledgerRow struct {
	Store      string    `json:"store"`
	Epoch      string    `json:"epoch"`
	Seq        uint64    `json:"seq"`
	EventID    string    `json:"event_id"`
	CustomerID string    `json:"customer_id"`
	Kind       string    `json:"kind"`
	Points     int64     `json:"points"`
	Value      int64     `json:"value"`
	Currency   string    `json:"currency"`
	SaleID     string    `json:"sale_id"`
	ReturnID   *string   `json:"return_id"`
	At         time.Time `json:"at"`
}

// Ledger kinds, from the event types.
const (
	kindAccrued  = "accrued"
	kindRedeemed = "redeemed"
)

// sqlInsertLedger books loyalty events. The primary key is the event's
// place, so an event offered again (a replay, another replica) is counted
// once.
const sqlInsertLedger = `INSERT INTO loyalty_ledger
SELECT * FROM jsonb_populate_recordset(NULL::loyalty_ledger, $1::jsonb)
ON CONFLICT DO NOTHING`

// maxPoints bounds one event's points: far above any real receipt, and
// far below where sums of a customer's ledger could overflow bigint.
const maxPoints = 1_000_000_000_000

// addLedger adds a loyalty.accrued or loyalty.redeemed event's ledger row,
// or says why the event is not one central can book.
func (fx *effects) addLedger(store, kind string, e *pos.Event) string {
	var l pos.LoyaltyEvent
	if reason := decodeData(e, &l); reason != "" {
		return reason
	}
	switch {
	case l.CustomerID == "":
		return "loyalty event without a customer_id"
	case l.SaleID == "":
		return "loyalty event without a sale_id"
	case l.Points == 0 || l.Points > maxPoints || l.Points < -maxPoints:
		return "loyalty event points out of range"
	}
	at := l.At
	if at.IsZero() {
		at = e.Time
	}
	fx.ledger = append(fx.ledger, ledgerRow{Store: store, Epoch: e.StoreEpoch, Seq: e.StoreSeq, EventID: e.ID,
		CustomerID: text(l.CustomerID), Kind: kind, Points: l.Points, Value: l.Value.Amount,
		Currency: text(l.Value.Currency), SaleID: text(l.SaleID), ReturnID: optText(l.ReturnID), At: at})
	return ""
}

// customerRow is what a till's registration writes to customers.
type customerRow struct {
	ID              string          `json:"id"`
	Phone           *string         `json:"phone"`
	Card            *string         `json:"card"`
	Name            *string         `json:"name"`
	Consent         bool            `json:"consent"`
	Language        *string         `json:"language"`
	Profile         json.RawMessage `json:"profile"`
	RegisteredAt    time.Time       `json:"registered_at"`
	RegisteredStore string          `json:"registered_store"`
}

// sqlInsertCustomers adds customers registered at tills. A customer
// central knows already (the office pushed them, or the event came twice)
// keeps their row: the CRM's word wins over a till's.
const sqlInsertCustomers = `INSERT INTO customers (id, phone, card, name, consent, language, profile, registered_at, registered_store)
SELECT id, phone, card, name, consent, language, profile, registered_at, registered_store
FROM jsonb_populate_recordset(NULL::customers, $1::jsonb)
ON CONFLICT (id) DO NOTHING`

// addRegistration adds a customer.registered event's customer.
func (fx *effects) addRegistration(store string, e *pos.Event) string {
	var r pos.CustomerRegistered
	if reason := decodeData(e, &r); reason != "" {
		return reason
	}
	if r.ID == "" {
		return "registration without a customer id"
	}
	c := pos.Customer{ID: text(r.ID), Phone: text(r.Phone), Card: text(r.Card), Name: text(r.Name),
		DiscountPercent: r.DiscountPercent, Tier: text(r.Tier)}
	profile, err := json.Marshal(&c)
	if err != nil {
		return "registration does not encode: " + err.Error()
	}
	at := r.At
	if at.IsZero() {
		at = e.Time
	}
	fx.customers = append(fx.customers, customerRow{ID: c.ID, Phone: optText(c.Phone), Card: optText(c.Card),
		Name: optText(c.Name), Consent: r.Consent, Language: optText(r.Language), Profile: profile,
		RegisteredAt: at, RegisteredStore: store})
	fx.registered = append(fx.registered, c.ID)
	return ""
}
