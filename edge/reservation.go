package edge

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// reservationView is a reservation as the API shows it. The phone and the
// sale are shown to staff only: whoever holds a code (a photo of the
// pickup QR is enough) must not learn whose reservation it is.
type reservationView struct {
	Code        string     `json:"code"`
	ShortCode   string     `json:"short_code"`
	SKU         string     `json:"sku"`
	Name        string     `json:"name"`
	Qty         int64      `json:"qty"`
	Status      string     `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	ExpiresAt   time.Time  `json:"expires_at"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	PickupQRURL string     `json:"pickup_qr_url"`
	Phone       string     `json:"phone,omitempty"`
	SaleID      string     `json:"sale_id,omitempty"`
	// Items is what the till collects, for staff only: a reservation
	// holds one SKU today, and the list leaves room for more.
	Items []reservationItem `json:"items,omitempty"`
}

// reservationItem is one reserved SKU as the till shows it.
type reservationItem struct {
	SKU  string   `json:"sku"`
	Name string   `json:"name"`
	Qty  int64    `json:"qty"`
	Unit pos.Unit `json:"unit,omitempty"`
}

// newReservationView shows r at now; an active reservation past its hold
// that the sweeper has not released yet already shows as expired.
func newReservationView(r *pos.Reservation, staff bool, now time.Time) reservationView {
	v := reservationView{
		Code: r.Code, ShortCode: r.ShortCode, SKU: r.SKU, Name: r.Name, Qty: r.Qty,
		Status: r.Status, CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(),
		PickupQRURL: pickupQRURL(r.Code),
	}
	if r.Status == pos.ReservationActive && !r.Active(now) {
		v.Status = pos.ReservationExpired
	}
	if !r.ClosedAt.IsZero() {
		t := r.ClosedAt.UTC()
		v.ClosedAt = &t
	}
	if staff {
		v.Phone, v.SaleID = r.Phone, r.SaleID
	}
	return v
}

// handleCreateReservation holds stock for a shopper: {"sku","qty","phone"}.
// An identified shopper (customer token) may leave the phone out; one who
// is not is anonymous, and the storage applies pos.AnonymousLimits.
func (s *Server) handleCreateReservation(c fiber.Ctx) error {
	var req pos.ReservationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	sh := s.identify(c)
	phone, err := s.placer(c, req.Phone, sh)
	if err != nil {
		return err
	}
	req.Phone, req.CustomerID = phone, identifiedID(sh)
	if err := req.Validate(); err != nil {
		return err
	}
	r, err := s.ReservationService.CreateReservation(c.Context(), &req)
	if err != nil {
		return err
	}
	c.Location("/api/v1/reservations/" + url.PathEscape(r.Code))
	return c.Status(fiber.StatusCreated).JSON(newReservationView(r, false, s.now()))
}

// handleGetReservation shows a reservation to whoever has its code; staff
// (a bearer token) also see the phone.
func (s *Server) handleGetReservation(c fiber.Ctx) error {
	code, err := reservationCode(c)
	if err != nil {
		return err
	}
	staff, err := s.staff(c)
	if err != nil {
		return err
	}
	r, err := s.findReservation(c, code, staff)
	if err != nil {
		return err
	}
	v := newReservationView(r, staff, s.now())
	if staff {
		v.Items = []reservationItem{{SKU: r.SKU, Name: r.Name, Qty: r.Qty, Unit: s.unitOf(c, r.SKU)}}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(v)
}

// findReservation finds a reservation by its full code or, for staff
// only, by the 6-digit short code the shopper reads out: a shopper with a
// short code alone could walk through a million codes, a till cannot
// without its token.
func (s *Server) findReservation(c fiber.Ctx, code string, staff bool) (*pos.Reservation, error) {
	if staff && pos.IsShortCode(code) {
		return s.ReservationService.FindActiveReservationByShortCode(c.Context(), code)
	}
	return s.ReservationService.FindReservation(c.Context(), code)
}

// unitOf returns the sale unit of a SKU; "" when the catalog no longer
// has it (the reservation still shows).
func (s *Server) unitOf(c fiber.Ctx, sku string) pos.Unit {
	p, err := s.CatalogService.FindProductBySKU(c.Context(), sku)
	if err != nil {
		return ""
	}
	return p.Unit
}

// handleCancelReservation releases a reservation: the shopper with the
// code may, and so may staff.
func (s *Server) handleCancelReservation(c fiber.Ctx) error {
	code, err := reservationCode(c)
	if err != nil {
		return err
	}
	staff, err := s.staff(c)
	if err != nil {
		return err
	}
	r, err := s.ReservationService.CancelReservation(c.Context(), code)
	if err != nil {
		return err
	}
	return c.JSON(newReservationView(r, staff, s.now()))
}

// handleReservationQR serves the pickup QR, which holds the reservation
// code itself so that a till's scanner types it into reservation_code.
// Only an existing code gets an image.
func (s *Server) handleReservationQR(c fiber.Ctx) error {
	code, err := reservationCode(c)
	if err != nil {
		return err
	}
	r, err := s.ReservationService.FindReservation(c.Context(), code)
	if err != nil {
		return err
	}
	png, err := s.QRPNG(r.Code)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(png)
}

// handleCreateOrder records a shopper's "order to this shop".
func (s *Server) handleCreateOrder(c fiber.Ctx) error {
	var req pos.OrderRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	sh := s.identify(c)
	phone, err := s.placer(c, req.Phone, sh)
	if err != nil {
		return err
	}
	req.Phone, req.CustomerID = phone, identifiedID(sh)
	if err := req.Validate(); err != nil {
		return err
	}
	o, err := s.ReservationService.CreateOrder(c.Context(), &req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(o)
}

// placer checks who places a reservation or an order: the phone it is for
// (shopperPhone) and that this client has not placed too many for it
// lately (allowPlace). It returns the phone in E.164.
func (s *Server) placer(c fiber.Ctx, typed string, sh *shopper) (string, error) {
	phone, err := s.shopperPhone(typed, sh)
	if err != nil {
		return "", err
	}
	return phone, s.allowPlace(c, phone)
}

// maxReservationCode bounds a code from outside; real ones are far shorter.
const maxReservationCode = 128

// reservationCode reads the :code parameter. Anything that cannot be a
// code is not_found, as an unknown one is.
func reservationCode(c fiber.Ctx) (string, error) {
	code := c.Params("code")
	if len(code) == 0 || len(code) > maxReservationCode {
		return "", errNoReservation()
	}
	for i := 0; i < len(code); i++ {
		if !urlSafe(code[i]) {
			return "", errNoReservation()
		}
	}
	return param(c, "code")
}

func errNoReservation() error { return pos.Errorf(pos.CodeNotFound, "no such reservation") }

// staff authenticates a request that carries a bearer token and reports
// whether it did; a request without one is a shopper's.
func (s *Server) staff(c fiber.Ctx) (bool, error) {
	token, ok := bearerToken(c.Get(fiber.HeaderAuthorization))
	if !ok {
		return false, nil
	}
	sess, err := s.AuthService.Authenticate(c.Context(), token)
	if err != nil {
		return false, err
	} else if sess == nil {
		return false, pos.Errorf(pos.CodeUnauthorized, "the session is not valid")
	}
	c.SetContext(pos.NewContextWithSession(c.Context(), sess))
	return true, nil
}
