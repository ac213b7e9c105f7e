package edge

import "github.com/gofiber/fiber/v3"

// handleSyncStatus reports the outbox and the link to central.
func (s *Server) handleSyncStatus(c fiber.Ctx) error {
	st, err := s.SyncStatusService.SyncStatus(c.Context())
	if err != nil {
		return err
	}
	return c.JSON(st)
}
