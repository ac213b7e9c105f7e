package edge

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// The two forms of /t/{code} post here without JavaScript: "reserve here
// for 24 h" (quantity 1) and "order to this shop". A refused post shows the
// tag page again with the reason next to the form and the phone as typed.

// reservedPage is the model of templates/reserved.html.
type reservedPage struct {
	pageBase
	Name      string
	ShortCode string
	QRURL     string
	ExpiresAt string
	BackURL   string
}

// orderedPage is the model of templates/ordered.html.
type orderedPage struct {
	pageBase
	Name    string
	BackURL string
}

// tagForm is a checked form post: the tag's product, the shopper and the
// phone to use.
type tagForm struct {
	lang, code string
	product    *pos.Product
	shopper    *shopper
	phone      string // as typed ("" lets an identified shopper use their own)
}

// handleTagReserve reserves one unit of the tag's product and shows the
// pickup code and QR.
func (s *Server) handleTagReserve(c fiber.Ctx) error {
	f, done, err := s.readTagForm(c)
	if done || err != nil {
		return err
	}
	phone, err := s.placer(c, f.phone, f.shopper)
	if err != nil {
		return s.refuseTagForm(c, f, err)
	}
	req := pos.ReservationRequest{SKU: f.product.SKU, Qty: 1, Phone: phone, CustomerID: identifiedID(f.shopper)}
	if err := req.Validate(); err != nil {
		return s.refuseTagForm(c, f, err)
	}
	r, err := s.ReservationService.CreateReservation(c.Context(), &req)
	if err != nil {
		return s.refuseTagForm(c, f, err)
	}
	return s.render(c, http.StatusOK, "reserved", f.lang, reservedPage{
		pageBase:  pageBase{Lang: f.lang, Title: translate(f.lang, "reserved_title"), SwitchURL: tagURL(f.code, otherLang(f.lang))},
		Name:      productName(&shopperProductView{Name: f.product.Name, NameEn: f.product.NameEn}, f.lang),
		ShortCode: r.ShortCode, QRURL: pickupQRURL(r.Code),
		ExpiresAt: formatDateTime(r.ExpiresAt, f.lang), BackURL: tagURL(f.code, f.lang),
	})
}

// handleTagOrder asks central to bring one unit to this shop.
func (s *Server) handleTagOrder(c fiber.Ctx) error {
	f, done, err := s.readTagForm(c)
	if done || err != nil {
		return err
	}
	phone, err := s.placer(c, f.phone, f.shopper)
	if err != nil {
		return s.refuseTagForm(c, f, err)
	}
	req := pos.OrderRequest{SKU: f.product.SKU, Qty: 1, Phone: phone, CustomerID: identifiedID(f.shopper)}
	if err := req.Validate(); err != nil {
		return s.refuseTagForm(c, f, err)
	}
	if _, err := s.ReservationService.CreateOrder(c.Context(), &req); err != nil {
		return s.refuseTagForm(c, f, err)
	}
	return s.render(c, http.StatusOK, "ordered", f.lang, orderedPage{
		pageBase: pageBase{Lang: f.lang, Title: translate(f.lang, "ordered_title"), SwitchURL: tagURL(f.code, otherLang(f.lang))},
		Name:     productName(&shopperProductView{Name: f.product.Name, NameEn: f.product.NameEn}, f.lang),
		BackURL:  tagURL(f.code, f.lang),
	})
}

// readTagForm resolves the tag and checks the form token. done is true
// when it has already answered (an unknown tag, a stale form).
func (s *Server) readTagForm(c fiber.Ctx) (f *tagForm, done bool, err error) {
	args := c.Request().PostArgs()
	code, err := param(c, "code")
	if err != nil {
		return nil, true, err
	}
	f = &tagForm{lang: formLang(string(args.Peek("lang")), c), code: code, shopper: s.identify(c)}
	if f.product, err = s.findTagProduct(c.Context(), f.code); err != nil {
		return nil, true, s.pageError(c, f.lang, f.code, err)
	}
	f.phone = strings.TrimSpace(string(args.Peek("phone")))
	if !s.forms.valid(string(args.Peek("ft")), f.code, identifiedID(f.shopper), s.now()) {
		return nil, true, s.renderTagPage(c, http.StatusForbidden, f.lang, f.code, f.product, f.shopper, &formState{phone: trimRunes(f.phone, 32), errKey: "err_form"})
	}
	return f, false, nil
}

// refuseTagForm shows the tag page again with what went wrong. Errors a
// shopper cannot fix by editing the form are an error page.
func (s *Server) refuseTagForm(c fiber.Ctx, f *tagForm, err error) error {
	var key string
	switch code := pos.ErrorCode(err); {
	case code == pos.CodeValidationFailed && pos.ErrorField(err) == "phone":
		key = "err_phone"
	case code == pos.CodeInsufficientStock:
		key = "err_stock"
	case code == pos.CodeTooManyRequests:
		key = "err_limit"
	case code == pos.CodeInternal:
		return s.pageError(c, f.lang, f.code, err)
	default:
		key = "err_generic"
	}
	status := ErrorStatusCode(pos.ErrorCode(err))
	return s.renderTagPage(c, status, f.lang, f.code, f.product, f.shopper, &formState{phone: trimRunes(f.phone, 32), errKey: key})
}

// formLang is the language a form was shown in, or else the request's.
func formLang(posted string, c fiber.Ctx) string {
	if posted == langRU || posted == langEN {
		return posted
	}
	return pickLang(c)
}

// pickupQRURL is where the pickup QR of a reservation is served.
func pickupQRURL(code string) string {
	return "/api/v1/reservations/" + url.PathEscape(code) + "/qr.png"
}
