package pos

import "errors"

// ValidateBarcode checks that b is an EAN-13, EAN-8 or UPC-A code with a
// correct check digit. Anything else is refused: a mistyped code must never
// find another product.
func ValidateBarcode(b string) error {
	switch len(b) {
	case 8, 12, 13:
	default:
		return errors.New("barcode must be EAN-13, EAN-8 or UPC-A (8, 12 or 13 digits)")
	}
	for i := 0; i < len(b); i++ {
		if b[i] < '0' || b[i] > '9' {
			return errors.New("barcode must be digits only")
		}
	}
	if CheckDigit(b[:len(b)-1]) != b[len(b)-1] {
		return errors.New("barcode check digit is wrong")
	}
	return nil
}

// CheckDigit returns the GS1 check digit for the digits of body (EAN-8,
// UPC-A and EAN-13 share the rule: weights 3,1,3,… from the right).
func CheckDigit(body string) byte {
	sum := 0
	for i := 0; i < len(body); i++ {
		d := int(body[len(body)-1-i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// CanonicalBarcode maps a UPC-A code to its EAN-13 form ("0" + UPC-A) so
// that a scanner sending either finds the same product. Other codes are
// returned unchanged.
func CanonicalBarcode(b string) string {
	if len(b) == 12 {
		return "0" + b
	}
	return b
}
