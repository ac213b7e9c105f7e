package edge

import (
	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

type statusView struct {
	Status string `json:"status"`
}

// registerHealthRoutes adds the probes. HEAD is registered explicitly:
// fiber v3.1.0's automatic HEAD route falls through to 404 on them.
func (s *Server) registerHealthRoutes(app *fiber.App) {
	app.Get("/healthz", s.handleHealthz)
	app.Head("/healthz", s.handleHealthz)
	app.Get("/readyz", s.handleReadyz)
	app.Head("/readyz", s.handleReadyz)
}

// handleHealthz reports that the process answers (liveness).
func (s *Server) handleHealthz(c fiber.Ctx) error {
	return c.JSON(statusView{Status: "ok"})
}

// handleReadyz reports whether Ready passes (storage open, migrations done).
// The reason of a failure is logged, not shown.
func (s *Server) handleReadyz(c fiber.Ctx) error {
	if s.Ready != nil {
		if err := s.Ready(c.Context()); err != nil {
			s.log.Warn("not ready", "error", err)
			return pos.Errorf(codeUnavailable, "the server is not ready")
		}
	}
	return c.JSON(statusView{Status: "ok"})
}
