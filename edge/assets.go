package edge

import (
	"embed"
	"io/fs"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/static"
)

// assets holds the web pages served by the edge; assets/pos is the cashier
// screen.
//
//go:embed assets
var assets embed.FS

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
	// Non-strict routing lets "/pos/*" match "/pos" too. Send that to
	// "/pos/" so the page's relative links resolve under /pos/.
	app.Get("/pos/*", redirectBare("/pos"), static.New("", static.Config{FS: posFS()}))
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
