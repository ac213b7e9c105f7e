package pos

import "time"

// BarcodeLookup finds the product of a scanned code: by barcode, or by
// the item code of a scale label. Either returns nil (or not_found) when
// no product has it.
type BarcodeLookup struct {
	ByBarcode   func(barcode string) (*Product, error)
	ByScaleCode func(code string) (*Product, error)
}

// ResolveBarcodes returns req with the SKU and qty of every line that
// names a barcode filled in: a barcode of the catalog as the product's
// own, qty 1 unless given (an exact barcode wins: shops also give in-store
// codes of the 20-29 range to goods sold by the piece); else a scale
// label (per f) by its item code, with the quantity the label gives. The line keeps its barcode. req itself is never
// changed (a group commit may run its caller twice), and resolving a
// resolved request again gives the same lines. Codes, with fields under
// lines[i]: unknown_scale_code and unknown_sku (barcode), validation_failed
// (barcode: a label's wrong check digit; sku: not the barcode's product;
// qty: other than the label's).
func ResolveBarcodes(req *SaleRequest, f ScaleFormat, find BarcodeLookup, at time.Time) (*SaleRequest, error) {
	out := *req
	out.Lines = make([]SaleLineRequest, len(req.Lines))
	for i, l := range req.Lines {
		if l.Barcode != "" {
			var err error
			if l, err = resolveLine(l, f, find, at); err != nil {
				return nil, lineError(err, i)
			}
		}
		out.Lines[i] = l
	}
	return &out, nil
}

// resolveLine resolves one barcode line; errors carry fields relative to
// the line.
func resolveLine(l SaleLineRequest, f ScaleFormat, find BarcodeLookup, at time.Time) (SaleLineRequest, error) {
	p, err := find.ByBarcode(CanonicalBarcode(l.Barcode))
	if err != nil && ErrorCode(err) != CodeNotFound {
		return l, err
	}
	var label ScaleLabel
	var isLabel bool
	if p == nil {
		if label, isLabel, err = f.ParseScaleLabel(l.Barcode); err != nil {
			return l, err
		} else if isLabel {
			p, err = find.ByScaleCode(label.Code)
		}
	}
	switch {
	case (err == nil && p == nil) || ErrorCode(err) == CodeNotFound:
		if isLabel {
			return l, ErrUnknownScaleCode("barcode", label.Code)
		}
		return l, &Error{Code: CodeUnknownSKU, Field: "barcode", Message: "No product has barcode " + l.Barcode + "."}
	case err != nil:
		return l, err
	case l.SKU != "" && l.SKU != p.SKU:
		return l, FieldErrorf("sku", "barcode %s is SKU %s, not %s", l.Barcode, p.SKU, l.SKU)
	}
	qty := max(l.Qty, 1)
	if isLabel {
		if qty, err = label.Qty(p, at); err != nil {
			return l, err
		}
		if l.Qty != 0 && l.Qty != qty {
			return l, FieldErrorf("qty", "qty comes from the scale label (%d)", qty)
		}
	}
	l.SKU, l.Qty = p.SKU, qty
	return l, nil
}
