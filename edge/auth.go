package edge

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/limiter"

	"github.com/storeedge/storeedge/pos"
)

// loginResponse is the body of a successful POST /api/v1/login.
type loginResponse struct {
	Token     string       `json:"token"`
	ExpiresAt time.Time    `json:"expires_at"`
	Cashier   cashierView  `json:"cashier"`
	Terminal  terminalView `json:"terminal"`
}

type cashierView struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

type terminalView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// handleLogin opens a session for a cashier at a till.
func (s *Server) handleLogin(c fiber.Ctx) error {
	var req pos.LoginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := validateLogin(&req); err != nil {
		return err
	}
	token, sess, err := s.AuthService.Login(c.Context(), &req)
	if err != nil {
		return err
	}
	return c.JSON(loginResponse{
		Token: token, ExpiresAt: sess.ExpiresAt.UTC(),
		Cashier:  cashierView{Name: sess.CashierName, Role: sess.Role},
		Terminal: terminalView{ID: sess.TerminalID, Name: sess.TerminalName},
	})
}

// validateLogin checks the shape of the credentials; whether they are right
// is the AuthService's business.
func validateLogin(req *pos.LoginRequest) error {
	switch {
	case req.TerminalToken == "" || len(req.TerminalToken) > 256:
		return pos.FieldErrorf("terminal_token", "terminal_token is required (at most 256 characters)")
	case req.Cashier == "":
		return pos.FieldErrorf("cashier", "cashier is required")
	case req.PIN == "":
		return pos.FieldErrorf("pin", "pin is required")
	}
	if err := pos.ValidateStaffName("cashier", req.Cashier); err != nil {
		return err
	}
	return pos.ValidatePIN(req.PIN)
}

// handleLogout ends the session of the bearer token.
func (s *Server) handleLogout(c fiber.Ctx) error {
	token, ok := bearerToken(c.Get(fiber.HeaderAuthorization))
	if !ok {
		return errNoBearer
	}
	if err := s.AuthService.Logout(c.Context(), token); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

var errNoBearer = pos.Errorf(pos.CodeUnauthorized, "an Authorization: Bearer token is required")

// authenticate is the route middleware of everything behind login: it
// resolves the bearer token to a session and puts the session into the
// request context that handlers pass to the services.
func (s *Server) authenticate(c fiber.Ctx) error {
	token, ok := bearerToken(c.Get(fiber.HeaderAuthorization))
	if !ok {
		return errNoBearer
	}
	sess, err := s.AuthService.Authenticate(c.Context(), token)
	if err != nil {
		return err
	} else if sess == nil {
		return pos.Errorf(pos.CodeUnauthorized, "the session is not valid")
	}
	c.SetContext(pos.NewContextWithSession(c.Context(), sess))
	return c.Next()
}

// bearerToken extracts the token of an "Authorization: Bearer <token>"
// header. The scheme is case-insensitive (RFC 9110). The token is copied:
// fiber's header strings are only valid during the handler.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || len(token) > 512 {
		return "", false
	}
	return strings.Clone(token), true
}

// loginLimiter counts login attempts per client IP and answers 429 with
// Retry-After past LoginRate a minute, so PINs cannot be guessed quickly.
func (s *Server) loginLimiter() fiber.Handler {
	rate := s.LoginRate
	if rate <= 0 {
		rate = DefaultLoginRate
	}
	return limiter.New(limiter.Config{
		Max:        rate,
		Expiration: time.Minute,
		LimitReached: func(fiber.Ctx) error {
			return pos.Errorf(pos.CodeTooManyRequests, "too many login attempts; retry after the time in Retry-After")
		},
	})
}
