package mock

import (
	"context"

	"github.com/storeedge/storeedge/pos"
)

var _ pos.PickupService = (*PickupService)(nil)

// PickupService is a mock of pos.PickupService.
type PickupService struct {
	FindPickupsFn     func(ctx context.Context, status string) (*pos.PickupList, error)
	FindPickupByIDFn  func(ctx context.Context, id string) (*pos.Pickup, error)
	StartPickingFn    func(ctx context.Context, id string) (*pos.Pickup, error)
	MarkPickupReadyFn func(ctx context.Context, id string) (*pos.Pickup, error)
	CollectPickupFn   func(ctx context.Context, id, key string, req *pos.PickupCollectRequest) (*pos.Pickup, *pos.Sale, bool, error)
	CancelPickupFn    func(ctx context.Context, id string, req *pos.PickupCloseRequest) (*pos.Pickup, error)
	MarkNoShowFn      func(ctx context.Context, id string, req *pos.PickupCloseRequest) (*pos.Pickup, error)
	ReleaseNoShowsFn  func(ctx context.Context) (int, error)
}

// FindPickups calls FindPickupsFn.
func (s *PickupService) FindPickups(ctx context.Context, status string) (*pos.PickupList, error) {
	return s.FindPickupsFn(ctx, status)
}

// FindPickupByID calls FindPickupByIDFn.
func (s *PickupService) FindPickupByID(ctx context.Context, id string) (*pos.Pickup, error) {
	return s.FindPickupByIDFn(ctx, id)
}

// StartPicking calls StartPickingFn.
func (s *PickupService) StartPicking(ctx context.Context, id string) (*pos.Pickup, error) {
	return s.StartPickingFn(ctx, id)
}

// MarkPickupReady calls MarkPickupReadyFn.
func (s *PickupService) MarkPickupReady(ctx context.Context, id string) (*pos.Pickup, error) {
	return s.MarkPickupReadyFn(ctx, id)
}

// CollectPickup calls CollectPickupFn.
func (s *PickupService) CollectPickup(ctx context.Context, id, key string, req *pos.PickupCollectRequest) (*pos.Pickup, *pos.Sale, bool, error) {
	return s.CollectPickupFn(ctx, id, key, req)
}

// CancelPickup calls CancelPickupFn.
func (s *PickupService) CancelPickup(ctx context.Context, id string, req *pos.PickupCloseRequest) (*pos.Pickup, error) {
	return s.CancelPickupFn(ctx, id, req)
}

// MarkNoShow calls MarkNoShowFn.
func (s *PickupService) MarkNoShow(ctx context.Context, id string, req *pos.PickupCloseRequest) (*pos.Pickup, error) {
	return s.MarkNoShowFn(ctx, id, req)
}

// ReleaseNoShows calls ReleaseNoShowsFn.
func (s *PickupService) ReleaseNoShows(ctx context.Context) (int, error) {
	return s.ReleaseNoShowsFn(ctx)
}
