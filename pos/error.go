package pos

import (
	"errors"
	"fmt"
)

// Stable error codes: part of the HTTP contract (problem+json "code").
const (
	CodeConflict          = "conflict"
	CodeForbidden         = "forbidden"
	CodeInsufficientStock = "insufficient_stock"
	CodeInternal          = "internal"
	CodeNotFound          = "not_found"
	CodeOverReturn        = "over_return"
	CodeShiftClosed       = "shift_closed"
	CodeShiftNotOpen      = "shift_not_open"
	CodeShiftOpen         = "shift_already_open"
	CodeStorageFull       = "storage_full"
	CodeTooManyRequests   = "too_many_requests"
	CodeUnauthorized      = "unauthorized"
	CodeUnknownSKU        = "unknown_sku"
	CodeValidationFailed  = "validation_failed"
	CodeIdempotencyKey    = "idempotency_key_reused"

	// Loyalty points at the till.
	CodeInsufficientPoints = "insufficient_points" // more points than the customer has here
	CodePointsLimit        = "points_over_limit"   // more of the receipt than points may pay
	CodePointsCap          = "points_cap_reached"  // more than one customer may burn here in a day
	CodeLoyaltyUnavailable = "loyalty_unavailable" // no rules from central yet

	// Till operations.
	CodeReservedStock    = "reserved_stock"     // a sale would take stock held for shoppers
	CodeUnknownScaleCode = "unknown_scale_code" // a scale label names no product
)

// FieldIdempotencyKey is the Field of errors about the Idempotency-Key
// header, which carries the key of a sale or a return.
const FieldIdempotencyKey = "Idempotency-Key"

// Error is a domain error that is safe to show to the caller. Field names the
// offending input (a JSON path such as "lines[2].qty") when there is one.
// Data, when set, is a small JSON-able value the caller can act on (the
// problem's "data" member), such as how much stock is free.
type Error struct {
	Code    string
	Message string
	Field   string
	Data    any
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("storeedge error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("storeedge error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns a validation error about one input field.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: CodeValidationFailed, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, "" for nil,
// and CodeInternal for anything else.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the message of the first *Error in err's chain, and a
// generic message for anything else so internals never leak to callers.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorField returns the offending field of the first *Error in err's chain.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorData returns the data of the first *Error in err's chain; nil when
// there is none.
func ErrorData(err error) any {
	var e *Error
	if errors.As(err, &e) {
		return e.Data
	}
	return nil
}
