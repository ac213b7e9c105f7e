package edge

import (
	"bytes"
	"embed"
	"html/template"
	"sync"

	"github.com/gofiber/fiber/v3"
)

// templateFS holds the shopper's pages. Each page template defines a name
// of its own and uses "head" and "foot" from layout.html.
//
//go:embed templates/*.html
var templateFS embed.FS

// pageTemplates are the page templates, parsed once per language so that
// {{t "key"}} needs no language argument.
var pageTemplates = map[string]*template.Template{
	langRU: mustParsePages(langRU),
	langEN: mustParsePages(langEN),
}

// mustParsePages parses the embedded templates for lang. A parse error is
// a build defect (the files are in the binary), found by every test.
func mustParsePages(lang string) *template.Template {
	funcs := template.FuncMap{"t": func(key string) string { return translate(lang, key) }}
	return template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
}

// pageBase is what every page's layout needs.
type pageBase struct {
	Lang      string
	Title     string
	SwitchURL string // the same page in the other language
}

// contentSecurityPolicy forbids every outside request and every script:
// the pages are self-contained (one inline style block, images from this
// server, forms posting back here).
const contentSecurityPolicy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes the page template name in lang and sends it with status.
// The page is rendered to a buffer first, so a template error sends
// nothing but the error response. Pages are never cached: they carry
// prices that change and, for an identified shopper, a personal price.
func (s *Server) render(c fiber.Ctx, status int, name, lang string, data any) error {
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer pageBuffers.Put(buf)
	buf.Reset()
	if err := pageTemplates[lang].ExecuteTemplate(buf, name, data); err != nil {
		return err
	}
	h := &c.Response().Header
	h.Set(fiber.HeaderContentType, "text/html; charset=utf-8")
	h.Set(fiber.HeaderCacheControl, "no-store")
	h.Set(fiber.HeaderVary, "Accept-Language, Cookie")
	h.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
	h.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Status(status)
	c.Response().SetBody(buf.Bytes()) // copies: buf goes back to the pool
	return nil
}
