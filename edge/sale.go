package edge

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// HeaderIdempotencyKey carries the till's own ID of a sale or return, so a
// retried request never records it twice.
const HeaderIdempotencyKey = "Idempotency-Key"

func (s *Server) registerSaleRoutes(app *fiber.App) {
	app.Post("/api/v1/sales", s.authenticate, s.handleCreateSale)
	app.Get("/api/v1/sales", s.authenticate, s.handleListSales)
	app.Get("/api/v1/sales/:id", s.authenticate, s.handleGetSale)
}

// handleCreateSale records a sale: 201 when created, 200 with the same sale
// when the Idempotency-Key was seen before.
func (s *Server) handleCreateSale(c fiber.Ctx) error {
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	var req pos.SaleRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := req.Validate(s.Currency); err != nil {
		return err
	}
	sale, created, err := s.SaleService.CreateSale(c.Context(), key, &req)
	if err != nil {
		return err
	}
	c.Location("/api/v1/sales/" + url.PathEscape(sale.ID))
	return c.Status(createdStatus(created)).JSON(sale)
}

// handleGetSale returns one sale with its receipt.
func (s *Server) handleGetSale(c fiber.Ctx) error {
	id, err := param(c, "id")
	if err != nil {
		return err
	}
	sale, err := s.SaleService.FindSaleByID(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(sale)
}

// handleListSales lists sales: ?shift=&since=(RFC 3339)&limit=&cursor=.
func (s *Server) handleListSales(c fiber.Ctx) error {
	f := pos.SaleFilter{ShiftID: strings.Clone(c.Query("shift"))}
	if v := c.Query("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return pos.FieldErrorf("since", "since must be an RFC 3339 time, e.g. 2024-05-01T00:00:00Z")
		}
		f.Since = t.UTC()
	}
	var err error
	if f.Limit, err = parseLimit(c); err != nil {
		return err
	}
	if f.Cursor, err = parseCursor(c); err != nil {
		return err
	}
	sales, next, err := s.SaleService.FindSales(c.Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(newPage(sales, next, func(s *pos.Sale) *pos.Sale { return s }))
}

// idempotencyKey reads the Idempotency-Key header that sales and returns
// require: 1 to 128 printable ASCII characters, so no control character
// either.
func idempotencyKey(c fiber.Ctx) (string, error) {
	key := c.Get(HeaderIdempotencyKey)
	if !validIdempotencyKey(key) {
		return "", pos.FieldErrorf(HeaderIdempotencyKey, "the Idempotency-Key header must be 1 to 128 printable ASCII characters")
	}
	return strings.Clone(key), nil
}

func validIdempotencyKey(key string) bool {
	if len(key) == 0 || len(key) > 128 {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return false
		}
	}
	return true
}

// createdStatus is 201 for a new record and 200 for a replay.
func createdStatus(created bool) int {
	if created {
		return fiber.StatusCreated
	}
	return fiber.StatusOK
}
