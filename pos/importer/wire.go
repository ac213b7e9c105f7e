package importer

import (
	"bytes"
	"encoding/json"

	"github.com/storeedge/storeedge/pos"
)

// wireProduct is one product of a JSON import: pos.Product's field names,
// plus "price" for a single price and "stock" as a plain number. Numbers
// stay raw so that a float or a quoted number is refused with the field's
// path rather than rounded or misread.
type wireProduct struct {
	SKU         string          `json:"sku"`
	Name        string          `json:"name"`
	NameEn      string          `json:"name_en"`
	Description string          `json:"description"`
	Barcodes    []string        `json:"barcodes"`
	ScaleCode   string          `json:"scale_code"`
	Category    string          `json:"category"`
	Unit        string          `json:"unit"`
	VATRate     json.RawMessage `json:"vat_rate"`
	Specs       []pos.Spec      `json:"specs"`
	Images      []string        `json:"images"`
	Currency    string          `json:"currency"`
	Price       json.RawMessage `json:"price"`
	Prices      []wirePrice     `json:"prices"`
	Promotions  []wirePromo     `json:"promotions"`
	Stock       json.RawMessage `json:"stock"`
	UpdatedAt   string          `json:"updated_at"`
}

// wirePrice is a pos.PricePoint with a raw amount and a textual time.
type wirePrice struct {
	Amount        json.RawMessage `json:"amount"`
	EffectiveFrom string          `json:"effective_from"`
}

// wirePromo is a pos.Promotion with a raw value and textual times.
type wirePromo struct {
	ID    string          `json:"id"`
	Kind  string          `json:"kind"`
	Value json.RawMessage `json:"value"`
	From  string          `json:"from"`
	To    string          `json:"to"`
}

// wireStock is pos.Stock as exported; only on_hand is imported, since
// reservations belong to the shop, not to the catalog file.
type wireStock struct {
	OnHand    json.RawMessage `json:"on_hand"`
	Reserved  json.RawMessage `json:"reserved"`
	Available json.RawMessage `json:"available"`
}

// product converts w. Error fields are relative to the product.
func (w *wireProduct) product(d Defaults) (pos.ProductImport, *pos.Error) {
	p := pos.ProductImport{Product: pos.Product{
		SKU: w.SKU, Name: w.Name, NameEn: w.NameEn, Description: w.Description,
		Barcodes: w.Barcodes, ScaleCode: w.ScaleCode, Category: w.Category, Unit: pos.Unit(w.Unit),
		Specs: w.Specs, Images: w.Images, Currency: w.Currency, UpdatedAt: d.Now.UTC(),
	}}
	if p.Currency == "" {
		p.Currency = d.Currency
	}
	var err *pos.Error
	if p.VATRate, _, err = jsonWhole("vat_rate", w.VATRate, 0, 100); err != nil {
		return p, err
	}
	if p.Prices, err = w.prices(); err != nil {
		return p, err
	}
	if p.Promotions, err = w.promotions(d); err != nil {
		return p, err
	}
	if p.OnHand, p.StockSet, err = w.stock(); err != nil {
		return p, err
	}
	if w.UpdatedAt != "" {
		t, err := parseTime("updated_at", w.UpdatedAt)
		if err != nil {
			return p, pos.FieldErrorf("updated_at", "%v", err)
		}
		p.UpdatedAt = t.UTC()
	}
	return p, nil
}

// prices converts "price" or "prices"; a product gives one or the other.
func (w *wireProduct) prices() ([]pos.PricePoint, *pos.Error) {
	amount, ok, err := jsonMoney("price", w.Price)
	switch {
	case err != nil:
		return nil, err
	case ok && len(w.Prices) > 0:
		return nil, pos.FieldErrorf("price", "give either price or prices, not both")
	case ok:
		return []pos.PricePoint{{Amount: amount}}, nil
	case len(w.Prices) > MaxPricePoints:
		return nil, pos.FieldErrorf("prices", "a product has at most %d price points", MaxPricePoints)
	}
	out := make([]pos.PricePoint, 0, len(w.Prices))
	for i, wp := range w.Prices {
		f := fieldIndex("prices", i)
		amount, ok, err := jsonMoney(f+".amount", wp.Amount)
		if err != nil {
			return nil, err
		} else if !ok {
			return nil, pos.FieldErrorf(f+".amount", "%s.amount is required", f)
		}
		from, terr := parseTime(f+".effective_from", wp.EffectiveFrom)
		if terr != nil {
			return nil, pos.FieldErrorf(f+".effective_from", "%v", terr)
		}
		out = append(out, pos.PricePoint{Amount: amount, EffectiveFrom: from})
	}
	return out, nil
}

// promotions converts "promotions"; see parsePromo for the rules.
func (w *wireProduct) promotions(d Defaults) ([]pos.Promotion, *pos.Error) {
	if len(w.Promotions) > MaxPromotions {
		return nil, pos.FieldErrorf("promotions", "a product has at most %d promotions", MaxPromotions)
	}
	var out []pos.Promotion
	for i, wp := range w.Promotions {
		f := fieldIndex("promotions", i)
		names := [4]string{f + ".kind", f + ".value", f + ".from", f + ".to"}
		value, err := jsonNumber(names[1], wp.Value)
		if err != nil {
			return nil, err
		} else if value == "" {
			return nil, pos.FieldErrorf(names[1], "%s is required", names[1])
		}
		pr, err := parsePromo(names, wp.Kind, value, wp.From, wp.To, d.Now)
		if err != nil {
			return nil, err
		}
		pr.ID = wp.ID
		out = append(out, pr)
	}
	return out, nil
}

// stock converts "stock": a number, or pos.Stock's {"on_hand": n}.
func (w *wireProduct) stock() (int64, bool, *pos.Error) {
	raw, what := bytes.TrimSpace(w.Stock), "stock"
	if len(raw) > 0 && raw[0] == '{' {
		var s wireStock
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			return 0, false, pos.FieldErrorf("stock", "stock is a number or {\"on_hand\": n}: %v", err)
		} else if s.OnHand == nil {
			return 0, false, pos.FieldErrorf("stock.on_hand", "stock.on_hand is required")
		}
		raw, what = s.OnHand, "stock.on_hand"
	}
	return jsonWhole(what, raw, 0, pos.MaxAmount)
}

// jsonNumber returns the text of a JSON number, or "" when raw is absent
// or null. Strings are refused: "12990" in quotes is usually a spreadsheet
// export that also mangled other cells.
func jsonNumber(what string, raw json.RawMessage) (string, *pos.Error) {
	s := string(bytes.TrimSpace(raw))
	switch {
	case s == "" || s == "null":
		return "", nil
	case s[0] == '-' || s[0] >= '0' && s[0] <= '9':
		return s, nil
	case s[0] == '"':
		return "", pos.FieldErrorf(what, "%s must be a JSON number, not a string", what)
	}
	return "", pos.FieldErrorf(what, "%s must be a JSON number", what)
}

// jsonWhole parses an optional whole number from lo to hi.
func jsonWhole(what string, raw json.RawMessage, lo, hi int64) (int64, bool, *pos.Error) {
	s, err := jsonNumber(what, raw)
	if err != nil || s == "" {
		return 0, false, err
	}
	n, perr := parseWhole(what, s, lo, hi)
	if perr != nil {
		return 0, false, pos.FieldErrorf(what, "%v", perr)
	}
	return n, true, nil
}

// jsonMoney parses an optional amount of minor units.
func jsonMoney(what string, raw json.RawMessage) (int64, bool, *pos.Error) {
	s, err := jsonNumber(what, raw)
	if err != nil || s == "" {
		return 0, false, err
	}
	n, perr := parseMoney(what, s)
	if perr != nil {
		return 0, false, pos.FieldErrorf(what, "%v", perr)
	}
	return n, true, nil
}
