package mock

import (
	"context"

	"github.com/storeedge/storeedge/pos"
)

var _ pos.ReservationService = (*ReservationService)(nil)

// ReservationService is a mock of pos.ReservationService.
type ReservationService struct {
	CreateReservationFn  func(ctx context.Context, req *pos.ReservationRequest) (*pos.Reservation, error)
	FindReservationFn    func(ctx context.Context, code string) (*pos.Reservation, error)
	CancelReservationFn  func(ctx context.Context, code string) (*pos.Reservation, error)
	ExpireReservationsFn func(ctx context.Context) (int, error)
	CreateOrderFn        func(ctx context.Context, req *pos.OrderRequest) (*pos.Order, error)

	FindActiveReservationByShortCodeFn func(ctx context.Context, shortCode string) (*pos.Reservation, error)
}

// CreateReservation calls CreateReservationFn.
func (s *ReservationService) CreateReservation(ctx context.Context, req *pos.ReservationRequest) (*pos.Reservation, error) {
	return s.CreateReservationFn(ctx, req)
}

// FindReservation calls FindReservationFn.
func (s *ReservationService) FindReservation(ctx context.Context, code string) (*pos.Reservation, error) {
	return s.FindReservationFn(ctx, code)
}

// CancelReservation calls CancelReservationFn.
func (s *ReservationService) CancelReservation(ctx context.Context, code string) (*pos.Reservation, error) {
	return s.CancelReservationFn(ctx, code)
}

// ExpireReservations calls ExpireReservationsFn.
func (s *ReservationService) ExpireReservations(ctx context.Context) (int, error) {
	return s.ExpireReservationsFn(ctx)
}

// CreateOrder calls CreateOrderFn.
func (s *ReservationService) CreateOrder(ctx context.Context, req *pos.OrderRequest) (*pos.Order, error) {
	return s.CreateOrderFn(ctx, req)
}

// FindActiveReservationByShortCode calls FindActiveReservationByShortCodeFn.
func (s *ReservationService) FindActiveReservationByShortCode(ctx context.Context, shortCode string) (*pos.Reservation, error) {
	return s.FindActiveReservationByShortCodeFn(ctx, shortCode)
}
