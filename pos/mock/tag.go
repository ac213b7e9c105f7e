package mock

import (
	"context"

	"github.com/storeedge/storeedge/pos"
)

var _ pos.TagService = (*TagService)(nil)

// TagService is a mock of pos.TagService.
type TagService struct {
	TagCodeFn      func(ctx context.Context, sku string) (string, error)
	FindSKUByTagFn func(ctx context.Context, code string) (string, error)
	MarkPrintedFn  func(ctx context.Context, tags []pos.PrintedTag) error
	StaleTagsFn    func(ctx context.Context) ([]string, error)
}

// TagCode calls TagCodeFn.
func (s *TagService) TagCode(ctx context.Context, sku string) (string, error) {
	return s.TagCodeFn(ctx, sku)
}

// FindSKUByTag calls FindSKUByTagFn.
func (s *TagService) FindSKUByTag(ctx context.Context, code string) (string, error) {
	return s.FindSKUByTagFn(ctx, code)
}

// MarkPrinted calls MarkPrintedFn.
func (s *TagService) MarkPrinted(ctx context.Context, tags []pos.PrintedTag) error {
	return s.MarkPrintedFn(ctx, tags)
}

// StaleTags calls StaleTagsFn.
func (s *TagService) StaleTags(ctx context.Context) ([]string, error) {
	return s.StaleTagsFn(ctx)
}
