package edge

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// The shopper role ("shopper"): the in-store pages and API that shoppers'
// phones, the chain's app and price-check kiosks use. None needs a login;
// every route is rate limited per client IP, request bodies are small, and
// a shopper only ever sees stock as a word, never a count, and only their
// own personal price.

// maxShopperBody bounds a shopper's request body: a phone number and a
// SKU fit many times over.
const maxShopperBody = 4 << 10

// Stock levels shown to shoppers.
const (
	stockInStock = "in_stock"
	stockFew     = "few"
	stockNone    = "none"
)

// fewUnits is the most stock, in price units (pieces or kg), that still
// shows as "few left".
const fewUnits = 3

// registerShopperRoutes adds the shopper role's routes, all behind the
// shopper limiter. Pages get an explicit HEAD route: fiber v3.1.0's
// automatic one answers 404.
func (s *Server) registerShopperRoutes(app *fiber.App) {
	lim := s.shopperLimiter()
	s.places = s.newPlaceLimiter()
	app.Get("/t/:code", lim, s.handleTagPage)
	app.Head("/t/:code", lim, s.handleTagPage)
	app.Post("/t/:code/reserve", lim, limitShopperBody, sameOriginForm, s.handleTagReserve)
	app.Post("/t/:code/order", lim, limitShopperBody, sameOriginForm, s.handleTagOrder)
	app.Get("/api/v1/instore/tags/:code", lim, s.handleInstoreTag)
	app.Get("/api/v1/price-check/:barcode", lim, s.handlePriceCheck)
	app.Post("/api/v1/reservations", lim, limitShopperBody, sameOrigin, s.handleCreateReservation)
	app.Get("/api/v1/reservations/:code", lim, s.handleGetReservation)
	app.Delete("/api/v1/reservations/:code", lim, sameOrigin, s.handleCancelReservation)
	app.Get("/api/v1/reservations/:code/qr.png", lim, s.handleReservationQR)
	app.Post("/api/v1/orders", lim, limitShopperBody, sameOrigin, s.handleCreateOrder)
}

// limitShopperBody refuses a shopper body over maxShopperBody with 413.
func limitShopperBody(c fiber.Ctx) error {
	if len(c.Request().Body()) > maxShopperBody {
		return pos.Errorf(codePayloadTooLarge, "the request body is larger than %d bytes", maxShopperBody)
	}
	return c.Next()
}

// stockLevel turns a count in sale units into what a shopper sees.
func stockLevel(available int64, u pos.Unit) string {
	switch {
	case available <= 0:
		return stockNone
	case available <= fewUnits*u.PriceDivisor():
		return stockFew
	}
	return stockInStock
}

// validTagCode accepts what a tag code can look like (URL-safe, short);
// anything else is an unknown tag without asking the TagService.
func validTagCode(code string) bool {
	if len(code) == 0 || len(code) > 64 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if !urlSafe(code[i]) {
			return false
		}
	}
	return true
}

// urlSafe reports whether b is an unreserved URL character (RFC 3986).
func urlSafe(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
		b == '-' || b == '_' || b == '.' || b == '~'
}

// errUnknownTag is what a garbled, guessed or retired tag code gets.
func errUnknownTag() error { return pos.Errorf(pos.CodeNotFound, "unknown tag") }

// findTagProduct resolves a tag code to its product. A code that does not
// parse, names no product or names a product no longer in the catalog is
// not_found "unknown tag", never another product.
func (s *Server) findTagProduct(ctx context.Context, code string) (*pos.Product, error) {
	if !validTagCode(code) {
		return nil, errUnknownTag()
	}
	sku, err := s.TagService.FindSKUByTag(ctx, code)
	if pos.ErrorCode(err) == pos.CodeNotFound {
		return nil, errUnknownTag()
	} else if err != nil {
		return nil, err
	}
	p, err := s.CatalogService.FindProductBySKU(ctx, sku)
	if pos.ErrorCode(err) == pos.CodeNotFound {
		return nil, errUnknownTag()
	}
	return p, err
}

// nearbyView is another shop's stock as a shopper sees it.
type nearbyView struct {
	Store        string `json:"store"`
	StoreName    string `json:"store_name"`
	Availability string `json:"availability"`
}

// maxNearby bounds the shops listed.
const maxNearby = 20

// nearby lists other shops' stock of p, this shop left out.
func (s *Server) nearby(ctx context.Context, p *pos.Product) ([]nearbyView, error) {
	out := []nearbyView{}
	if s.RemoteStockService == nil {
		return out, nil
	}
	rows, err := s.RemoteStockService.FindRemoteStock(ctx, p.SKU)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if len(out) == maxNearby {
			break
		}
		if r.Store == s.StoreID {
			continue
		}
		name := r.StoreName
		if name == "" {
			name = r.Store
		}
		out = append(out, nearbyView{Store: r.Store, StoreName: name, Availability: stockLevel(r.Available, p.Unit)})
	}
	return out, nil
}

// priceNow is what a product costs now: the regular price in force, the
// promotion if one applies, and the price charged (promotion included).
type priceNow struct {
	ok      bool // a price is in force
	regular int64
	promo   *pos.Promotion
	charged int64
	since   time.Time // when the charged price took effect (price point or promotion)
}

func pricedAt(p *pos.Product, now time.Time) priceNow {
	var pn priceNow
	pn.regular, pn.ok = p.PriceAt(now)
	if !pn.ok {
		return pn
	}
	pn.promo, pn.charged = p.PromoAt(now, pn.regular)
	for _, pp := range p.Prices {
		if !pp.EffectiveFrom.After(now) && pp.EffectiveFrom.After(pn.since) {
			pn.since = pp.EffectiveFrom
		}
	}
	if pn.promo != nil && pn.promo.From.After(pn.since) {
		pn.since = pn.promo.From
	}
	return pn
}

// identifiedID is the customer ID of a shopper, "" when anonymous.
func identifiedID(sh *shopper) string {
	if sh == nil {
		return ""
	}
	return sh.CustomerID
}

// trimRunes cuts s to at most n runes, marking the cut with "…".
func trimRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return strings.TrimSpace(s[:j]) + "…"
		}
		i++
	}
	return s
}
