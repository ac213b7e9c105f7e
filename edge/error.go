package edge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// Codes the HTTP layer adds to pos's: they describe the request itself, not
// the domain.
const (
	codeMethodNotAllowed     = "method_not_allowed"
	codePayloadTooLarge      = "payload_too_large"
	codeHeaderTooLarge       = "header_too_large"
	codeUnsupportedMediaType = "unsupported_media_type"
	codeUnavailable          = "unavailable"
)

// problemTypeBase prefixes a code to form the problem's "type" URI.
const problemTypeBase = "https://storeedge.dev/problems/"

// codeInfo is the HTTP status and the RFC 9457 title of an error code.
type codeInfo struct {
	status int
	title  string
}

// codes is the one code → HTTP status map of the API.
var codes = map[string]codeInfo{
	pos.CodeValidationFailed:   {http.StatusBadRequest, "Validation failed"},
	pos.CodeUnauthorized:       {http.StatusUnauthorized, "Unauthorized"},
	pos.CodeForbidden:          {http.StatusForbidden, "Forbidden"},
	pos.CodeNotFound:           {http.StatusNotFound, "Not found"},
	codeMethodNotAllowed:       {http.StatusMethodNotAllowed, "Method not allowed"},
	pos.CodeConflict:           {http.StatusConflict, "Conflict"},
	pos.CodeIdempotencyKey:     {http.StatusConflict, "Idempotency key reused"},
	pos.CodeInsufficientStock:  {http.StatusConflict, "Insufficient stock"},
	pos.CodeShiftOpen:          {http.StatusConflict, "Shift already open"},
	pos.CodeShiftNotOpen:       {http.StatusConflict, "Shift not open"},
	pos.CodeShiftClosed:        {http.StatusConflict, "Shift closed"},
	pos.CodePickupNotReady:     {http.StatusConflict, "Pickup not ready"},
	codePayloadTooLarge:        {http.StatusRequestEntityTooLarge, "Payload too large"},
	codeUnsupportedMediaType:   {http.StatusUnsupportedMediaType, "Unsupported media type"},
	codeHeaderTooLarge:         {http.StatusRequestHeaderFieldsTooLarge, "Request header fields too large"},
	pos.CodeUnknownSKU:         {http.StatusUnprocessableEntity, "Unknown SKU"},
	pos.CodeOverReturn:         {http.StatusUnprocessableEntity, "Over return"},
	pos.CodeInsufficientPoints: {http.StatusUnprocessableEntity, "Insufficient points"},
	pos.CodePointsLimit:        {http.StatusUnprocessableEntity, "Points over limit"},
	pos.CodePointsCap:          {http.StatusUnprocessableEntity, "Points cap reached"},
	pos.CodeLoyaltyUnavailable: {http.StatusConflict, "Loyalty unavailable"},
	pos.CodeReservedStock:      {http.StatusConflict, "Reserved stock"},
	pos.CodeUnknownScaleCode:   {http.StatusUnprocessableEntity, "Unknown scale code"},
	pos.CodeTooManyRequests:    {http.StatusTooManyRequests, "Too many requests"},
	pos.CodeInternal:           {http.StatusInternalServerError, "Internal error"},
	codeUnavailable:            {http.StatusServiceUnavailable, "Service unavailable"},
	pos.CodeStorageFull:        {http.StatusInsufficientStorage, "Storage full"},
}

// ErrorStatusCode returns the HTTP status of an error code. A code the map
// does not know is a domain refusal someone forgot to list: 400, not 500,
// because its message is still safe to show.
func ErrorStatusCode(code string) int {
	if info, ok := codes[code]; ok {
		return info.status
	}
	return http.StatusBadRequest
}

// fiberCodes maps the statuses of fiber's own errors (routing, body limit,
// the limiter) to our codes; other 5xx become internal.
var fiberCodes = map[int]string{
	http.StatusBadRequest:            pos.CodeValidationFailed,
	http.StatusUnauthorized:          pos.CodeUnauthorized,
	http.StatusForbidden:             pos.CodeForbidden,
	http.StatusNotFound:              pos.CodeNotFound,
	http.StatusMethodNotAllowed:      codeMethodNotAllowed,
	http.StatusRequestTimeout:        codeUnavailable,
	http.StatusRequestEntityTooLarge: codePayloadTooLarge,
	http.StatusUnsupportedMediaType:  codeUnsupportedMediaType,
	http.StatusTooManyRequests:       pos.CodeTooManyRequests,
	http.StatusServiceUnavailable:    codeUnavailable,
	// fasthttp reports a request line and headers that do not fit its
	// read buffer (fiber's ReadBufferSize) as *fasthttp.ErrSmallBuffer,
	// which fiber's server error handler turns into this status.
	http.StatusRequestHeaderFieldsTooLarge: codeHeaderTooLarge,
}

// fiberDetails are the messages shown for fiber's errors; fiber's own text
// may quote internals, so it is never shown.
var fiberDetails = map[string]string{
	pos.CodeValidationFailed: "The request is malformed.",
	pos.CodeUnauthorized:     "Authentication is required.",
	pos.CodeForbidden:        "Access is denied.",
	pos.CodeNotFound:         "No such resource.",
	codeMethodNotAllowed:     "The method is not allowed on this resource.",
	codeUnavailable:          "The server could not answer in time; retry later.",
	codePayloadTooLarge:      "The request body is too large.",
	codeUnsupportedMediaType: "The request body must be JSON.",
	codeHeaderTooLarge:       "The request line and headers are too large; shorten the URL or the headers.",
	pos.CodeTooManyRequests:  "Too many requests; retry later.",
}

// Problem is an RFC 9457 problem details body with StoreEdge's extensions.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Code     string `json:"code"`
	Field    string `json:"field,omitempty"`
	Data     any    `json:"data,omitempty"` // what the caller can act on, e.g. the stock free
	Instance string `json:"instance"`
	ErrorID  string `json:"error_id,omitempty"`
}

// handleError is the one error handler: it turns any error into a problem,
// logs internal ones with an error ID, and writes application/problem+json.
func (s *Server) handleError(c fiber.Ctx, err error) error {
	p := newProblem(c, err)
	if p.Code == pos.CodeInternal {
		p.ErrorID = newErrorID()
		s.logInternal(c, err, p.ErrorID)
	}
	if p.Status == http.StatusUnauthorized {
		c.Set(fiber.HeaderWWWAuthenticate, "Bearer")
	}
	body, merr := json.Marshal(p)
	if merr != nil {
		return merr
	}
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return c.Status(p.Status).Send(body)
}

// handleServerError is fiber's error handler, which its server calls for
// what fasthttp could not read: a request line and headers too large for
// the read buffer (431), a timeout, a malformed header. Errors of handlers
// never get here: observe answers them. A request whose line was never
// read skipped observe, so it is counted here.
func (s *Server) handleServerError(c fiber.Ctx, err error) error {
	herr := s.handleError(c, err)
	s.met.observe(c.Method(), unmatchedRoute, c.Response().StatusCode(), 0)
	return herr
}

// unreadKey marks, as a fasthttp user value, a request fasthttp could not
// read.
type unreadKey struct{}

// userValues is what markUnread needs of *fasthttp.RequestCtx; a type
// parameter spares edge a direct import of fasthttp, whose version fiber
// pins.
type userValues interface{ SetUserValue(key, value any) }

// markUnread wraps fasthttp's error handler (fiber's) so that it marks the
// request first. Fiber runs the middleware on the unread request before it
// calls handleServerError; observe sees the mark and stays out, instead of
// routing an empty request and counting a made-up status.
func markUnread[C userValues](h func(C, error)) func(C, error) {
	return func(ctx C, err error) {
		ctx.SetUserValue(unreadKey{}, true)
		h(ctx, err)
	}
}

// unread reports whether fasthttp could not read the request: its line
// and headers did not fit the read buffer, it timed out, or a header was
// malformed.
func unread(c fiber.Ctx) bool { return c.RequestCtx().UserValue(unreadKey{}) != nil }

// newProblem classifies err. Panics and unknown errors are internal and show
// a generic detail; the real error goes only to the log.
func newProblem(c fiber.Ctx, err error) *Problem {
	code, detail, field := classify(err)
	if panicStack(c) != nil {
		code, detail, field = pos.CodeInternal, "", ""
	}
	if code == pos.CodeInternal {
		detail = "Internal error."
	}
	status := ErrorStatusCode(code)
	p := &Problem{
		Type: problemTypeBase + code, Title: title(code, status), Status: status,
		Detail: detail, Code: code, Field: field, Instance: c.Path(),
	}
	if code != pos.CodeInternal {
		p.Data = pos.ErrorData(err)
	}
	return p
}

// classify returns the code, detail and field of err.
func classify(err error) (code, detail, field string) {
	var fe *fiber.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return codeUnavailable, "The request took too long; retry it (with the same Idempotency-Key).", ""
	case errors.As(err, &fe):
		code, ok := fiberCodes[fe.Code]
		if !ok {
			return pos.CodeInternal, "", ""
		}
		return code, fiberDetails[code], ""
	}
	if code = pos.ErrorCode(err); code == "" {
		return pos.CodeInternal, "", ""
	}
	return code, pos.ErrorMessage(err), pos.ErrorField(err)
}

func title(code string, status int) string {
	if info, ok := codes[code]; ok {
		return info.title
	}
	return http.StatusText(status)
}

// logInternal logs the real cause of an internal error once, here at the
// boundary, under the ID the caller was shown.
func (s *Server) logInternal(c fiber.Ctx, err error, id string) {
	attrs := []slog.Attr{
		slog.String("error_id", id), slog.String("error", err.Error()),
		slog.String("method", c.Method()), slog.String("path", c.Path()),
	}
	if stack := panicStack(c); stack != nil {
		attrs = append(attrs, slog.String("stack", string(stack)))
	}
	s.log.LogAttrs(context.Background(), slog.LevelError, "internal error", attrs...)
}

// newErrorID returns a random ID that ties a 500 response to its log line.
func newErrorID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}

// localKey types the fiber Locals this package sets.
type localKey int

const localStack localKey = iota + 1

// keepStack is recover's stack handler: it keeps the panic's stack for the
// error handler, which logs it once with the error ID.
func keepStack(c fiber.Ctx, _ any) {
	c.Locals(localStack, debug.Stack())
}

func panicStack(c fiber.Ctx) []byte {
	stack, _ := c.Locals(localStack).([]byte)
	return stack
}
