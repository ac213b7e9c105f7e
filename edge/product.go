package edge

import (
	"cmp"
	"context"
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

// storeStockRow is another shop's stock of the product, from the stock
// stream central sends: as of At, AgeS seconds before the answer, so a
// cashier can tell a count from this morning from last week's.
type storeStockRow struct {
	Store     string    `json:"store"`
	StoreName string    `json:"store_name"`
	Available int64     `json:"available"`
	At        time.Time `json:"at"`
	AgeS      int64     `json:"age_s"`
}

// maxStockElsewhere bounds the shops listed on one product.
const maxStockElsewhere = 50

// withStockElsewhere fills v's stock_elsewhere from the stock stream, this
// shop left out. Lists of products leave it empty: one lookup per product
// would slow a search down for a column nobody reads there.
func (s *Server) withStockElsewhere(ctx context.Context, v *productView, now time.Time) error {
	if s.RemoteStockService == nil {
		return nil
	}
	rows, err := s.RemoteStockService.FindRemoteStock(ctx, v.SKU)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if r.Store == s.StoreID || len(v.StockElsewhere) == maxStockElsewhere {
			continue
		}
		name := cmp.Or(r.StoreName, r.Store)
		age := max(int64(now.Sub(r.At)/time.Second), 0)
		v.StockElsewhere = append(v.StockElsewhere, storeStockRow{Store: r.Store, StoreName: name,
			Available: r.Available, At: r.At.UTC(), AgeS: age})
	}
	return nil
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
	return s.productWithElsewhere(c, p)
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

// productWithElsewhere answers with one product and its stock elsewhere.
func (s *Server) productWithElsewhere(c fiber.Ctx, p *pos.Product) error {
	now := s.now()
	v := newProductView(p, now)
	if err := s.withStockElsewhere(c.Context(), &v, now); err != nil {
		return err
	}
	return c.JSON(v)
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
