package edge_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/mock"
)

// TestGetProduct_StockElsewhere checks that the till's product shows
// other shops' stock from the stock stream, with its age, and not this
// shop's own line.
func TestGetProduct_StockElsewhere(t *testing.T) {
	s := newServer(t)
	s.StoreID = "S1"
	s.Catalog.FindProductBySKUFn = func(_ context.Context, sku string) (*pos.Product, error) { return milk(), nil }
	remote := &mock.RemoteStockService{}
	s.RemoteStockService = remote
	remote.FindRemoteStockFn = func(_ context.Context, sku string) ([]pos.RemoteStock, error) {
		if sku != "MILK-1" {
			t.Errorf("sku=%q", sku)
		}
		return []pos.RemoteStock{
			{Store: "S1", SKU: sku, Available: 10, At: now},
			{Store: "S2", StoreName: "Тверская", SKU: sku, Available: 4, At: now.Add(-90 * time.Second)},
			{Store: "S3", SKU: sku, Available: 0, At: now.Add(time.Minute)}, // a clock ahead: age 0
		}, nil
	}
	res, body := s.do(t, "GET", "/api/v1/products/MILK-1", "")
	var got struct {
		StockElsewhere []map[string]any `json:"stock_elsewhere"`
	}
	wantJSON(t, res, body, http.StatusOK, &got)
	want := `[{"age_s":90,"at":"2025-03-01T09:58:30Z","available":4,"store":"S2","store_name":"Тверская"},` +
		`{"age_s":0,"at":"2025-03-01T10:01:00Z","available":0,"store":"S3","store_name":"S3"}]`
	if g := mustMarshal(t, got.StockElsewhere); g != want {
		t.Fatalf("stock_elsewhere=%s\nwant %s", g, want)
	}
	t.Run("ErrService", func(t *testing.T) {
		remote.FindRemoteStockFn = func(context.Context, string) ([]pos.RemoteStock, error) {
			return nil, pos.Errorf(pos.CodeStorageFull, "full")
		}
		res, body := s.do(t, "GET", "/api/v1/products/MILK-1", "")
		wantProblem(t, res, body, http.StatusInsufficientStorage, pos.CodeStorageFull, "")
	})
}
