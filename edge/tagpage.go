package edge

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// Bounds that keep the first response of /t/{code} under 60 KB whatever
// the catalog holds (HTML escaping can grow a rune to 5 bytes). The JSON
// of /api/v1/instore/tags has everything.
const (
	pageDescriptionRunes = 2000
	pageSpecRows         = 100
	pageSpecRunes        = 4000 // keys and values together
	pageSpecKeyRunes     = 60
	pageSpecValueRunes   = 200
	pageReviews          = 3
	pageReviewRunes      = 400
	pageNameRunes        = 60 // authors, shop names
	pageImages           = 4
	pageImageURLBytes    = 300
)

// tagPage is the model of templates/tag.html.
type tagPage struct {
	pageBase
	Code        string
	Name        string
	Identified  bool
	Images      []string
	Description string
	Specs       []pos.Spec
	MoreSpecs   int

	NoPrice       bool
	Price         string
	OldPrice      string
	PromoEnds     string
	PerKg         bool
	PersonalPrice string

	StockHere string // in_stock, few, none: a CSS class and a message key
	Nearby    []nearbyView

	Rating      string
	Stars       string
	ReviewCount string
	Reviews     []reviewRow

	Weighed    bool // no forms: loose goods are weighed at the till
	CanReserve bool
	NeedPhone  bool
	FormToken  string
	ReserveURL string
	OrderURL   string
	Phone      string // what the shopper typed, shown again after an error
	Error      string
}

type reviewRow struct {
	Author string
	Stars  string
	Date   string
	Text   string
}

// handleTagPage renders the shopper's page of a tag (GET and HEAD).
func (s *Server) handleTagPage(c fiber.Ctx) error {
	lang := pickLang(c)
	code, err := param(c, "code")
	if err != nil {
		return err
	}
	sh := s.identify(c)
	p, err := s.findTagProduct(c.Context(), code)
	if err != nil {
		return s.pageError(c, lang, code, err)
	}
	return s.renderTagPage(c, http.StatusOK, lang, code, p, sh, nil)
}

// formState is what a refused form post shows again.
type formState struct {
	phone  string
	errKey string // a message key
}

// renderTagPage renders the page of p, with a form error when form is set.
func (s *Server) renderTagPage(c fiber.Ctx, status int, lang, code string, p *pos.Product, sh *shopper, form *formState) error {
	now := s.now()
	v, err := s.newInstoreView(c.Context(), code, p, sh, now)
	if err != nil {
		return s.pageError(c, lang, code, err)
	}
	page := newTagPage(v, lang, now)
	page.FormToken = s.forms.token(code, identifiedID(sh), now)
	page.NeedPhone = sh == nil || sh.Phone == ""
	if form != nil {
		page.Phone, page.Error = form.phone, translate(lang, form.errKey)
	}
	return s.render(c, status, "tag", lang, page)
}

// newTagPage formats the view for people in lang.
func newTagPage(v *instoreView, lang string, now time.Time) *tagPage {
	pr := &v.Product
	page := &tagPage{
		pageBase: pageBase{Lang: lang, Title: productName(pr, lang), SwitchURL: tagURL(v.Code, otherLang(lang))},
		Code:     v.Code, Name: productName(pr, lang), Identified: v.Identified,
		Images:      localImages(pr.Images),
		Description: trimRunes(pr.Description, pageDescriptionRunes),
		StockHere:   v.StockHere, Nearby: pageNearby(v.Nearby),
		Weighed: pr.Unit == pos.UnitGram, PerKg: pr.Unit == pos.UnitGram,
		ReserveURL: "/t/" + url.PathEscape(v.Code) + "/reserve",
		OrderURL:   "/t/" + url.PathEscape(v.Code) + "/order",
	}
	page.CanReserve = !page.Weighed && v.StockHere != stockNone
	page.Specs, page.MoreSpecs = pageSpecs(pr.Specs)
	setPagePrices(page, v, lang)
	setPageReviews(page, pr, lang)
	return page
}

func setPagePrices(page *tagPage, v *instoreView, lang string) {
	pr := &v.Product
	if pr.Price == nil {
		page.NoPrice = true
		return
	}
	page.Price = formatMoney(*pr.Price, lang)
	if pr.PromoPrice != nil {
		page.Price, page.OldPrice = formatMoney(*pr.PromoPrice, lang), page.Price
		page.PromoEnds = formatDateTime(pr.Promotion.To, lang)
	}
	if v.PersonalPrice != nil {
		page.PersonalPrice = formatMoney(*v.PersonalPrice, lang)
	}
}

func setPageReviews(page *tagPage, pr *shopperProductView, lang string) {
	if pr.ReviewCount <= 0 && len(pr.Reviews) == 0 {
		return
	}
	page.Rating = formatRating(pr.Rating, lang)
	page.Stars = stars((pr.Rating + 5) / 10)
	page.ReviewCount = reviewCount(max(pr.ReviewCount, int64(len(pr.Reviews))), lang)
	for _, r := range pr.Reviews[:min(len(pr.Reviews), pageReviews)] {
		page.Reviews = append(page.Reviews, reviewRow{
			Author: trimRunes(r.Author, pageNameRunes), Stars: stars(r.Rating),
			Date: formatDate(r.Date, lang), Text: trimRunes(r.Text, pageReviewRunes),
		})
	}
}

// productName is the English name in English when there is one.
func productName(pr *shopperProductView, lang string) string {
	if lang == langEN && pr.NameEn != "" {
		return pr.NameEn
	}
	return pr.Name
}

// pageSpecs returns the specs that fit the page and how many were left out.
func pageSpecs(specs []pos.Spec) ([]pos.Spec, int) {
	out := make([]pos.Spec, 0, min(len(specs), pageSpecRows))
	budget := pageSpecRunes
	for _, sp := range specs {
		k, v := trimRunes(sp.Key, pageSpecKeyRunes), trimRunes(sp.Value, pageSpecValueRunes)
		budget -= len([]rune(k)) + len([]rune(v))
		if len(out) == pageSpecRows || budget < 0 {
			break
		}
		out = append(out, pos.Spec{Key: k, Value: v})
	}
	return out, len(specs) - len(out)
}

// pageNearby trims shop names for the page.
func pageNearby(rows []nearbyView) []nearbyView {
	out := make([]nearbyView, len(rows))
	for i, r := range rows {
		out[i] = r
		out[i].StoreName = trimRunes(r.StoreName, pageNameRunes)
	}
	return out
}

// localImages keeps the images served by this server ("/img/a.jpg"): the
// page makes no request elsewhere.
func localImages(images []string) []string {
	var out []string
	for _, img := range images {
		if len(out) == pageImages {
			break
		}
		if len(img) > pageImageURLBytes || !strings.HasPrefix(img, "/") || strings.HasPrefix(img, "//") || strings.ContainsAny(img, "\\ \t\r\n") {
			continue
		}
		if u, err := url.Parse(img); err == nil && u.Scheme == "" && u.Host == "" {
			out = append(out, img)
		}
	}
	return out
}

// tagURL is the page of a tag in lang.
func tagURL(code, lang string) string {
	return "/t/" + url.PathEscape(code) + "?lang=" + lang
}

func otherLang(lang string) string {
	if lang == langEN {
		return langRU
	}
	return langEN
}

// errorPage is the model of templates/error.html.
type errorPage struct {
	pageBase
	Message string
	BackURL string
}

// pageError renders err as an HTML page with its status: an unknown tag is
// 404 "unknown tag"; an internal error is logged with an ID, as the API's.
func (s *Server) pageError(c fiber.Ctx, lang, code string, err error) error {
	ecode, _, _ := classify(err)
	status := ErrorStatusCode(ecode)
	page := errorPage{pageBase: pageBase{Lang: lang}}
	switch {
	case ecode == pos.CodeNotFound:
		page.Title, page.Message = translate(lang, "title_unknown"), translate(lang, "unknown_tag")
	default:
		if ecode == pos.CodeInternal {
			s.logInternal(c, err, newErrorID())
		}
		page.Title, page.Message = translate(lang, "title_error"), translate(lang, "error_retry")
		if validTagCode(code) {
			page.BackURL = tagURL(code, lang)
		}
	}
	page.SwitchURL = "?lang=" + otherLang(lang)
	if validTagCode(code) {
		page.SwitchURL = tagURL(code, otherLang(lang))
	}
	return s.render(c, status, "error", lang, page)
}
