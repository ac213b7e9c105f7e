package mock

import (
	"context"

	"github.com/storeedge/storeedge/pos"
)

var _ pos.AuthService = (*AuthService)(nil)

// AuthService is a mock of pos.AuthService.
type AuthService struct {
	CreateTerminalFn func(ctx context.Context, name string) (*pos.Terminal, string, error)
	CreateCashierFn  func(ctx context.Context, name, pin, role string) (*pos.Cashier, error)
	LoginFn          func(ctx context.Context, req *pos.LoginRequest) (string, *pos.Session, error)
	AuthenticateFn   func(ctx context.Context, token string) (*pos.Session, error)
	LogoutFn         func(ctx context.Context, token string) error
	CheckApprovalFn  func(ctx context.Context, a *pos.Approval) (*pos.Cashier, error)
}

// CreateTerminal calls CreateTerminalFn.
func (s *AuthService) CreateTerminal(ctx context.Context, name string) (*pos.Terminal, string, error) {
	return s.CreateTerminalFn(ctx, name)
}

// CreateCashier calls CreateCashierFn.
func (s *AuthService) CreateCashier(ctx context.Context, name, pin, role string) (*pos.Cashier, error) {
	return s.CreateCashierFn(ctx, name, pin, role)
}

// Login calls LoginFn.
func (s *AuthService) Login(ctx context.Context, req *pos.LoginRequest) (string, *pos.Session, error) {
	return s.LoginFn(ctx, req)
}

// Authenticate calls AuthenticateFn.
func (s *AuthService) Authenticate(ctx context.Context, token string) (*pos.Session, error) {
	return s.AuthenticateFn(ctx, token)
}

// Logout calls LogoutFn.
func (s *AuthService) Logout(ctx context.Context, token string) error {
	return s.LogoutFn(ctx, token)
}

// CheckApproval calls CheckApprovalFn.
func (s *AuthService) CheckApproval(ctx context.Context, a *pos.Approval) (*pos.Cashier, error) {
	return s.CheckApprovalFn(ctx, a)
}
