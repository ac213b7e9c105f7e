package edge

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// scaleLabelView is what a scanned scale label says: the quantity in sale
// units (grams of weighed goods) and the price of the labelled goods (the
// one printed on it, or the quantity at the price in force).
type scaleLabelView struct {
	Qty   int64      `json:"qty"`
	Unit  pos.Unit   `json:"unit"`
	Price *pos.Money `json:"price,omitempty"`
}

// findScanned finds the product of a scanned code: a barcode of the
// catalog first (shops also give in-store codes of the 20-29 range to
// goods sold by the piece), else a scale label (per s.ScaleFormat) by its
// item code, with the label's reading. field names the code in errors. Codes:
// unknown_scale_code (422), not_found, validation_failed (a label's check
// digit, a label that weighs nothing).
func (s *Server) findScanned(c fiber.Ctx, code, field string, now time.Time) (*pos.Product, *scaleLabelView, error) {
	p, err := s.CatalogService.FindProductByBarcode(c.Context(), code)
	if pos.ErrorCode(err) != pos.CodeNotFound {
		return p, nil, err
	}
	label, ok, lerr := s.ScaleFormat.ParseScaleLabel(code)
	if lerr != nil {
		return nil, nil, atField(lerr, field)
	} else if !ok {
		return nil, nil, err
	}
	p, err = s.CatalogService.FindProductByScaleCode(c.Context(), label.Code)
	if pos.ErrorCode(err) == pos.CodeNotFound {
		return nil, nil, pos.ErrUnknownScaleCode(field, label.Code)
	} else if err != nil {
		return nil, nil, err
	}
	qty, err := label.Qty(p, now)
	if err != nil {
		return nil, nil, atField(err, field)
	}
	v := &scaleLabelView{Qty: qty, Unit: p.Unit}
	if price, ok := label.LabelPrice(p, qty, now); ok {
		v.Price = &pos.Money{Amount: price, Currency: p.Currency}
	}
	return p, v, nil
}

// atField returns a copy of a domain error about field; others unchanged.
func atField(err error, field string) error {
	var e *pos.Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Field = field
	return &c
}
