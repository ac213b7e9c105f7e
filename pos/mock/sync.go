package mock

import (
	"context"

	"github.com/storeedge/storeedge/pos"
)

var _ pos.SyncStatusService = (*SyncStatusService)(nil)

// SyncStatusService is a mock of pos.SyncStatusService.
type SyncStatusService struct {
	SyncStatusFn func(ctx context.Context) (*pos.SyncStatus, error)
}

// SyncStatus calls SyncStatusFn.
func (s *SyncStatusService) SyncStatus(ctx context.Context) (*pos.SyncStatus, error) {
	return s.SyncStatusFn(ctx)
}
