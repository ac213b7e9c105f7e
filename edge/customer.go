package edge

import (
	"net/url"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// customerView is a loyalty customer's profile as a till sees it, with
// the points they may use here now (without a LoyaltyService: central's
// balance, and nothing to burn).
type customerView struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Phone            string `json:"phone"`
	Card             string `json:"card"`
	Tier             string `json:"tier,omitempty"`
	DiscountPercent  int64  `json:"discount_percent"`
	LoyaltyPoints    int64  `json:"loyalty_points"`
	PointsBalance    int64  `json:"points_balance"`
	OfflinePointsCap int64  `json:"offline_points_cap"`
	PointValue       int64  `json:"point_value,omitempty"`
	MaxRedeemPct     int64  `json:"max_redeem_pct,omitempty"`
}

func newCustomerView(a *pos.CustomerAccount) customerView {
	c := &a.Customer
	return customerView{
		ID: c.ID, Name: c.Name, Phone: c.Phone, Card: c.Card, Tier: c.Tier,
		DiscountPercent: c.DiscountPercent, LoyaltyPoints: c.LoyaltyPoints,
		PointsBalance: a.PointsBalance, OfflinePointsCap: a.OfflinePointsCap,
		PointValue: a.PointValue, MaxRedeemPct: a.MaxRedeemPct,
	}
}

// maxCardLen bounds a loyalty card number as typed or scanned.
const maxCardLen = 64

func (s *Server) registerCustomerRoutes(app *fiber.App) {
	app.Get("/api/v1/customers/lookup", s.authenticate, s.handleLookupCustomer)
	app.Post("/api/v1/customers", s.authenticate, s.handleRegisterCustomer)
}

// handleLookupCustomer finds a customer by ?phone= (any usual notation),
// ?card= (the loyalty card's barcode) or ?token= (the QR the chain's app
// shows: the customer token the shopper's page knows them by, so the till
// and the page price the same customer alike), exactly one of them.
func (s *Server) handleLookupCustomer(c fiber.Ctx) error {
	if s.CustomerService == nil {
		return pos.Errorf(codeUnavailable, "Customer lookup is not set up on this server.")
	}
	phone, card := c.Query("phone"), c.Query("card")
	if tok := strings.TrimSpace(c.Query("token")); tok != "" {
		if phone != "" || card != "" {
			return pos.FieldErrorf("token", "give a phone, a card or a token, one of them")
		}
		_, p, err := pos.VerifyCustomerToken(s.CustomerTokenKey, tok, s.now())
		if err != nil {
			return pos.FieldErrorf("token", "the app's code is not valid or has expired: ask for the card or the phone")
		}
		if p == "" {
			return pos.FieldErrorf("token", "this app code names no phone: ask for the card")
		}
		phone = p
	}
	phone, card, err := lookupQuery(phone, card)
	if err != nil {
		return err
	}
	var acc *pos.CustomerAccount
	if s.LoyaltyService != nil {
		acc, err = s.LoyaltyService.FindAccount(c.Context(), phone, card)
	} else {
		var cust *pos.Customer
		if cust, err = s.CustomerService.FindCustomer(c.Context(), phone, card); cust != nil {
			acc = &pos.CustomerAccount{Customer: *cust, PointsBalance: cust.LoyaltyPoints}
		}
	}
	if err != nil {
		return err
	}
	if acc == nil || acc.Deleted {
		return errNoCustomer
	}
	return c.JSON(newCustomerView(acc))
}

// handleRegisterCustomer signs a customer up at the till: 201 with the
// new profile; central hears of it as a customer.registered event.
func (s *Server) handleRegisterCustomer(c fiber.Ctx) error {
	if s.LoyaltyService == nil {
		return pos.Errorf(codeUnavailable, "Signing customers up is not set up on this server.")
	}
	var req pos.CustomerRegistration
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	acc, err := s.LoyaltyService.RegisterCustomer(c.Context(), &req)
	if err != nil {
		return err
	}
	c.Location("/api/v1/customers/lookup?phone=" + url.QueryEscape(acc.Phone))
	return c.Status(fiber.StatusCreated).JSON(newCustomerView(acc))
}

var errNoCustomer = pos.Errorf(pos.CodeNotFound, "No customer with that phone or card.")

// lookupQuery checks that exactly one of phone and card is given and
// returns the phone in E.164 or the card trimmed. The strings it returns
// are copies: fiber's query strings live only as long as the handler.
func lookupQuery(phone, card string) (string, string, error) {
	phone, card = strings.TrimSpace(phone), strings.TrimSpace(card)
	switch {
	case phone == "" && card == "":
		return "", "", pos.FieldErrorf("phone", "give a phone or a card")
	case phone != "" && card != "":
		return "", "", pos.FieldErrorf("phone", "give a phone or a card, not both")
	case card != "":
		if !validCard(card) {
			return "", "", pos.FieldErrorf("card", "card must be 1 to %d printable characters", maxCardLen)
		}
		return "", strings.Clone(card), nil
	}
	p, err := pos.NormalizePhone(phone)
	if err != nil {
		return "", "", pos.FieldErrorf("phone", "%s", pos.ErrorMessage(err))
	}
	return p, "", nil
}

// validCard accepts what a card's barcode or a typed number can hold:
// printable characters without spaces inside.
func validCard(s string) bool {
	if len(s) > maxCardLen {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}
