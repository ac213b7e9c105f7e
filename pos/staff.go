package pos

import (
	"context"
	"time"
	"unicode/utf8"
)

// Roles of staff.
const (
	RoleCashier = "cashier"
	RoleManager = "manager"
)

// Terminal is an enrolled till or scanner. Its token is shown once and
// stored only as a hash.
type Terminal struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Cashier is a member of staff who logs in at a till with a PIN.
type Cashier struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// ValidateStaffName checks a terminal or cashier name.
func ValidateStaffName(field, name string) error {
	if err := CheckString(field, name, false); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(name); n == 0 || n > 64 {
		return FieldErrorf(field, "%s must be 1 to 64 characters", field)
	}
	return nil
}

// ValidatePIN checks a PIN: 4 to 12 digits.
func ValidatePIN(pin string) error {
	if len(pin) < 4 || len(pin) > 12 {
		return FieldErrorf("pin", "PIN must be 4 to 12 digits")
	}
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return FieldErrorf("pin", "PIN must be 4 to 12 digits")
		}
	}
	return nil
}

// Wrong-PIN back-off: a PIN of 4 digits must not be guessable at a till,
// yet a cashier who mistypes must not wait long.
const (
	PINFailuresBeforeLock = 5           // wrong PINs in a row before the first lock
	PINFirstLock          = time.Minute // the first lock
	PINMaxLock            = time.Hour   // no lock is longer
)

// PINBackoff returns how long a cashier is locked after the failures-th
// wrong PIN in a row: nothing before PINFailuresBeforeLock, then
// PINFirstLock, doubling with every further wrong PIN (1, 2, 4, 8, 16, 32
// minutes) up to PINMaxLock.
func PINBackoff(failures int) time.Duration {
	extra := failures - PINFailuresBeforeLock
	switch {
	case extra < 0:
		return 0
	case extra >= 16: // far past the cap; also keeps the shift in range
		return PINMaxLock
	}
	return min(PINFirstLock<<extra, PINMaxLock)
}

// LoginRequest is the body of POST /api/v1/login.
type LoginRequest struct {
	TerminalToken string `json:"terminal_token"`
	Cashier       string `json:"cashier"`
	PIN           string `json:"pin"`
}

// Session is a logged-in cashier at a till.
type Session struct {
	TerminalID   string    `json:"terminal_id"`
	TerminalName string    `json:"terminal_name"`
	CashierID    string    `json:"cashier_id"`
	CashierName  string    `json:"cashier_name"`
	Role         string    `json:"role"`
	ExpiresAt    time.Time `json:"expires_at"`
}

// IsManager reports whether the session's cashier is a manager.
func (s *Session) IsManager() bool { return s != nil && s.Role == RoleManager }

// AuthService enrols tills and staff and checks who is calling.
type AuthService interface {
	// CreateTerminal enrols a till and returns its token (shown once).
	CreateTerminal(ctx context.Context, name string) (*Terminal, string, error)
	// CreateCashier adds staff. Codes: validation_failed, conflict.
	CreateCashier(ctx context.Context, name, pin, role string) (*Cashier, error)
	// Login checks a terminal token, cashier name and PIN and opens a
	// session. Codes: unauthorized, too_many_requests.
	Login(ctx context.Context, req *LoginRequest) (token string, s *Session, err error)
	// Authenticate returns the session of a bearer token. Codes: unauthorized.
	Authenticate(ctx context.Context, token string) (*Session, error)
	// Logout ends a session.
	Logout(ctx context.Context, token string) error
	// CheckApproval verifies a manager's name and PIN. Codes: forbidden.
	CheckApproval(ctx context.Context, a *Approval) (*Cashier, error)
}
