package edge

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// instoreView is what a tag's QR opens: GET /api/v1/instore/tags/{code}
// returns it as JSON and GET /t/{code} renders it as HTML.
type instoreView struct {
	Code          string             `json:"code"`
	Product       shopperProductView `json:"product"`
	PersonalPrice *pos.Money         `json:"personal_price"`
	Identified    bool               `json:"identified"`
	StockHere     string             `json:"stock_here"`
	Nearby        []nearbyView       `json:"nearby"`
	Actions       actionsView        `json:"actions"`
}

// shopperProductView is a product as a shopper sees it: no stock count,
// no cost data, the price in force now.
type shopperProductView struct {
	SKU         string         `json:"sku"`
	Name        string         `json:"name"`
	NameEn      string         `json:"name_en"`
	Description string         `json:"description"`
	Specs       []pos.Spec     `json:"specs"`
	Images      []string       `json:"images"`
	Unit        pos.Unit       `json:"unit"`
	PriceUnit   string         `json:"price_unit"`
	Price       *pos.Money     `json:"price"`
	PromoPrice  *pos.Money     `json:"promo_price"`
	Promotion   *promotionView `json:"promotion"`
	Rating      int64          `json:"rating"` // tenths of a star, 0-50
	ReviewCount int64          `json:"review_count"`
	Reviews     []pos.Review   `json:"reviews"`
}

// actionsView tells the app where to send what the page's forms send.
type actionsView struct {
	Reserve string `json:"reserve"`
	Order   string `json:"order"`
}

// handleInstoreTag returns a tag's product for the app's in-store mode.
func (s *Server) handleInstoreTag(c fiber.Ctx) error {
	code, err := param(c, "code")
	if err != nil {
		return err
	}
	sh := s.identify(c)
	p, err := s.findTagProduct(c.Context(), code)
	if err != nil {
		return err
	}
	v, err := s.newInstoreView(c.Context(), code, p, sh, s.now())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(v)
}

// newInstoreView builds the shopper's view of p at now. The personal price
// is only the identified shopper's own, and only when they have a
// discount; it is the till's rule (pos.PersonalPrice on the price charged).
func (s *Server) newInstoreView(ctx context.Context, code string, p *pos.Product, sh *shopper, now time.Time) (*instoreView, error) {
	v := &instoreView{
		Code: code, Product: newShopperProduct(p, now), Identified: sh != nil,
		StockHere: stockLevel(p.Stock.Available, p.Unit),
		Actions:   actionsView{Reserve: "/api/v1/reservations", Order: "/api/v1/orders"},
	}
	pct, err := s.personalDiscount(ctx, sh)
	if err != nil {
		return nil, err
	}
	if pn := pricedAt(p, now); pn.ok && pct > 0 {
		v.PersonalPrice = &pos.Money{Amount: pos.PersonalPrice(pn.charged, pct), Currency: p.Currency}
	}
	if v.Nearby, err = s.nearby(ctx, p); err != nil {
		return nil, err
	}
	return v, nil
}

func newShopperProduct(p *pos.Product, now time.Time) shopperProductView {
	v := shopperProductView{
		SKU: p.SKU, Name: p.Name, NameEn: p.NameEn, Description: p.Description,
		Specs: nonNil(p.Specs), Images: nonNil(p.Images), Unit: p.Unit, PriceUnit: p.Unit.PriceUnit(),
		Rating: p.Rating, ReviewCount: p.ReviewCount, Reviews: nonNil(p.Reviews),
	}
	if pn := pricedAt(p, now); pn.ok {
		v.Price = &pos.Money{Amount: pn.regular, Currency: p.Currency}
		if pn.promo != nil {
			v.PromoPrice = &pos.Money{Amount: pn.charged, Currency: p.Currency}
			v.Promotion = &promotionView{Kind: pn.promo.Kind, Value: pn.promo.Value, From: pn.promo.From.UTC(), To: pn.promo.To.UTC()}
		}
	}
	return v
}
