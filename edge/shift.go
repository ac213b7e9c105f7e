package edge

import (
	"net/url"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

func (s *Server) registerShiftRoutes(app *fiber.App) {
	app.Post("/api/v1/shifts", s.authenticate, s.handleOpenShift)
	// "current" before ":id", which would match it too.
	app.Get("/api/v1/shifts/current", s.authenticate, s.handleCurrentShift)
	app.Get("/api/v1/shifts/:id", s.authenticate, s.handleGetShift)
	app.Post("/api/v1/shifts/:id/cash", s.authenticate, s.handleMoveCash)
	app.Post("/api/v1/shifts/:id/close", s.authenticate, s.handleCloseShift)
	app.Get("/api/v1/shifts/:id/report", s.authenticate, s.handleShiftReport)
}

// handleOpenShift opens a shift on the session's till.
func (s *Server) handleOpenShift(c fiber.Ctx) error {
	var req pos.OpenShiftRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := req.Validate(s.Currency); err != nil {
		return err
	}
	sh, err := s.ShiftService.OpenShift(c.Context(), &req)
	if err != nil {
		return err
	}
	c.Location("/api/v1/shifts/" + url.PathEscape(sh.ID))
	return c.Status(fiber.StatusCreated).JSON(sh)
}

// handleCurrentShift returns the open shift of the session's till.
func (s *Server) handleCurrentShift(c fiber.Ctx) error {
	sess := pos.SessionFromContext(c.Context())
	if sess == nil {
		return errNoBearer
	}
	sh, err := s.ShiftService.FindOpenShift(c.Context(), sess.TerminalID)
	if err != nil {
		return err
	}
	return c.JSON(sh)
}

// handleGetShift returns one shift with its running totals.
func (s *Server) handleGetShift(c fiber.Ctx) error {
	id, err := param(c, "id")
	if err != nil {
		return err
	}
	sh, err := s.ShiftService.FindShiftByID(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(sh)
}

// handleMoveCash records cash put into or taken out of the drawer.
func (s *Server) handleMoveCash(c fiber.Ctx) error {
	var req pos.CashMovementRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := req.Validate(s.Currency); err != nil {
		return err
	}
	id, err := param(c, "id")
	if err != nil {
		return err
	}
	sh, err := s.ShiftService.MoveCash(c.Context(), id, &req)
	if err != nil {
		return err
	}
	return c.JSON(sh)
}

// handleCloseShift closes a shift and returns its Z report.
func (s *Server) handleCloseShift(c fiber.Ctx) error {
	var req pos.CloseShiftRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := req.Validate(s.Currency); err != nil {
		return err
	}
	id, err := param(c, "id")
	if err != nil {
		return err
	}
	rep, err := s.ShiftService.CloseShift(c.Context(), id, &req)
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

// handleShiftReport returns the X report of an open shift or the Z report
// of a closed one.
func (s *Server) handleShiftReport(c fiber.Ctx) error {
	id, err := param(c, "id")
	if err != nil {
		return err
	}
	sh, err := s.ShiftService.FindShiftByID(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(sh.Report())
}
