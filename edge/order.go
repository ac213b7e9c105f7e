package edge

import (
	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// registerStaffOrderRoute adds the endless aisle: POST /api/v1/orders
// with a staff token orders goods to this shop for a customer at the
// till. The shopper page's order (no token) is the same path; this route
// comes first and passes every request without a bearer token on to it,
// so the shopper's limits, same-origin check and body stay as they were.
func (s *Server) registerStaffOrderRoute(app *fiber.App) {
	app.Post("/api/v1/orders", s.handleStaffOrder)
}

var errNoOrders = pos.Errorf(codeUnavailable, "Ordering to this shop is not set up on this server.")

// handleStaffOrder records a staff order: 201 with the order.
func (s *Server) handleStaffOrder(c fiber.Ctx) error {
	if _, ok := bearerToken(c.Get(fiber.HeaderAuthorization)); !ok {
		if !s.ShopperEnabled {
			return errNoBearer // no shopper route: a till forgot its token
		}
		return c.Next()
	}
	if staff, err := s.staff(c); err != nil {
		return err
	} else if !staff {
		return errNoBearer
	}
	if s.OrderService == nil {
		return errNoOrders
	}
	var req pos.StaffOrderRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	o, err := s.OrderService.CreateStaffOrder(c.Context(), &req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(o)
}
