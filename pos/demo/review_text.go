package demo

import "math/rand/v2"

// phrases are the sentences shoppers write about one department: praise
// for a good buy, a caveat for a fair one, a complaint for a bad one. They
// avoid the grammatical gender of the product and of the author, so any
// sentence fits any product of the department and any name.
type phrases struct {
	praise, caveat, complaint []string
}

// Closing sentences that fit any product, by how the shopper found it.
var (
	closingGood = []string{"Рекомендую!", "Буду брать ещё.", "Спасибо магазину!", "Однозначно советую."}
	closingFair = []string{"В целом нормально за свою цену.", "Брать можно, но без восторга.", "Сносно, хотя есть варианты и получше."}
	closingBad  = []string{"Больше не возьму.", "Не рекомендую.", "Сплошное разочарование."}
)

// English reviews are generic: visitors write short ones.
var (
	englishGood = []string{"Great value, would buy again.", "Exactly as described, very happy with it.", "Good quality and always in stock here.", "My go-to choice in this shop."}
	englishFair = []string{"Decent for the price, nothing special.", "Okay, but I have had better."}
	englishBad  = []string{"Disappointed, will not buy again.", "Poor quality for the money."}
)

// Reviewers sign with a first name and an initial, as review sites show them.
var (
	authorsRu = []string{
		"Анна К.", "Сергей М.", "Ольга В.", "Дмитрий П.", "Елена С.", "Андрей Н.", "Мария Л.", "Игорь Т.",
		"Наталья Г.", "Алексей Б.", "Татьяна Р.", "Михаил Е.", "Ирина Ж.", "Павел Ф.", "Светлана Д.", "Кирилл О.",
	}
	authorsEn = []string{"Emma W.", "James T.", "Sophie L.", "Mark D.", "Lena H."}
)

// text composes a Russian review of stars: praise, with a second sentence
// or a closing for five stars, a caveat for four, a caveat and a lukewarm
// closing for three, a complaint and a closing below that.
func (ph *phrases) text(r *rand.Rand, stars int64) string {
	switch {
	case stars >= 5:
		i := r.IntN(len(ph.praise))
		switch r.IntN(3) {
		case 0:
			return ph.praise[i]
		case 1:
			return ph.praise[i] + " " + ph.praise[(i+1+r.IntN(len(ph.praise)-1))%len(ph.praise)]
		}
		return ph.praise[i] + " " + pick(r, closingGood)
	case stars == 4:
		return pick(r, ph.praise) + " " + pick(r, ph.caveat)
	case stars == 3:
		return pick(r, ph.caveat) + " " + pick(r, closingFair)
	}
	return pick(r, ph.complaint) + " " + pick(r, closingBad)
}

// textEn is a short English review of stars.
func textEn(r *rand.Rand, stars int64) string {
	switch {
	case stars >= 4:
		return pick(r, englishGood)
	case stars == 3:
		return pick(r, englishFair)
	}
	return pick(r, englishBad)
}

// phrasesFor returns the sentences of a department, or general ones.
func phrasesFor(slug string) *phrases {
	if ph, ok := reviewPhrases[slug]; ok {
		return ph
	}
	return &generalPhrases
}
