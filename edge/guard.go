package edge

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// Cross-site protection of the shopper's forms and API.
//
// The shopper endpoints grant nothing through cookies except the customer
// token, which only makes a personal price visible and fills in the
// shopper's phone. The risk is a foreign page making a shopper's browser
// reserve or order in the shopper's name. Three checks stop it, each
// enough for current browsers, together covering older ones:
//
//   - the se_ct cookie is SameSite=Lax, so a cross-site POST does not
//     carry it and such a request is anonymous (it must bring a phone,
//     which the foreign site could as well have sent itself);
//   - state-changing requests whose Origin (or, without one, Referer)
//     names another host are refused (sameOrigin);
//   - the /t/ forms carry a hidden token, an HMAC of the tag code, the
//     identified customer and the minute the page was made. A foreign
//     site can fetch the page itself but only ever gets an anonymous
//     token, which fails as soon as the victim's cookie comes along.
//
// The form key is random per process: a page made before a restart gets
// "please send again" with a fresh form, nothing worse.

// formTokenTTL is how long a page's forms stay valid.
const formTokenTTL = 2 * time.Hour

// formGuard makes and checks the hidden form tokens.
type formGuard struct {
	key [32]byte
}

func newFormGuard() *formGuard {
	g := &formGuard{}
	_, _ = rand.Read(g.key[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return g
}

// token returns "<minute>.<mac>" for a form of the tag code shown to the
// customer ("" when anonymous) at now.
func (g *formGuard) token(code, customerID string, now time.Time) string {
	minute := now.Unix() / 60
	return strconv.FormatInt(minute, 36) + "." + g.mac(code, customerID, minute)
}

// valid reports whether tok was made by token for the same code and
// customer, no longer than formTokenTTL ago.
func (g *formGuard) valid(tok, code, customerID string, now time.Time) bool {
	ms, mac, ok := strings.Cut(tok, ".")
	if !ok || len(ms) > 13 {
		return false
	}
	minute, err := strconv.ParseInt(ms, 36, 64)
	age := now.Unix()/60 - minute
	if err != nil || age < 0 || age > int64(formTokenTTL/time.Minute) {
		return false
	}
	return hmac.Equal([]byte(mac), []byte(g.mac(code, customerID, minute)))
}

func (g *formGuard) mac(code, customerID string, minute int64) string {
	m := hmac.New(sha256.New, g.key[:])
	m.Write([]byte(code))
	m.Write([]byte{0})
	m.Write([]byte(customerID))
	m.Write([]byte{0})
	m.Write(strconv.AppendInt(nil, minute, 10))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// sameOriginForm is sameOrigin for the page's own forms. Browsers send an
// opaque Origin ("null") for a form on a page with Referrer-Policy
// no-referrer, as ours are, so "null" passes here: the form token, which
// another site cannot read, guards those posts.
func sameOriginForm(c fiber.Ctx) error {
	if c.Get(fiber.HeaderOrigin) == "null" {
		return c.Next()
	}
	return sameOrigin(c)
}

// sameOrigin refuses a request whose Origin, or else Referer, names
// another host than the one it was sent to. Requests with neither (the
// mobile app, curl, kiosks) pass: they are not a browser acting for
// another site.
func sameOrigin(c fiber.Ctx) error {
	from := c.Get(fiber.HeaderOrigin)
	if from == "" {
		from = c.Get(fiber.HeaderReferer)
		if from == "" {
			return c.Next()
		}
	}
	u, err := url.Parse(from)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, c.Host()) {
		return pos.Errorf(pos.CodeForbidden, "cross-site requests are not accepted")
	}
	return c.Next()
}
