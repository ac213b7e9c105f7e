package edge_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

func TestTagPNG(t *testing.T) {
	s := newShopServer(t)
	s.PublicURL = "http://shop.local:8080/"
	old := pos.M(8990, "RUB")
	tests := []struct {
		sku  string
		want pos.TagLabel
	}{
		{"TV-55", pos.TagLabel{
			SKU: "TV-55", Code: tvTag, Name: "Телевизор 55\"", Price: pos.M(123456, "RUB"), PriceUnit: "piece",
			Barcode: "4601234567893", URL: "http://shop.local:8080/t/TVTAG1", PriceVersion: "p20250228.1000", PrintedAt: now,
		}},
		{"MILK-1", pos.TagLabel{
			SKU: "MILK-1", Code: milkTag, Name: "Молоко 1 л", Price: pos.M(8091, "RUB"), OldPrice: &old, PriceUnit: "piece",
			Barcode: "4006381333931", URL: "http://shop.local:8080/t/MILKTAG", PriceVersion: "p20250227.1000-a20250302.1000", PrintedAt: now,
		}},
		{"APPLE", pos.TagLabel{
			SKU: "APPLE", Code: kgTag, Name: "Яблоки", Price: pos.M(14990, "RUB"), PriceUnit: "kg",
			Barcode: "2000000000015", URL: "http://shop.local:8080/t/APPLEKG", PriceVersion: "p20250301.0900", PrintedAt: now,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.sku, func(t *testing.T) {
			s.Printer.png = nil
			res, body := s.do(t, "GET", "/api/v1/products/"+tc.sku+"/tag.png", "")
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" || string(body) != "\x89PNG tag "+tc.sku {
				t.Fatalf("status=%d Content-Type=%q body=%q", res.StatusCode, res.Header.Get("Content-Type"), body)
			}
			if got := s.Printer.png; len(got) != 1 || !reflect.DeepEqual(got[0], tc.want) {
				t.Fatalf("label=%+v\nwant  %+v", got, tc.want)
			}
		})
	}
	t.Run("OwnBaseURL", func(t *testing.T) {
		s := newShopServer(t)
		s.do(t, "GET", "/api/v1/products/TV-55/tag.png", "")
		if got, want := s.Printer.png[0].URL, "http://example.com/t/TVTAG1"; got != want {
			t.Fatalf("URL=%q, want %q", got, want)
		}
	})
	t.Run("ErrUnknownSKU", func(t *testing.T) {
		res, body := s.do(t, "GET", "/api/v1/products/NOPE/tag.png", "")
		wantProblem(t, res, body, http.StatusUnprocessableEntity, pos.CodeUnknownSKU, "sku")
	})
	t.Run("ErrUnauthorized", func(t *testing.T) {
		res, body := s.shop(t, "GET", "/api/v1/products/TV-55/tag.png", "")
		wantProblem(t, res, body, http.StatusUnauthorized, pos.CodeUnauthorized, "")
	})
}

func TestTagSheet(t *testing.T) {
	// newSheetServer records what MarkPrinted got.
	newSheetServer := func(t *testing.T) (*shopServer, *recorder[[]pos.PrintedTag]) {
		s := newShopServer(t)
		rec := &recorder[[]pos.PrintedTag]{}
		s.Tags.MarkPrintedFn = func(_ context.Context, tags []pos.PrintedTag) error {
			rec.add(tags)
			return nil
		}
		return s, rec
	}
	t.Run("SKUs", func(t *testing.T) {
		s, rec := newSheetServer(t)
		res, body := s.do(t, "GET", "/api/v1/tags.pdf?sku=TV-55,MILK-1,TV-55,", "")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || string(body) != "%PDF-1.7 fake sheet" {
			t.Fatalf("status=%d Content-Type=%q body=%q", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		sheets := s.Printer.sheets
		if len(sheets) != 1 || len(sheets[0]) != 2 || sheets[0][0].SKU != "TV-55" || sheets[0][1].SKU != "MILK-1" {
			t.Fatalf("sheets %+v", sheets)
		}
		want := []pos.PrintedTag{
			{SKU: "TV-55", Code: tvTag, Price: 123456, PrintedAt: now},
			{SKU: "MILK-1", Code: milkTag, Price: 8990, PromoPrice: 8091, PrintedAt: now},
		}
		if got := rec.all(); len(got) != 1 || !reflect.DeepEqual(got[0], want) {
			t.Fatalf("MarkPrinted got %+v\nwant %+v", got, want)
		}
		// Exactly what was printed: the marked prices are the labels' prices.
		for i, l := range sheets[0] {
			m := rec.all()[0][i]
			if l.OldPrice == nil && (m.Price != l.Price.Amount || m.PromoPrice != 0) ||
				l.OldPrice != nil && (m.Price != l.OldPrice.Amount || m.PromoPrice != l.Price.Amount) {
				t.Fatalf("marked %+v for label %+v", m, l)
			}
		}
	})
	t.Run("Stale", func(t *testing.T) {
		s, rec := newSheetServer(t)
		s.Tags.StaleTagsFn = func(context.Context) ([]string, error) { return []string{"APPLE"}, nil }
		res, _ := s.do(t, "GET", "/api/v1/tags.pdf?stale=1", "")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status=%d", res.StatusCode)
		}
		if got := rec.all(); len(got) != 1 || len(got[0]) != 1 || got[0][0].SKU != "APPLE" || got[0][0].Price != 14990 {
			t.Fatalf("MarkPrinted got %+v", got)
		}
	})
	t.Run("NothingStale", func(t *testing.T) {
		s, rec := newSheetServer(t)
		s.Tags.StaleTagsFn = func(context.Context) ([]string, error) { return nil, nil }
		res, _ := s.do(t, "GET", "/api/v1/tags.pdf?stale=1", "")
		if got, want := res.StatusCode, http.StatusNoContent; got != want {
			t.Fatalf("status=%d, want %d", got, want)
		}
		if len(rec.all()) != 0 || len(s.Printer.sheets) != 0 {
			t.Fatal("printed or marked an empty sheet")
		}
	})
	t.Run("ErrPrinterMarksNothing", func(t *testing.T) {
		s, rec := newSheetServer(t)
		s.Printer.err = errors.New("font missing")
		res, body := s.do(t, "GET", "/api/v1/tags.pdf?sku=TV-55", "")
		wantProblem(t, res, body, http.StatusInternalServerError, pos.CodeInternal, "")
		if len(rec.all()) != 0 {
			t.Fatal("marked tags that were not printed")
		}
	})
	tests := []struct {
		name, query, code, field string
		status                   int
	}{
		{"ErrUnknownSKU", "sku=TV-55,NOPE", pos.CodeUnknownSKU, "sku", http.StatusUnprocessableEntity},
		{"ErrBadSKU", "sku=TV-55,bad%20sku", pos.CodeValidationFailed, "sku", http.StatusBadRequest},
		{"ErrNeither", "", pos.CodeValidationFailed, "sku", http.StatusBadRequest},
		{"ErrBoth", "sku=TV-55&stale=1", pos.CodeValidationFailed, "sku", http.StatusBadRequest},
		{"ErrStaleValue", "stale=yes", pos.CodeValidationFailed, "stale", http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, rec := newSheetServer(t)
			res, body := s.do(t, "GET", "/api/v1/tags.pdf?"+tc.query, "")
			wantProblem(t, res, body, tc.status, tc.code, tc.field)
			if len(rec.all()) != 0 {
				t.Fatal("marked tags of a refused sheet")
			}
		})
	}
	t.Run("ErrUnauthorized", func(t *testing.T) {
		s, _ := newSheetServer(t)
		res, body := s.shop(t, "GET", "/api/v1/tags.pdf?stale=1", "")
		wantProblem(t, res, body, http.StatusUnauthorized, pos.CodeUnauthorized, "")
	})
}
