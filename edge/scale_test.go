package edge_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

// scaleCode is a default-layout label: 1250 g of item 00123 (apples).
func scaleCode(body string) string { return body + string(pos.CheckDigit(body)) }

// withScale gives the shop server's apples scale code 123.
func (s *shopServer) withScale() {
	s.Catalog.FindProductByScaleCodeFn = func(_ context.Context, code string) (*pos.Product, error) {
		if code != "123" {
			return nil, pos.Errorf(pos.CodeNotFound, "no product with scale code %s", code)
		}
		p := apples()
		p.ScaleCode = "00123"
		return p, nil
	}
}

func TestGetBarcode_ScaleLabel(t *testing.T) {
	s := newShopServer(t)
	s.withScale()
	t.Run("OK", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/barcodes/"+scaleCode("200012301250"), "")
		var got struct {
			SKU        string
			Unit       string
			ScaleLabel struct {
				Qty   int64
				Unit  string
				Price *pos.Money
			} `json:"scale_label"`
		}
		wantJSON(t, res, body, http.StatusOK, &got)
		// 1.25 kg at 149.90 a kg
		if got.SKU != "APPLE" || got.ScaleLabel.Qty != 1250 || got.ScaleLabel.Unit != "gram" ||
			got.ScaleLabel.Price == nil || *got.ScaleLabel.Price != pos.M(18738, "RUB") {
			t.Fatalf("got %s", body)
		}
	})
	t.Run("ExactBarcodeWins", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/barcodes/2000000000015", "")
		var got map[string]any
		wantJSON(t, res, body, http.StatusOK, &got)
		if got["sku"] != "APPLE" || got["scale_label"] != nil {
			t.Fatalf("got %s", body)
		}
	})
	t.Run("ErrUnknownScaleCode", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/barcodes/"+scaleCode("200099901250"), "")
		wantProblem(t, res, body, http.StatusUnprocessableEntity, pos.CodeUnknownScaleCode, "ean")
	})
	t.Run("ErrCheckDigit", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/barcodes/2000123012500", "")
		wantProblem(t, res, body, http.StatusBadRequest, pos.CodeValidationFailed, "ean")
	})
	t.Run("ErrNotALabel", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/barcodes/4006381333932", "")
		wantProblem(t, res, body, http.StatusNotFound, pos.CodeNotFound, "")
	})
	t.Run("OtherLayout", func(t *testing.T) {
		s := newShopServer(t)
		s.withScale()
		s.ScaleFormat = pos.ScaleFormat{Prefixes: []string{"2"}, Layout: "PCCCCCCVVVVVK"}
		res, body := s.do(t, "GET", "/api/v1/barcodes/"+scaleCode("200012307495"), "")
		var got struct {
			ScaleLabel struct {
				Qty   int64
				Price *pos.Money
			} `json:"scale_label"`
		}
		wantJSON(t, res, body, http.StatusOK, &got)
		if got.ScaleLabel.Qty != 500 || *got.ScaleLabel.Price != pos.M(7495, "RUB") {
			t.Fatalf("got %s", body)
		}
	})
}

func TestPriceCheck_ScaleLabel(t *testing.T) {
	s := newShopServer(t)
	s.withScale()
	res, body := s.shop(t, "GET", "/api/v1/price-check/"+scaleCode("200012300500"), "")
	var got map[string]any
	wantJSON(t, res, body, http.StatusOK, &got)
	label, _ := got["scale_label"].(map[string]any)
	if got["sku"] != "APPLE" || got["price_unit"] != "kg" || label == nil || label["qty"] != 500.0 {
		t.Fatalf("got %s", body)
	}
	if _, ok := got["stock_here"]; !ok {
		t.Fatalf("got %s, want the price check's fields", body)
	}
	t.Run("ErrUnknownScaleCode", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/api/v1/price-check/"+scaleCode("200099900500"), "")
		wantProblem(t, res, body, http.StatusUnprocessableEntity, pos.CodeUnknownScaleCode, "barcode")
	})
}
