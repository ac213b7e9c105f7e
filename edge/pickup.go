package edge

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// pickupView is a click & collect order as the API shows it.
type pickupView struct {
	ID        string           `json:"id"`
	OrderNo   string           `json:"order_no"`
	Phone     string           `json:"phone"`
	Name      string           `json:"name"`
	Lines     []pos.PickupLine `json:"lines"`
	Total     pos.Money        `json:"total"`
	Paid      bool             `json:"paid"`
	Status    string           `json:"status"`
	CreatedAt time.Time        `json:"created_at"`
}

func newPickupView(p *pos.Pickup) pickupView {
	return pickupView{
		ID: p.ID, OrderNo: p.OrderNo, Phone: p.Phone, Name: p.Name, Lines: nonNil(p.Lines),
		Total: p.Total, Paid: p.Paid, Status: p.Status, CreatedAt: p.CreatedAt.UTC(),
	}
}

// registerPickupRoutes adds the counter's click & collect routes (till
// role). They are registered even without a PickupService, so a till gets
// a clear 503 rather than a 404 that looks like a wrong URL.
func (s *Server) registerPickupRoutes(app *fiber.App) {
	app.Get("/api/v1/pickups", s.authenticate, s.handleListPickups)
	app.Get("/api/v1/pickups/:id", s.authenticate, s.handleGetPickup)
	app.Post("/api/v1/pickups/:id/ready", s.authenticate, s.handleMovePickup(pos.PickupService.MarkPickupReady))
	app.Post("/api/v1/pickups/:id/collect", s.authenticate, s.handleMovePickup(pos.PickupService.CollectPickup))
}

var errNoPickups = pos.Errorf(codeUnavailable, "Click & collect is not set up on this server.")

// handleListPickups lists the orders: ?status=pending|ready|collected|cancelled
// (none: all). Every order is on one page: a shop holds few at a time.
func (s *Server) handleListPickups(c fiber.Ctx) error {
	if s.PickupService == nil {
		return errNoPickups
	}
	status := strings.Clone(strings.TrimSpace(c.Query("status")))
	if status != "" && !pos.ValidPickupStatus(status) {
		return pos.FieldErrorf("status", "status must be pending, ready, collected or cancelled")
	}
	items, err := s.PickupService.FindPickups(c.Context(), status)
	if err != nil {
		return err
	}
	return c.JSON(newPage(items, "", newPickupView))
}

// handleGetPickup returns one order.
func (s *Server) handleGetPickup(c fiber.Ctx) error {
	if s.PickupService == nil {
		return errNoPickups
	}
	id, err := pickupID(c)
	if err != nil {
		return err
	}
	p, err := s.PickupService.FindPickupByID(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(newPickupView(p))
}

// handleMovePickup returns the handler of a status change (ready,
// collect): it takes no body and answers 200 with the order as it is now.
func (s *Server) handleMovePickup(move func(pos.PickupService, context.Context, string) (*pos.Pickup, error)) fiber.Handler {
	return func(c fiber.Ctx) error {
		if s.PickupService == nil {
			return errNoPickups
		}
		id, err := pickupID(c)
		if err != nil {
			return err
		}
		p, err := move(s.PickupService, c.Context(), id)
		if err != nil {
			return err
		}
		return c.JSON(newPickupView(p))
	}
}

// pickupID reads the :id parameter; central's ids are 1 to 64 characters
// without '/'.
func pickupID(c fiber.Ctx) (string, error) {
	id, err := param(c, "id")
	if err != nil {
		return "", err
	}
	if id == "" || len(id) > 64 || strings.ContainsAny(id, "/\x00") {
		return "", pos.FieldErrorf("id", "id must be 1 to 64 characters")
	}
	return id, nil
}
