package mock

import (
	"context"

	"github.com/storeedge/storeedge/pos"
)

var _ pos.CatalogService = (*CatalogService)(nil)

// CatalogService is a mock of pos.CatalogService.
type CatalogService struct {
	FindProductBySKUFn     func(ctx context.Context, sku string) (*pos.Product, error)
	FindProductByBarcodeFn func(ctx context.Context, barcode string) (*pos.Product, error)
	FindProductsFn         func(ctx context.Context, f pos.ProductFilter) ([]*pos.Product, string, error)
	ImportProductsFn       func(ctx context.Context, items []pos.ProductImport) (pos.ImportResult, error)
	CountProductsFn        func(ctx context.Context) (int, error)

	FindProductByScaleCodeFn func(ctx context.Context, code string) (*pos.Product, error)
}

// FindProductBySKU calls FindProductBySKUFn.
func (s *CatalogService) FindProductBySKU(ctx context.Context, sku string) (*pos.Product, error) {
	return s.FindProductBySKUFn(ctx, sku)
}

// FindProductByBarcode calls FindProductByBarcodeFn.
func (s *CatalogService) FindProductByBarcode(ctx context.Context, barcode string) (*pos.Product, error) {
	return s.FindProductByBarcodeFn(ctx, barcode)
}

// FindProducts calls FindProductsFn.
func (s *CatalogService) FindProducts(ctx context.Context, f pos.ProductFilter) ([]*pos.Product, string, error) {
	return s.FindProductsFn(ctx, f)
}

// ImportProducts calls ImportProductsFn.
func (s *CatalogService) ImportProducts(ctx context.Context, items []pos.ProductImport) (pos.ImportResult, error) {
	return s.ImportProductsFn(ctx, items)
}

// CountProducts calls CountProductsFn.
func (s *CatalogService) CountProducts(ctx context.Context) (int, error) {
	return s.CountProductsFn(ctx)
}

// FindProductByScaleCode calls FindProductByScaleCodeFn.
func (s *CatalogService) FindProductByScaleCode(ctx context.Context, code string) (*pos.Product, error) {
	return s.FindProductByScaleCodeFn(ctx, code)
}
