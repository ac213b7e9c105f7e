package demo

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/storeedge/storeedge/pos"
)

// Shares and bounds of what shoppers say, drawn with the review generator.
const (
	ratedShare   = 67  // per cent of products with a rating and a review count
	maxReviews   = 3   // sample reviews carried by a rated product
	englishShare = 10  // per cent of sample reviews written in English
	reviewDays   = 180 // sample reviews come from the last six months
)

// reviewSeq seeds the review generator. Reviews draw from a stream of
// their own so that adding them left every barcode, price and promotion of
// the demo shop as it was.
const reviewSeq = 0x4E_71E35

// reviews gives two products in three an average rating, a review count
// and up to three sample reviews, newest first.
func (g *generator) reviews(p *pos.Product) {
	r := g.rv
	if r.IntN(100) >= ratedShare {
		return
	}
	p.Rating = int64(28 + max(r.IntN(22), r.IntN(22))) // 2.8-4.9 stars, mostly above 4
	p.ReviewCount = reviewCount(r)
	ph := phrasesFor(p.Category)
	seen := make(map[string]bool)
	for range r.IntN(maxReviews + 1) {
		rv := g.review(ph, p.Rating)
		for try := 0; try < 4 && (seen[rv.Text] || seen[rv.Author]); try++ {
			rv = g.review(ph, p.Rating) // a product page does not repeat itself
		}
		seen[rv.Text], seen[rv.Author] = true, true
		p.Reviews = append(p.Reviews, rv)
	}
	slices.SortStableFunc(p.Reviews, func(a, b pos.Review) int { return b.Date.Compare(a.Date) })
}

// reviewCount is tens of reviews, or for one product in three hundreds.
func reviewCount(r *rand.Rand) int64 {
	if r.IntN(3) == 0 {
		return int64(100 + r.IntN(700))
	}
	return int64(10 + r.IntN(90))
}

// review is one sample review whose stars agree with the average avg (in
// tenths of a star).
func (g *generator) review(ph *phrases, avg int64) pos.Review {
	r := g.rv
	rv := pos.Review{Rating: starsNear(r, avg), Date: g.reviewDate()}
	if r.IntN(100) < englishShare {
		rv.Author, rv.Text = pick(r, authorsEn), textEn(r, rv.Rating)
	} else {
		rv.Author, rv.Text = pick(r, authorsRu), ph.text(r, rv.Rating)
	}
	return rv
}

// starsNear rounds the average avg (in tenths) down or up to whole stars,
// up with the probability of its fraction, so that many reviews drawn
// this way average avg.
func starsNear(r *rand.Rand, avg int64) int64 {
	s := avg / 10
	if int64(r.IntN(10)) < avg%10 {
		s++
	}
	return min(max(s, 1), 5)
}

// reviewDate is a daytime moment on one of the reviewDays days before
// today, so always before now.
func (g *generator) reviewDate() time.Time {
	today := g.now.Truncate(24 * time.Hour)
	day := today.AddDate(0, 0, -1-g.rv.IntN(reviewDays))
	return day.Add(time.Duration(8+g.rv.IntN(14))*time.Hour + time.Duration(g.rv.IntN(60))*time.Minute)
}

// pick returns a random element of list, which is never empty.
func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }
