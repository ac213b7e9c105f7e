package mock

import (
	"context"

	"github.com/storeedge/storeedge/pos"
)

var (
	_ pos.CustomerService    = (*CustomerService)(nil)
	_ pos.RemoteStockService = (*RemoteStockService)(nil)
	_ pos.LoyaltyService     = (*LoyaltyService)(nil)
)

// LoyaltyService is a mock of pos.LoyaltyService.
type LoyaltyService struct {
	FindAccountFn      func(ctx context.Context, phone, card string) (*pos.CustomerAccount, error)
	RegisterCustomerFn func(ctx context.Context, req *pos.CustomerRegistration) (*pos.CustomerAccount, error)
}

// FindAccount calls FindAccountFn.
func (s *LoyaltyService) FindAccount(ctx context.Context, phone, card string) (*pos.CustomerAccount, error) {
	return s.FindAccountFn(ctx, phone, card)
}

// RegisterCustomer calls RegisterCustomerFn.
func (s *LoyaltyService) RegisterCustomer(ctx context.Context, req *pos.CustomerRegistration) (*pos.CustomerAccount, error) {
	return s.RegisterCustomerFn(ctx, req)
}

// CustomerService is a mock of pos.CustomerService.
type CustomerService struct {
	FindCustomerFn func(ctx context.Context, phone, card string) (*pos.Customer, error)
}

// FindCustomer calls FindCustomerFn.
func (s *CustomerService) FindCustomer(ctx context.Context, phone, card string) (*pos.Customer, error) {
	return s.FindCustomerFn(ctx, phone, card)
}

// RemoteStockService is a mock of pos.RemoteStockService.
type RemoteStockService struct {
	FindRemoteStockFn func(ctx context.Context, sku string) ([]pos.RemoteStock, error)
}

// FindRemoteStock calls FindRemoteStockFn.
func (s *RemoteStockService) FindRemoteStock(ctx context.Context, sku string) ([]pos.RemoteStock, error) {
	return s.FindRemoteStockFn(ctx, sku)
}
