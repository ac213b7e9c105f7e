package importer_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/storeedge/storeedge/pos"
	"github.com/storeedge/storeedge/pos/importer"
)

// now is the fixed clock of the tests.
var now = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

var defaults = importer.Defaults{Currency: "RUB", Now: now}

// ean13 completes a 12-digit body with its check digit.
func ean13(body string) string { return body + string(pos.CheckDigit(body)) }

// Valid barcodes used across the tests.
var (
	bcMilk  = ean13("460000000001")
	bcBread = ean13("460000000002")
	bcApple = ean13("460000000003")
)

// mustFail checks that err is a validation error at field whose message
// contains msg.
func mustFail(tb testing.TB, err error, field, msg string) {
	tb.Helper()
	var e *pos.Error
	if !errors.As(err, &e) {
		tb.Fatalf("err = %v, want a *pos.Error at %q", err, field)
	}
	if got, want := e.Code, pos.CodeValidationFailed; got != want {
		tb.Fatalf("Code = %q, want %q", got, want)
	}
	if got, want := e.Field, field; got != want {
		tb.Fatalf("Field = %q, want %q (message %q)", got, want, e.Message)
	}
	if !strings.Contains(e.Message, msg) {
		tb.Fatalf("Message = %q, want it to contain %q", e.Message, msg)
	}
}

// checkValid fails unless every product passes Validate, as the importer
// promises to callers.
func checkValid(tb testing.TB, items []pos.ProductImport) {
	tb.Helper()
	for i := range items {
		if err := items[i].Validate(); err != nil {
			tb.Fatalf("items[%d] (%s) does not validate: %v", i, items[i].SKU, err)
		}
	}
}
