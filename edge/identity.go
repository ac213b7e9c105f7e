package edge

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// Where a shopper's customer token comes from.
const (
	// CookieCustomerToken holds the token after a page was opened with ?ct=.
	CookieCustomerToken = "se_ct"
	// QueryCustomerToken is the link parameter the chain's app adds.
	QueryCustomerToken = "ct"
	// schemeCustomer is the Authorization scheme of the mobile app.
	schemeCustomer = "Customer"
)

// shopper is a shopper identified by a valid customer token.
type shopper struct {
	CustomerID string
	Phone      string // E.164, or "" for a card-only customer
}

// identify returns the shopper a valid customer token names, or nil. It
// looks at "Authorization: Customer <token>", then ?ct=, then the se_ct
// cookie. A token from ?ct= is kept in the cookie so later pages and form
// posts know the shopper. A missing, forged or expired token is not an
// error: the shopper is simply anonymous (no personal price, and a phone
// is asked for). Without CustomerTokenKey nobody is identified.
func (s *Server) identify(c fiber.Ctx) *shopper {
	if len(s.CustomerTokenKey) == 0 {
		return nil
	}
	now := s.now()
	if tok, ok := customerAuth(c.Get(fiber.HeaderAuthorization)); ok {
		return s.verifyShopper(tok, now)
	}
	if tok := c.Query(QueryCustomerToken); tok != "" {
		sh := s.verifyShopper(tok, now)
		if sh != nil {
			s.setTokenCookie(c, tok)
		}
		return sh
	}
	if tok := c.Cookies(CookieCustomerToken); tok != "" {
		return s.verifyShopper(tok, now)
	}
	return nil
}

func (s *Server) verifyShopper(token string, now time.Time) *shopper {
	id, phone, err := pos.VerifyCustomerToken(s.CustomerTokenKey, token, now)
	if err != nil {
		return nil
	}
	return &shopper{CustomerID: id, Phone: phone}
}

// setTokenCookie keeps the token until it expires: HttpOnly (no script
// reads it), SameSite=Lax (a cross-site POST does not carry it), Secure
// when the page came over HTTPS.
func (s *Server) setTokenCookie(c fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{
		Name: CookieCustomerToken, Value: strings.Clone(token), Path: "/",
		MaxAge: int(tokenCookieAge / time.Second), HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: c.Secure(),
	})
}

// tokenCookieAge bounds how long a browser keeps the token; the token's
// own expiry still applies on every request.
const tokenCookieAge = 30 * 24 * time.Hour

// customerAuth extracts the token of "Authorization: Customer <token>".
func customerAuth(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, schemeCustomer) || token == "" {
		return "", false
	}
	return token, true
}

// personalDiscount returns the identified shopper's personal discount in
// percent, 0 when there is none to give. The customer is looked up by the
// token's phone and must still have the token's ID: a phone number that
// moved to another customer gives nobody else's discount.
func (s *Server) personalDiscount(ctx context.Context, sh *shopper) (int64, error) {
	if sh == nil || sh.Phone == "" || s.CustomerService == nil {
		return 0, nil
	}
	cust, err := s.CustomerService.FindCustomer(ctx, sh.Phone, "")
	switch {
	case pos.ErrorCode(err) == pos.CodeNotFound:
		return 0, nil
	case err != nil:
		return 0, err
	case cust == nil || cust.Deleted || cust.ID != sh.CustomerID:
		return 0, nil
	}
	return cust.DiscountPercent, nil
}
