package edge

import (
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/storeedge/storeedge/pos"
)

// Phones that shoppers type. A reservation or an order is made for a phone
// number, and a phone number costs nothing to make up: pos.NormalizePhone
// checks only its shape ("12345678" passed), so here it must be a number
// that can exist in the shop's country, by libphonenumber's metadata.
//
// This lives in edge, not pos: pos is stdlib only (README's packages
// table), libphonenumber loads its metadata at start-up, and the check
// belongs to the boundary where a shopper types. Staff-typed phones (a
// customer at the till) and central's customer data keep
// pos.NormalizePhone, since a loyalty customer may have a foreign number.

// DefaultPhoneRegion is the country of shoppers' phones when none is set.
const DefaultPhoneRegion = "RU"

// maxPhoneInput bounds a typed phone; real ones with spaces and dashes are
// far shorter.
const maxPhoneInput = 32

// ValidPhoneRegion reports whether region is a country code (ISO 3166-1
// alpha-2, upper case) that phone numbers can be checked for.
func ValidPhoneRegion(region string) bool {
	return phonenumbers.GetSupportedRegions()[region]
}

// phoneRegion is the shop's country for phones.
func (s *Server) phoneRegion() string {
	if s.PhoneRegion == "" {
		return DefaultPhoneRegion
	}
	return s.PhoneRegion
}

// shopperPhone returns the phone, in E.164, that a reservation or order is
// for: the one typed, which must be a real number of the shop's country, or
// else the identified shopper's own (the chain vouches for it in the
// token). Codes: validation_failed (field phone).
func (s *Server) shopperPhone(typed string, sh *shopper) (string, error) {
	typed = strings.TrimSpace(typed)
	switch {
	case typed == "" && sh != nil && sh.Phone != "":
		return sh.Phone, nil
	case typed == "":
		return "", pos.FieldErrorf("phone", "phone is required")
	}
	return normalizeShopperPhone(typed, s.phoneRegion())
}

// normalizeShopperPhone parses a phone typed in the shop's country (a
// national form such as 8 916 123-45-67 or an international one) and
// returns it in E.164 when it is a valid number of region.
func normalizeShopperPhone(typed, region string) (string, error) {
	if len(typed) <= maxPhoneInput {
		n, err := phonenumbers.Parse(typed, region)
		if err == nil && phonenumbers.IsValidNumberForRegion(n, region) {
			return phonenumbers.Format(n, phonenumbers.E164), nil
		}
	}
	return "", pos.FieldErrorf("phone", "phone must be a real phone number of this shop's country (%s), e.g. %s", region, examplePhone(region))
}

// examplePhone is a mobile number of region as people write it.
func examplePhone(region string) string {
	n := phonenumbers.GetExampleNumberForType(region, phonenumbers.MOBILE)
	if n == nil {
		return "+..."
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}
