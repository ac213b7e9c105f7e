package edge

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// TagPrinter draws price tags; cmd/storeedge adapts package qr to it.
type TagPrinter interface {
	// TagPNG draws one tag as a PNG image.
	TagPNG(label pos.TagLabel) ([]byte, error)
	// WriteSheet writes a printable PDF sheet of the labels, in order.
	WriteSheet(w io.Writer, labels []pos.TagLabel) error
}

// maxSheetSKUs bounds one sheet request.
const maxSheetSKUs = 500

// registerTagRoutes adds the tags role's routes: staff only.
func (s *Server) registerTagRoutes(app *fiber.App) {
	app.Get("/api/v1/products/:sku/tag.png", s.authenticate, s.handleTagPNG)
	app.Get("/api/v1/products/:sku/tag.json", s.authenticate, s.handleTagJSON)
	app.Get("/api/v1/tags.pdf", s.authenticate, s.handleTagSheet)
}

// handleTagPNG draws the tag of one product as it would print now. It
// does not record the tag as printed: an image fetched to look at must
// not make a wrong shelf tag count as fresh (a sheet does record).
func (s *Server) handleTagPNG(c fiber.Ctx) error {
	sku, err := param(c, "sku")
	if err != nil {
		return err
	}
	if !pos.ValidSKU(sku) {
		return pos.FieldErrorf("sku", "sku must be 1-64 characters of letters, digits, '-', '_' or '.'")
	}
	label, err := s.tagLabel(c.Context(), sku, s.tagBaseURL(c), s.now())
	if err != nil {
		return err
	}
	png, err := s.TagPrinter.TagPNG(label)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(png)
}

// handleTagJSON returns what the product's tag shows now, its code and the
// URL of its QR, for apps that draw tags themselves. Like tag.png it does
// not record the tag as printed.
func (s *Server) handleTagJSON(c fiber.Ctx) error {
	sku, err := param(c, "sku")
	if err != nil {
		return err
	}
	if !pos.ValidSKU(sku) {
		return pos.FieldErrorf("sku", "sku must be 1-64 characters of letters, digits, '-', '_' or '.'")
	}
	label, err := s.tagLabel(c.Context(), sku, s.tagBaseURL(c), s.now())
	if err != nil {
		return err
	}
	return c.JSON(label)
}

// handleTagSheet prints a PDF sheet of ?sku=A,B,C or of the stale tags
// (?stale=1), then records exactly what each printed tag shows. With
// nothing stale it answers 204.
func (s *Server) handleTagSheet(c fiber.Ctx) error {
	skus, err := s.sheetSKUs(c)
	if err != nil {
		return err
	}
	if len(skus) == 0 {
		return c.SendStatus(fiber.StatusNoContent)
	}
	labels, err := s.tagLabels(c.Context(), skus, s.tagBaseURL(c), s.now())
	if err != nil {
		return err
	}
	var pdf bytes.Buffer
	if err := s.TagPrinter.WriteSheet(&pdf, labels); err != nil {
		return err
	}
	if err := s.TagService.MarkPrinted(c.Context(), printedTags(labels)); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="tags.pdf"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(pdf.Bytes())
}

// sheetSKUs reads which tags to print: ?sku=A,B,C (in that order, each
// once) or ?stale=1, not both.
func (s *Server) sheetSKUs(c fiber.Ctx) ([]string, error) {
	list, stale := c.Query("sku"), c.Query("stale")
	switch {
	case list != "" && stale != "":
		return nil, pos.FieldErrorf("sku", "give either sku or stale=1, not both")
	case stale == "1" || stale == "true":
		return s.TagService.StaleTags(c.Context())
	case stale != "":
		return nil, pos.FieldErrorf("stale", "stale must be 1")
	case list == "":
		return nil, pos.FieldErrorf("sku", "give sku=A,B,C or stale=1")
	}
	return parseSKUList(list)
}

// parseSKUList splits "A,B,C", dropping repeats and blanks.
func parseSKUList(list string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, sku := range strings.Split(list, ",") {
		sku = strings.TrimSpace(sku)
		switch {
		case sku == "" || seen[sku]:
			continue
		case !pos.ValidSKU(sku):
			return nil, pos.FieldErrorf("sku", "%q is not a valid SKU", sku)
		case len(out) == maxSheetSKUs:
			return nil, pos.FieldErrorf("sku", "at most %d SKUs on one sheet", maxSheetSKUs)
		}
		seen[sku] = true
		out = append(out, strings.Clone(sku))
	}
	return out, nil
}

func (s *Server) tagLabels(ctx context.Context, skus []string, base string, now time.Time) ([]pos.TagLabel, error) {
	labels := make([]pos.TagLabel, 0, len(skus))
	for _, sku := range skus {
		l, err := s.tagLabel(ctx, sku, base, now)
		if err != nil {
			return nil, err
		}
		labels = append(labels, l)
	}
	return labels, nil
}

// tagLabel is what the tag of sku shows at now: the price the till charges
// (the old price struck through during a promotion), the QR's URL and the
// price version. An unknown SKU is unknown_sku, a product with no price in
// force yet cannot have a tag.
func (s *Server) tagLabel(ctx context.Context, sku, base string, now time.Time) (pos.TagLabel, error) {
	p, err := s.CatalogService.FindProductBySKU(ctx, sku)
	if pos.ErrorCode(err) == pos.CodeNotFound {
		return pos.TagLabel{}, &pos.Error{Code: pos.CodeUnknownSKU, Field: "sku", Message: "unknown SKU " + sku}
	} else if err != nil {
		return pos.TagLabel{}, err
	}
	code, err := s.TagService.TagCode(ctx, p.SKU)
	if err != nil {
		return pos.TagLabel{}, err
	}
	l, ok := pos.NewTagLabel(p, code, base+"/t/"+url.PathEscape(code), now)
	if !ok {
		return pos.TagLabel{}, pos.FieldErrorf("sku", "%s has no price in force yet", sku)
	}
	return l, nil
}

// printedTags records what the labels show.
func printedTags(labels []pos.TagLabel) []pos.PrintedTag {
	out := make([]pos.PrintedTag, len(labels))
	for i := range labels {
		out[i] = labels[i].PrintedTag()
	}
	return out
}

// tagBaseURL is PublicURL, or this request's own scheme and host.
func (s *Server) tagBaseURL(c fiber.Ctx) string {
	if s.PublicURL != "" {
		return strings.TrimRight(s.PublicURL, "/")
	}
	return strings.Clone(c.BaseURL())
}
