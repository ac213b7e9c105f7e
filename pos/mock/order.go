package mock

import (
	"context"

	"github.com/storeedge/storeedge/pos"
)

var _ pos.OrderService = (*OrderService)(nil)

// OrderService is a mock of pos.OrderService.
type OrderService struct {
	CreateStaffOrderFn func(ctx context.Context, req *pos.StaffOrderRequest) (*pos.StaffOrder, error)
}

// CreateStaffOrder calls CreateStaffOrderFn.
func (s *OrderService) CreateStaffOrder(ctx context.Context, req *pos.StaffOrderRequest) (*pos.StaffOrder, error) {
	return s.CreateStaffOrderFn(ctx, req)
}
