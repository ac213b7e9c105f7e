package edge

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// productView is a product as the API shows it: the price in force now
// rather than the price list.
type productView struct {
	SKU             string          `json:"sku"`
	Name            string          `json:"name"`
	NameEn          string          `json:"name_en"`
	Description     string          `json:"description"`
	Barcodes        []string        `json:"barcodes"`
	ScaleCode       string          `json:"scale_code,omitempty"`
	Category        string          `json:"category"`
	Unit            pos.Unit        `json:"unit"`
	PriceUnit       string          `json:"price_unit"`
	Price           *pos.Money      `json:"price"`
	PromoPrice      *pos.Money      `json:"promo_price"`
	Promotion       *promotionView  `json:"promotion"`
	VATRate         int64           `json:"vat_rate"`
	Specs           []pos.Spec      `json:"specs"`
	Images          []string        `json:"images"`
	Stock           pos.Stock       `json:"stock"`
	StockElsewhere  []storeStockRow `json:"stock_elsewhere"`
	NextPriceChange *time.Time      `json:"next_price_change"`
}

type promotionView struct {
	Kind  string    `json:"kind"`
	Value int64     `json:"value"`
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
}

// storeStockRow is another shop's stock of the product. pos.Product carries
// none yet, so the list is always empty.
type storeStockRow struct {
	StoreID   string `json:"store_id"`
	Available int64  `json:"available"`
}

// newProductView shows p as of now. A product with no price in force has a
// null price (it cannot be sold yet).
func newProductView(p *pos.Product, now time.Time) productView {
	v := productView{
		SKU: p.SKU, Name: p.Name, NameEn: p.NameEn, Description: p.Description,
		Barcodes: nonNil(p.Barcodes), Category: p.Category, Unit: p.Unit,
		PriceUnit: p.Unit.PriceUnit(), VATRate: p.VATRate,
		Specs: nonNil(p.Specs), Images: nonNil(p.Images), Stock: p.Stock,
		StockElsewhere: []storeStockRow{},
	}
	v.ScaleCode = p.ScaleCode // the code in the labels of the shop's scales
	if regular, ok := p.PriceAt(now); ok {
		v.Price = &pos.Money{Amount: regular, Currency: p.Currency}
		if promo, price := p.PromoAt(now, regular); promo != nil {
			v.PromoPrice = &pos.Money{Amount: price, Currency: p.Currency}
			v.Promotion = &promotionView{Kind: promo.Kind, Value: promo.Value, From: promo.From.UTC(), To: promo.To.UTC()}
		}
	}
	if next := p.NextPriceChange(now); !next.IsZero() {
		next = next.UTC()
		v.NextPriceChange = &next
	}
	return v
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) registerProductRoutes(app *fiber.App) {
	app.Get("/api/v1/products", s.authenticate, s.handleListProducts)
	app.Get("/api/v1/products/:sku", s.authenticate, s.handleGetProduct)
	app.Get("/api/v1/barcodes/:ean", s.authenticate, s.handleGetBarcode)
}

// handleListProducts searches the catalog: ?q=&limit=&cursor=.
func (s *Server) handleListProducts(c fiber.Ctx) error {
	f := pos.ProductFilter{Query: strings.Clone(strings.TrimSpace(c.Query("q")))}
	if utf8.RuneCountInString(f.Query) > 200 {
		return pos.FieldErrorf("q", "q is at most 200 characters")
	}
	var err error
	if f.Limit, err = parseLimit(c); err != nil {
		return err
	}
	if f.Cursor, err = parseCursor(c); err != nil {
		return err
	}
	items, next, err := s.CatalogService.FindProducts(c.Context(), f)
	if err != nil {
		return err
	}
	now := s.now()
	return c.JSON(newPage(items, next, func(p *pos.Product) productView { return newProductView(p, now) }))
}

// handleGetProduct returns one product by SKU.
func (s *Server) handleGetProduct(c fiber.Ctx) error {
	sku, err := param(c, "sku")
	if err != nil {
		return err
	}
	if !pos.ValidSKU(sku) {
		return pos.FieldErrorf("sku", "sku must be 1-64 characters of letters, digits, '-', '_' or '.'")
	}
	p, err := s.CatalogService.FindProductBySKU(c.Context(), sku)
	if err != nil {
		return err
	}
	return c.JSON(newProductView(p, s.now()))
}

// handleGetBarcode returns the product a scanned barcode belongs to.
func (s *Server) handleGetBarcode(c fiber.Ctx) error {
	ean, err := param(c, "ean")
	if err != nil {
		return err
	}
	if !validEAN(ean) {
		return pos.FieldErrorf("ean", "ean must be 1 to 14 digits")
	}
	now := s.now()
	p, label, err := s.findScanned(c, ean, "ean", now)
	if err != nil {
		return err
	}
	if label != nil {
		return c.JSON(struct {
			productView
			ScaleLabel *scaleLabelView `json:"scale_label"`
		}{newProductView(p, now), label})
	}
	return c.JSON(newProductView(p, now))
}

// validEAN accepts the digits of any GTIN (up to 14). The check digit is the
// catalog's business: an unknown code is simply not found.
func validEAN(s string) bool {
	if len(s) == 0 || len(s) > 14 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
