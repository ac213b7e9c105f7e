package edge

import (
	"embed"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/static"
)

// assets holds the web pages served by the edge; assets/pos is the cashier
// screen.
//
//go:embed assets
var assets embed.FS

// catalogs holds the cashier screen's message catalogs, one JSON file per
// language (i18n/ru.json, uk.json, en.json), keyed by meaning. The screen
// fetches the one its till uses.
//
//go:embed i18n/*.json
var catalogs embed.FS

// Languages of the cashier screen; ScreenLanguages[0] is the default.
var ScreenLanguages = []string{"ru", "uk", "en"}

// posContentSecurityPolicy lets the cashier screen load only its own
// scripts (ES modules), styles and catalogs, and talk only to this server:
// no inline script, no outside request.
const posContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

// ScreenConfig is what the cashier screen reads from the shop's
// configuration (GET /pos/config.json).
type ScreenConfig struct {
	// Language is the till's default language (ru, uk or en); a till may
	// pick another one, kept in its browser.
	Language string
	// TimeZone is the IANA zone dates are shown in, e.g. Europe/Moscow.
	TimeZone string
	// ScannerGap is the longest pause between two keys of a barcode
	// scanner's burst; ScannerMinLength the shortest code it sends.
	ScannerGap       time.Duration
	ScannerMinLength int
}

// Defaults of ScreenConfig, used for zero fields.
const (
	DefaultScreenLanguage   = "ru"
	DefaultScreenTimeZone   = "Europe/Moscow"
	DefaultScannerGap       = 50 * time.Millisecond
	DefaultScannerMinLength = 6
)

// screenConfigView is the JSON of GET /pos/config.json.
type screenConfigView struct {
	Language         string   `json:"language"`
	Languages        []string `json:"languages"`
	TimeZone         string   `json:"timezone"`
	Currency         string   `json:"currency"`
	ScannerGapMS     int64    `json:"scanner_gap_ms"`
	ScannerMinLength int      `json:"scanner_min_length"`
}

func (s *Server) screenConfig() screenConfigView {
	c := s.Screen
	v := screenConfigView{Language: c.Language, Languages: ScreenLanguages, TimeZone: c.TimeZone,
		Currency: s.Currency, ScannerGapMS: c.ScannerGap.Milliseconds(), ScannerMinLength: c.ScannerMinLength}
	if v.Language == "" {
		v.Language = DefaultScreenLanguage
	}
	if v.TimeZone == "" {
		v.TimeZone = DefaultScreenTimeZone
	}
	if v.ScannerGapMS <= 0 {
		v.ScannerGapMS = DefaultScannerGap.Milliseconds()
	}
	if v.ScannerMinLength <= 0 {
		v.ScannerMinLength = DefaultScannerMinLength
	}
	return v
}

// posFS is the cashier screen's directory.
func posFS() fs.FS {
	sub, err := fs.Sub(assets, "assets/pos")
	if err != nil {
		panic("edge: embedded assets/pos is missing: " + err.Error()) // a build defect, not input
	}
	return sub
}

// registerAssetRoutes serves the cashier screen at /pos/ and sends / there.
func (s *Server) registerAssetRoutes(app *fiber.App) {
	app.Get("/", redirectTo("/pos/"))
	app.Get("/pos/config.json", posHeaders, s.handleScreenConfig)
	app.Get("/pos/i18n/:file", posHeaders, handleCatalog)
	// Non-strict routing lets "/pos/*" match "/pos" too. Send that to
	// "/pos/" so the page's relative links resolve under /pos/.
	app.Get("/pos/*", redirectBare("/pos"), posHeaders, static.New("", static.Config{FS: posFS()}))
}

// posHeaders sets the cashier screen's security headers. The screen's
// files change with the binary, so they are revalidated on every load.
func posHeaders(c fiber.Ctx) error {
	h := &c.Response().Header
	h.Set(fiber.HeaderContentSecurityPolicy, posContentSecurityPolicy)
	h.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	h.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Next()
}

// handleScreenConfig answers the screen's settings: language, time zone,
// currency and the scanner's timing. Nothing in it is secret.
func (s *Server) handleScreenConfig(c fiber.Ctx) error {
	return c.JSON(s.screenConfig())
}

// handleCatalog serves i18n/{lang}.json for the languages the screen has.
func handleCatalog(c fiber.Ctx) error {
	file := c.Params("file")
	lang, ok := strings.CutSuffix(file, ".json")
	if !ok || !validScreenLanguage(lang) {
		return fiber.ErrNotFound
	}
	b, err := catalogs.ReadFile(path.Join("i18n", lang+".json"))
	if err != nil {
		return err // a build defect: every language has a catalog (tested)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(b)
}

// validScreenLanguage reports whether lang is one of ScreenLanguages.
func validScreenLanguage(lang string) bool {
	return slices.Contains(ScreenLanguages, lang)
}

// redirectBare redirects exactly path (no trailing slash) to path + "/".
func redirectBare(path string) fiber.Handler {
	to := redirectTo(path + "/")
	return func(c fiber.Ctx) error {
		if c.Path() == path {
			return to(c)
		}
		return c.Next()
	}
}

func redirectTo(location string) fiber.Handler {
	return func(c fiber.Ctx) error {
		return c.Redirect().Status(fiber.StatusFound).To(location)
	}
}
