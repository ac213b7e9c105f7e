package edge

import (
	"net/url"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

func (s *Server) registerReturnRoutes(app *fiber.App) {
	app.Post("/api/v1/sales/:id/returns", s.authenticate, s.handleCreateReturn)
	app.Post("/api/v1/returns", s.authenticate, s.handleCreateReturn)
	app.Get("/api/v1/returns/:id", s.authenticate, s.handleGetReturn)
}

// handleCreateReturn records a return against the sale in the path, or
// without a receipt (POST /api/v1/returns: the sale ID is "" and the service
// checks the manager's approval). The Idempotency-Key header is required,
// as for a sale: 201 when created, 200 with the same return when the key
// was seen before, 409 when it came with another body.
func (s *Server) handleCreateReturn(c fiber.Ctx) error {
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	var req pos.ReturnRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	saleID, err := param(c, "id")
	if err != nil {
		return err
	}
	ret, created, err := s.SaleService.CreateReturn(c.Context(), saleID, key, &req)
	if err != nil {
		return err
	}
	c.Location("/api/v1/returns/" + url.PathEscape(ret.ID))
	return c.Status(createdStatus(created)).JSON(ret)
}

// handleGetReturn returns one return.
func (s *Server) handleGetReturn(c fiber.Ctx) error {
	id, err := param(c, "id")
	if err != nil {
		return err
	}
	ret, err := s.SaleService.FindReturnByID(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(ret)
}
