package edge

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// Paging limits of list endpoints.
const (
	defaultLimit = 50
	maxLimit     = 500
	maxCursor    = 512
)

// page is the shape of every list: {"items": [...], "next_cursor": "..."}.
// next_cursor is "" on the last page.
type page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// newPage maps items through view and never encodes items as null.
func newPage[S, T any](items []S, next string, view func(S) T) page[T] {
	out := make([]T, 0, len(items))
	for _, it := range items {
		out = append(out, view(it))
	}
	return page[T]{Items: out, NextCursor: next}
}

// parseLimit reads ?limit=: default 50, 1 to 500.
func parseLimit(c fiber.Ctx) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLimit {
		return 0, pos.FieldErrorf("limit", "limit must be an integer from 1 to %d", maxLimit)
	}
	return n, nil
}

// parseCursor reads ?cursor=, which only the server makes.
func parseCursor(c fiber.Ctx) (string, error) {
	v := c.Query("cursor")
	if len(v) > maxCursor {
		return "", pos.FieldErrorf("cursor", "cursor is not one this server made")
	}
	return strings.Clone(v), nil
}

// param returns a path parameter, copied because fiber reuses its buffer
// after the handler returns and a service may keep the string. A control
// character or invalid UTF-8 is validation_failed naming the parameter:
// fiber does not unescape the path, so only raw bytes can carry one, and
// nothing the edge accepts may (they could reach an outbox event).
func param(c fiber.Ctx, name string) (string, error) {
	v := c.Params(name)
	if err := pos.CheckString(name, v, false); err != nil {
		return "", err
	}
	return strings.Clone(v), nil
}
