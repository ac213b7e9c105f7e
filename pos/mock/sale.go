package mock

import (
	"context"

	"github.com/storeedge/storeedge/pos"
)

var _ pos.SaleService = (*SaleService)(nil)

// SaleService is a mock of pos.SaleService.
type SaleService struct {
	CreateSaleFn     func(ctx context.Context, key string, req *pos.SaleRequest) (*pos.Sale, bool, error)
	FindSaleByIDFn   func(ctx context.Context, id string) (*pos.Sale, error)
	FindSalesFn      func(ctx context.Context, f pos.SaleFilter) ([]*pos.Sale, string, error)
	CreateReturnFn   func(ctx context.Context, saleID, key string, req *pos.ReturnRequest) (*pos.Return, bool, error)
	FindReturnByIDFn func(ctx context.Context, id string) (*pos.Return, error)
}

// CreateSale calls CreateSaleFn.
func (s *SaleService) CreateSale(ctx context.Context, key string, req *pos.SaleRequest) (*pos.Sale, bool, error) {
	return s.CreateSaleFn(ctx, key, req)
}

// FindSaleByID calls FindSaleByIDFn.
func (s *SaleService) FindSaleByID(ctx context.Context, id string) (*pos.Sale, error) {
	return s.FindSaleByIDFn(ctx, id)
}

// FindSales calls FindSalesFn.
func (s *SaleService) FindSales(ctx context.Context, f pos.SaleFilter) ([]*pos.Sale, string, error) {
	return s.FindSalesFn(ctx, f)
}

// CreateReturn calls CreateReturnFn.
func (s *SaleService) CreateReturn(ctx context.Context, saleID, key string, req *pos.ReturnRequest) (*pos.Return, bool, error) {
	return s.CreateReturnFn(ctx, saleID, key, req)
}

// FindReturnByID calls FindReturnByIDFn.
func (s *SaleService) FindReturnByID(ctx context.Context, id string) (*pos.Return, error) {
	return s.FindReturnByIDFn(ctx, id)
}
