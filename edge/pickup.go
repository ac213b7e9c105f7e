package edge

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// pickupView is a click & collect order as the API shows it. customer,
// items, prepaid and paid_online are the issue 10 shape; phone, name,
// lines and paid stay for tills built before it.
type pickupView struct {
	ID          string           `json:"id"`
	OrderNo     string           `json:"order_no"`
	Status      string           `json:"status"`
	Customer    pickupCustomer   `json:"customer"`
	Items       []pickupItem     `json:"items"`
	Total       pos.Money        `json:"total"`
	Prepaid     bool             `json:"prepaid"`
	PaidOnline  pos.Money        `json:"paid_online"`
	CreatedAt   time.Time        `json:"created_at"`
	ReadyAt     *time.Time       `json:"ready_at,omitempty"`
	NoShowAt    *time.Time       `json:"no_show_at,omitempty"`
	CollectedAt *time.Time       `json:"collected_at,omitempty"`
	CancelledAt *time.Time       `json:"cancelled_at,omitempty"`
	SaleID      string           `json:"sale_id,omitempty"`
	Phone       string           `json:"phone"`
	Name        string           `json:"name"`
	Lines       []pos.PickupLine `json:"lines"`
	Paid        bool             `json:"paid"`
}

type pickupCustomer struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// pickupItem is an order line: price is per piece (per kg for weighed
// goods), amount the line's total, both as central charged them.
type pickupItem struct {
	SKU    string    `json:"sku"`
	Name   string    `json:"name"`
	Qty    int64     `json:"qty"`
	Unit   pos.Unit  `json:"unit"`
	Price  pos.Money `json:"price"`
	Amount pos.Money `json:"amount"`
}

// units finds the sale unit of a SKU; it remembers what it looked up, so
// a list of orders asks the catalog once per SKU.
type units struct {
	ctx     context.Context
	catalog pos.CatalogService
	seen    map[string]pos.Unit
}

func (u *units) of(sku string) pos.Unit {
	if unit, ok := u.seen[sku]; ok {
		return unit
	}
	unit := pos.UnitPiece // a SKU gone from the catalog: shown as pieces
	if u.catalog != nil {
		if p, err := u.catalog.FindProductBySKU(u.ctx, sku); err == nil && p != nil && p.Unit != "" {
			unit = p.Unit
		}
	}
	u.seen[sku] = unit
	return unit
}

func (s *Server) newUnits(ctx context.Context) *units {
	return &units{ctx: ctx, catalog: s.CatalogService, seen: map[string]pos.Unit{}}
}

func newPickupView(p *pos.Pickup, u *units) pickupView {
	v := pickupView{
		ID: p.ID, OrderNo: p.OrderNo, Status: pos.NormalizePickupStatus(p.Status),
		Customer: pickupCustomer{Name: p.Name, Phone: p.Phone}, Items: make([]pickupItem, 0, len(p.Lines)),
		Total: p.Total, Prepaid: p.Paid, PaidOnline: pos.M(0, p.Total.Currency), CreatedAt: p.CreatedAt.UTC(),
		ReadyAt: p.ReadyAt, NoShowAt: p.NoShowAt, CollectedAt: p.CollectedAt, CancelledAt: p.CancelledAt,
		SaleID: p.SaleID, Phone: p.Phone, Name: p.Name, Lines: nonNil(p.Lines), Paid: p.Paid,
	}
	if p.Paid {
		v.PaidOnline = p.Total
	}
	for _, l := range p.Lines {
		unit := u.of(l.SKU)
		price := l.Amount
		if l.Qty > 0 {
			price.Amount = pos.DivRound(l.Amount.Amount, unit.PriceDivisor(), l.Qty)
		}
		v.Items = append(v.Items, pickupItem{SKU: l.SKU, Name: l.Name, Qty: l.Qty, Unit: unit, Price: price, Amount: l.Amount})
	}
	return v
}

// pickupList is GET /api/v1/pickups: a page with every order of the
// status asked, and how many orders each status has (the till's badge).
type pickupList struct {
	Items      []pickupView   `json:"items"`
	NextCursor string         `json:"next_cursor"`
	Counts     map[string]int `json:"counts"`
}

// registerPickupRoutes adds the counter's click & collect routes (till
// role). They are registered even without a PickupService, so a till gets
// a clear 503 rather than a 404 that looks like a wrong URL.
func (s *Server) registerPickupRoutes(app *fiber.App) {
	app.Get("/api/v1/pickups", s.authenticate, s.handleListPickups)
	app.Get("/api/v1/pickups/:id", s.authenticate, s.handleGetPickup)
	app.Post("/api/v1/pickups/:id/picking", s.authenticate, s.handleMovePickup(pos.PickupService.StartPicking))
	app.Post("/api/v1/pickups/:id/ready", s.authenticate, s.handleMovePickup(pos.PickupService.MarkPickupReady))
	app.Post("/api/v1/pickups/:id/collect", s.authenticate, s.handleCollectPickup)
	app.Post("/api/v1/pickups/:id/cancel", s.authenticate, s.handleClosePickup(pos.PickupService.CancelPickup))
	app.Post("/api/v1/pickups/:id/no-show", s.authenticate, s.handleClosePickup(pos.PickupService.MarkNoShow))
}

var errNoPickups = pos.Errorf(codeUnavailable, "Click & collect is not set up on this server.")

// handleListPickups lists the orders: ?status=received|picking|ready|
// collected|no_show|cancelled (pending: received; none: all). Every order
// is on one page: a shop holds few at a time.
func (s *Server) handleListPickups(c fiber.Ctx) error {
	if s.PickupService == nil {
		return errNoPickups
	}
	status := pos.NormalizePickupStatus(strings.Clone(strings.TrimSpace(c.Query("status"))))
	if status != "" && !pos.ValidPickupStatus(status) {
		return pos.FieldErrorf("status", "status must be received, picking, ready, collected, no_show or cancelled")
	}
	list, err := s.PickupService.FindPickups(c.Context(), status)
	if err != nil {
		return err
	}
	u := s.newUnits(c.Context())
	pg := newPage(list.Items, "", func(p *pos.Pickup) pickupView { return newPickupView(p, u) })
	counts := list.Counts
	if counts == nil {
		counts = pos.NewPickupCounts()
	}
	return c.JSON(pickupList{Items: pg.Items, NextCursor: pg.NextCursor, Counts: counts})
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
	return c.JSON(newPickupView(p, s.newUnits(c.Context())))
}

// handleMovePickup returns the handler of a move without a body (picking,
// ready): it answers 200 with the order as it is now.
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
		return c.JSON(newPickupView(p, s.newUnits(c.Context())))
	}
}

// handleClosePickup returns the handler of cancel and no-show: the body
// is optional ({"approval":{...},"reason":"..."}); a cashier needs a
// manager's approval in it, a manager at the till does not.
func (s *Server) handleClosePickup(closeFn func(pos.PickupService, context.Context, string, *pos.PickupCloseRequest) (*pos.Pickup, error)) fiber.Handler {
	return func(c fiber.Ctx) error {
		if s.PickupService == nil {
			return errNoPickups
		}
		id, err := pickupID(c)
		if err != nil {
			return err
		}
		var req pos.PickupCloseRequest
		if err := decodeOptionalJSON(c, &req); err != nil {
			return err
		}
		if err := req.Validate(); err != nil {
			return err
		}
		p, err := closeFn(s.PickupService, c.Context(), id, &req)
		if err != nil {
			return err
		}
		return c.JSON(newPickupView(p, s.newUnits(c.Context())))
	}
}

// collectView is the answer to a hand-over: the sale it created (its
// fields at the top level, as POST /api/v1/sales answers) and the order.
type collectView struct {
	*pos.Sale
	Pickup pickupView `json:"pickup"`
}

// handleCollectPickup hands a ready order over. Like POST /api/v1/sales
// it needs an Idempotency-Key: 201 with the new sale, 200 with the same
// sale when the key was seen before.
func (s *Server) handleCollectPickup(c fiber.Ctx) error {
	if s.PickupService == nil {
		return errNoPickups
	}
	id, err := pickupID(c)
	if err != nil {
		return err
	}
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	var req pos.PickupCollectRequest
	if err := decodeOptionalJSON(c, &req); err != nil {
		return err
	}
	p, sale, created, err := s.PickupService.CollectPickup(c.Context(), id, key, &req)
	if err != nil {
		return err
	}
	c.Location("/api/v1/sales/" + url.PathEscape(sale.ID))
	return c.Status(createdStatus(created)).JSON(collectView{Sale: sale, Pickup: newPickupView(p, s.newUnits(c.Context()))})
}

// decodeOptionalJSON decodes a body that may be left out: no body is the
// zero request.
func decodeOptionalJSON(c fiber.Ctx, v any) error {
	if len(c.Request().Body()) == 0 {
		return nil
	}
	return decodeJSON(c, v)
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
