package mock

import (
	"context"

	"github.com/storeedge/storeedge/pos"
)

var _ pos.PickupService = (*PickupService)(nil)

// PickupService is a mock of pos.PickupService.
type PickupService struct {
	FindPickupsFn     func(ctx context.Context, status string) ([]*pos.Pickup, error)
	FindPickupByIDFn  func(ctx context.Context, id string) (*pos.Pickup, error)
	MarkPickupReadyFn func(ctx context.Context, id string) (*pos.Pickup, error)
	CollectPickupFn   func(ctx context.Context, id string) (*pos.Pickup, error)
}

// FindPickups calls FindPickupsFn.
func (s *PickupService) FindPickups(ctx context.Context, status string) ([]*pos.Pickup, error) {
	return s.FindPickupsFn(ctx, status)
}

// FindPickupByID calls FindPickupByIDFn.
func (s *PickupService) FindPickupByID(ctx context.Context, id string) (*pos.Pickup, error) {
	return s.FindPickupByIDFn(ctx, id)
}

// MarkPickupReady calls MarkPickupReadyFn.
func (s *PickupService) MarkPickupReady(ctx context.Context, id string) (*pos.Pickup, error) {
	return s.MarkPickupReadyFn(ctx, id)
}

// CollectPickup calls CollectPickupFn.
func (s *PickupService) CollectPickup(ctx context.Context, id string) (*pos.Pickup, error) {
	return s.CollectPickupFn(ctx, id)
}
