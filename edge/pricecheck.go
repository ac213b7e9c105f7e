package edge

import (
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// Price check: GET /api/v1/price-check/{barcode} for price-check scanners
// and kiosks. It is on the hot path of every shelf scan, so it does one
// catalog lookup and writes its small fixed shape by hand into a pooled
// buffer (the same bytes encoding/json would write; a test holds it to
// that). A kiosk is a public screen: it shows the stock as a word and
// whether the item can be bought, never a count.

// priceCheckView documents the shape appendPriceCheck writes.
type priceCheckView struct {
	SKU        string         `json:"sku"`
	Name       string         `json:"name"`
	NameEn     string         `json:"name_en"`
	Price      *pos.Money     `json:"price"`
	PromoPrice *pos.Money     `json:"promo_price"`
	Promotion  *promotionView `json:"promotion"`
	Unit       pos.Unit       `json:"unit"`
	PriceUnit  string         `json:"price_unit"`
	StockHere  string         `json:"stock_here"`
	Available  bool           `json:"available"` // a price is in force and stock is here
}

var jsonBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// handlePriceCheck answers a scanned barcode.
func (s *Server) handlePriceCheck(c fiber.Ctx) error {
	barcode := c.Params("barcode")
	if !validEAN(barcode) { // digits only: no control character gets past
		return pos.FieldErrorf("barcode", "barcode must be 1 to 14 digits")
	}
	now := s.now()
	p, label, err := s.findScanned(c, strings.Clone(barcode), "barcode", now)
	if err != nil {
		return err
	}
	if label != nil { // a scale label: rare enough for encoding/json
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(struct {
			priceCheckView
			ScaleLabel *scaleLabelView `json:"scale_label"`
		}{newPriceCheck(p, now), label})
	}
	bp := jsonBuffers.Get().(*[]byte)
	defer jsonBuffers.Put(bp)
	*bp = appendPriceCheck((*bp)[:0], newPriceCheck(p, now))
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Response().SetBody(*bp) // copies: the buffer goes back to the pool
	return nil
}

func newPriceCheck(p *pos.Product, now time.Time) priceCheckView {
	v := priceCheckView{
		SKU: p.SKU, Name: p.Name, NameEn: p.NameEn, Unit: p.Unit, PriceUnit: p.Unit.PriceUnit(),
		StockHere: stockLevel(p.Stock.Available, p.Unit),
	}
	pn := pricedAt(p, now)
	if pn.ok {
		v.Price = &pos.Money{Amount: pn.regular, Currency: p.Currency}
		if pn.promo != nil {
			v.PromoPrice = &pos.Money{Amount: pn.charged, Currency: p.Currency}
			v.Promotion = &promotionView{Kind: pn.promo.Kind, Value: pn.promo.Value, From: pn.promo.From.UTC(), To: pn.promo.To.UTC()}
		}
	}
	v.Available = pn.ok && p.Stock.Available > 0
	return v
}

// appendPriceCheck writes v as encoding/json would.
func appendPriceCheck(b []byte, v priceCheckView) []byte {
	b = append(b, `{"sku":`...)
	b = appendJSONString(b, v.SKU)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, v.Name)
	b = append(b, `,"name_en":`...)
	b = appendJSONString(b, v.NameEn)
	b = append(b, `,"price":`...)
	b = appendMoney(b, v.Price)
	b = append(b, `,"promo_price":`...)
	b = appendMoney(b, v.PromoPrice)
	b = append(b, `,"promotion":`...)
	b = appendPromotion(b, v.Promotion)
	b = append(b, `,"unit":`...)
	b = appendJSONString(b, string(v.Unit))
	b = append(b, `,"price_unit":`...)
	b = appendJSONString(b, v.PriceUnit)
	b = append(b, `,"stock_here":`...)
	b = appendJSONString(b, v.StockHere)
	b = append(b, `,"available":`...)
	b = strconv.AppendBool(b, v.Available)
	return append(b, '}')
}

func appendMoney(b []byte, m *pos.Money) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"amount":`...)
	b = strconv.AppendInt(b, m.Amount, 10)
	b = append(b, `,"currency":`...)
	b = appendJSONString(b, m.Currency)
	return append(b, '}')
}

func appendPromotion(b []byte, p *promotionView) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"kind":`...)
	b = appendJSONString(b, p.Kind)
	b = append(b, `,"value":`...)
	b = strconv.AppendInt(b, p.Value, 10)
	b = append(b, `,"from":"`...)
	b = p.From.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","to":"`...)
	b = p.To.AppendFormat(b, time.RFC3339Nano)
	return append(b, `"}`...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does: HTML-safe, invalid
// UTF-8 as U+FFFD, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = appendEscapedByte(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			}
			start = i + size
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendEscapedByte(b []byte, c byte) []byte {
	switch c {
	case '\\', '"':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}
