package pos

import "unicode/utf8"

// PaymentOnline is the tender of a click & collect order the customer paid
// online: the shop records it on the hand-over sale, so receipts, X/Z
// reports and central see the money, but no till may take it (a till that
// sent it could sell for nothing).
const PaymentOnline = "online"

// ValidatePayments checks the tenders a till sends, for a sale and for
// the hand-over of an order paid at pickup alike: one rule for both, so a
// tender added to sales (points) is accepted, and checked, at the counter
// too. customer says whether the request names a customer (points need
// one). Fields are "payments[i]..." as the sale's body names them.
func ValidatePayments(payments []PaymentRequest, currency string, customer bool) error {
	if len(payments) == 0 || len(payments) > MaxPayments {
		return FieldErrorf("payments", "a sale has 1 to %d payments", MaxPayments)
	}
	for i, p := range payments {
		f := fieldIndex("payments", i)
		switch {
		case p.Method != PaymentCash && p.Method != PaymentCard && p.Method != PaymentPoints:
			return FieldErrorf(f+".method", "method must be cash, card or points")
		case p.Method == PaymentPoints && !customer:
			return FieldErrorf(f+".method", "paying with points needs the customer")
		case p.Amount.Currency != currency:
			return FieldErrorf(f+".amount.currency", "currency must be %s", currency)
		case p.Amount.Amount <= 0 || p.Amount.Amount > MaxAmount:
			return FieldErrorf(f+".amount.amount", "amount must be positive")
		case utf8.RuneCountInString(p.Reference) > 64:
			return FieldErrorf(f+".reference", "reference is at most 64 characters")
		}
	}
	return nil
}
