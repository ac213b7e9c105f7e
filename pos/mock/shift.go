package mock

import (
	"context"

	"github.com/storeedge/storeedge/pos"
)

var _ pos.ShiftService = (*ShiftService)(nil)

// ShiftService is a mock of pos.ShiftService.
type ShiftService struct {
	OpenShiftFn     func(ctx context.Context, req *pos.OpenShiftRequest) (*pos.Shift, error)
	CloseShiftFn    func(ctx context.Context, id string, req *pos.CloseShiftRequest) (*pos.ShiftReport, error)
	MoveCashFn      func(ctx context.Context, id string, req *pos.CashMovementRequest) (*pos.Shift, error)
	FindShiftByIDFn func(ctx context.Context, id string) (*pos.Shift, error)
	FindOpenShiftFn func(ctx context.Context, terminalID string) (*pos.Shift, error)
}

// OpenShift calls OpenShiftFn.
func (s *ShiftService) OpenShift(ctx context.Context, req *pos.OpenShiftRequest) (*pos.Shift, error) {
	return s.OpenShiftFn(ctx, req)
}

// CloseShift calls CloseShiftFn.
func (s *ShiftService) CloseShift(ctx context.Context, id string, req *pos.CloseShiftRequest) (*pos.ShiftReport, error) {
	return s.CloseShiftFn(ctx, id, req)
}

// MoveCash calls MoveCashFn.
func (s *ShiftService) MoveCash(ctx context.Context, id string, req *pos.CashMovementRequest) (*pos.Shift, error) {
	return s.MoveCashFn(ctx, id, req)
}

// FindShiftByID calls FindShiftByIDFn.
func (s *ShiftService) FindShiftByID(ctx context.Context, id string) (*pos.Shift, error) {
	return s.FindShiftByIDFn(ctx, id)
}

// FindOpenShift calls FindOpenShiftFn.
func (s *ShiftService) FindOpenShift(ctx context.Context, terminalID string) (*pos.Shift, error) {
	return s.FindOpenShiftFn(ctx, terminalID)
}
