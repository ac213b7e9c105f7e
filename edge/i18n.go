package edge

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// Languages of the shopper's pages. Russian is the default.
const (
	langRU = "ru"
	langEN = "en"
)

// messages are the texts of the shopper's pages: key → {ru, en}.
var messages = map[string][2]string{
	"title_unknown":  {"Ценник не найден", "Unknown tag"},
	"unknown_tag":    {"Этот ценник нам неизвестен. Попросите помощи у сотрудника магазина.", "We do not know this price tag. Please ask a member of staff."},
	"title_error":    {"Что-то пошло не так", "Something went wrong"},
	"error_retry":    {"Попробуйте ещё раз чуть позже.", "Please try again in a moment."},
	"back":           {"Назад к товару", "Back to the product"},
	"switch_lang":    {"English", "Русский"},
	"your_price":     {"Ваша цена", "Your price"},
	"per_kg":         {"за кг", "per kg"},
	"promo_until":    {"Акция до", "Offer ends"},
	"no_price":       {"Цена уточняется", "Price to be confirmed"},
	"stock_here":     {"В этом магазине", "In this shop"},
	"in_stock":       {"есть в наличии", "in stock"},
	"few":            {"осталось мало", "few left"},
	"none":           {"нет в наличии", "out of stock"},
	"nearby":         {"В магазинах рядом", "In shops nearby"},
	"specs":          {"Характеристики", "Specifications"},
	"more_specs":     {"и ещё", "and more:"},
	"reviews":        {"Отзывы", "Reviews"},
	"rating_of":      {"из 5", "out of 5"},
	"reserve":        {"Забронировать здесь на 24 ч", "Reserve here for 24 h"},
	"order":          {"Заказать в этот магазин", "Order to this shop"},
	"phone":          {"Телефон", "Phone"},
	"phone_hint":     {"+7 900 000-00-00", "+7 900 000-00-00"},
	"reserved_title": {"Товар забронирован", "Reserved"},
	"pickup_code":    {"Код получения", "Pickup code"},
	"pickup_hint":    {"Покажите этот QR-код или назовите код на кассе.", "Show this QR code or tell the code at the till."},
	"reserved_until": {"Бронь действует до", "Held until"},
	"ordered_title":  {"Спасибо за заказ", "Thank you for your order"},
	"ordered_text":   {"Мы сообщим по SMS, когда товар приедет в магазин.", "We will text you when the item arrives at this shop."},
	"err_phone":      {"Проверьте номер телефона, например +7 916 123-45-67.", "Please check the phone number, e.g. +7 916 123-45-67."},
	"err_stock":      {"К сожалению, сейчас этого товара недостаточно, чтобы его забронировать.", "Sorry, there is not enough in stock to reserve this item now."},
	"err_limit":      {"Слишком много броней на этот номер. Попробуйте позже.", "Too many reservations for this phone. Please try again later."},
	"err_form":       {"Страница устарела, отправьте форму ещё раз.", "The page was out of date; please send the form again."},
	"err_generic":    {"Не получилось. Попробуйте ещё раз.", "That did not work. Please try again."},
	"identified":     {"Вы вошли по карте лояльности", "You are signed in with your loyalty card"},
	"reserve_note":   {"Бронь бесплатна, оплата на кассе.", "Reserving is free; you pay at the till."},
	"order_note":     {"Привезём в этот магазин; оплата при получении.", "We bring it to this shop; you pay on pickup."},
	"weighed_note":   {"Весовой товар: взвесим на кассе.", "Sold by weight: weighed at the till."},
}

// translate returns the text of key in lang; a missing key shows as
// [[key]] so that tests catch it.
func translate(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return "[[" + key + "]]"
	}
	if lang == langEN {
		return m[1]
	}
	return m[0]
}

// pickLang chooses the page language: ?lang= wins, then Accept-Language,
// then Russian.
func pickLang(c fiber.Ctx) string {
	switch c.Query("lang") {
	case langRU:
		return langRU
	case langEN:
		return langEN
	}
	return acceptLanguage(c.Get(fiber.HeaderAcceptLanguage))
}

// acceptLanguage picks ru or en from an Accept-Language header by quality
// (RFC 9110 §12.5.4); of equal qualities the first listed wins.
func acceptLanguage(h string) string {
	best, bestQ := langRU, -1.0
	for i, part := range strings.Split(h, ",") {
		if i == 32 {
			break // a longer header is not a browser's
		}
		tag, params, _ := strings.Cut(part, ";")
		primary, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
		primary = strings.ToLower(primary)
		if primary != langRU && primary != langEN {
			continue
		}
		if q := quality(params); q > bestQ && q > 0 {
			best, bestQ = primary, q
		}
	}
	return best
}

// quality reads "q=0.8" from the parameters of a list item; 1 by default.
func quality(params string) float64 {
	k, v, ok := strings.Cut(strings.TrimSpace(params), "=")
	if !ok || strings.TrimSpace(k) != "q" {
		return 1
	}
	q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || q < 0 || q > 1 {
		return 0
	}
	return q
}

// currencySymbols are the signs shown for currencies; others show the code.
var currencySymbols = map[string]string{"RUB": "₽", "USD": "$", "EUR": "€", "KZT": "₸", "BYN": "Br"}

// formatMoney shows an amount for people: "1 234,56 ₽" in Russian,
// "₽1,234.56" in English. Minor units are hundredths, as everywhere.
func formatMoney(m pos.Money, lang string) string {
	sym, ok := currencySymbols[m.Currency]
	if !ok {
		sym = m.Currency
	}
	a := m.Amount
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	frac := strconv.FormatInt(100+a%100, 10)[1:]
	if lang == langEN {
		return sign + sym + groupThousands(a/100, ',') + "." + frac
	}
	return sign + groupThousands(a/100, ' ') + "," + frac + " " + sym
}

// groupThousands writes n with sep between groups of three digits.
func groupThousands(n int64, sep byte) string {
	s := strconv.FormatInt(n, 10)
	if len(s) <= 3 {
		return s
	}
	b := make([]byte, 0, len(s)+len(s)/3)
	for i := 0; i < len(s); i++ {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, sep)
		}
		b = append(b, s[i])
	}
	return string(b)
}

// formatDateTime shows a moment in the shop's local time.
func formatDateTime(t time.Time, lang string) string {
	if lang == langEN {
		return t.Local().Format("Jan 2, 2006 15:04")
	}
	return t.Local().Format("02.01.2006 15:04")
}

// formatDate shows a day in the shop's local time.
func formatDate(t time.Time, lang string) string {
	if lang == langEN {
		return t.Local().Format("Jan 2, 2006")
	}
	return t.Local().Format("02.01.2006")
}

// formatRating shows a rating in tenths of a star: "4,3" or "4.3".
func formatRating(tenths int64, lang string) string {
	sep := ","
	if lang == langEN {
		sep = "."
	}
	return strconv.FormatInt(tenths/10, 10) + sep + strconv.FormatInt(tenths%10, 10)
}

// stars draws a rating of 0-5 whole stars.
func stars(n int64) string {
	n = min(max(n, 0), 5)
	return strings.Repeat("★", int(n)) + strings.Repeat("☆", int(5-n))
}

// reviewCount says "12 отзывов" or "12 reviews".
func reviewCount(n int64, lang string) string {
	s := strconv.FormatInt(n, 10)
	if lang == langEN {
		if n == 1 {
			return s + " review"
		}
		return s + " reviews"
	}
	return s + " " + ruPlural(n, "отзыв", "отзыва", "отзывов")
}

// ruPlural picks the Russian form for n: 1 отзыв, 2 отзыва, 5 отзывов.
func ruPlural(n int64, one, few, many string) string {
	n %= 100
	switch {
	case n >= 11 && n <= 14:
		return many
	case n%10 == 1:
		return one
	case n%10 >= 2 && n%10 <= 4:
		return few
	}
	return many
}
