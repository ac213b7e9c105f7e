package edge

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/storeedge/storeedge/pos"
)

func TestPathAt(t *testing.T) {
	body := []byte(`{"lines":[{"sku":"A","qty":1},{"sku":"B","qty":"x"}],"payments":[{"amount":{"amount":1}}],"n":null}`)
	for _, tc := range []struct {
		off  int64
		want string
	}{
		{1, ""},              // just after the root '{': the root itself
		{10, "lines"},        // just after '['
		{11, "lines[0]"},     // just after the first '{'
		{20, "lines[0].sku"}, // end of "A"
		{50, "lines[1].qty"}, // end of "x"
		{int64(bytes.Index(body, []byte(`"amount":1`)) + 10), "payments[0].amount.amount"},
		{int64(len(body) - 1), "n"},
	} {
		if got := pathAt(body, tc.off); got != tc.want {
			t.Errorf("pathAt(%d)=%q, want %q", tc.off, got, tc.want)
		}
	}
}

func TestUnknownFieldPath(t *testing.T) {
	typ := reflect.TypeOf(&pos.SaleRequest{})
	for _, tc := range []struct{ body, want string }{
		{`{"lines":[{"sku":"A"},{"SKU":"B","x":1}]}`, "lines[1].x"},
		{`{"customer":{"phone":"1","email":"a"}}`, "customer.email"},
		{`{"payments":[{"amount":{"Amount":1,"cur":"RUB"}}]}`, "payments[0].amount.cur"},
		{`{"LINES":[],"extra":{"a":[1,{"b":2}]}}`, "extra"},
		{`{"lines":[]}`, ""},
	} {
		if got := unknownFieldPath([]byte(tc.body), typ); got != tc.want {
			t.Errorf("unknownFieldPath(%s)=%q, want %q", tc.body, got, tc.want)
		}
	}
}

func TestDecodeStrict(t *testing.T) {
	for _, tc := range []struct{ body, field string }{
		{`{"lines":[{"sku":"A","qty":1}]}`, "-"},
		{" {\"lines\":[]} \n\t", "-"},
		{`{"lines":[]}{}`, ""},
		{`{"lines":[]} x`, ""},
		{`{"lines":[{"qty":true}]}`, "lines[0].qty"},
		{`{"customer":{"phone":["+7"]}}`, "customer.phone"},
		{`{"customer":{"phone":"+7","x":0}}`, "customer.x"},
		{`{"lines":[{"sku":"A","qty":1}`, ""},
		{"   ", ""},
	} {
		var req pos.SaleRequest
		err := decodeStrict([]byte(tc.body), &req)
		if tc.field == "-" {
			if err != nil {
				t.Errorf("decodeStrict(%s): %v", tc.body, err)
			}
			continue
		}
		var e *pos.Error
		if !errors.As(err, &e) || e.Code != pos.CodeValidationFailed || e.Field != tc.field || e.Message == "" {
			t.Errorf("decodeStrict(%s) = %v, want validation_failed field %q", tc.body, err, tc.field)
		}
	}
}

func TestJSONKind(t *testing.T) {
	var n json.Number
	for typ, want := range map[reflect.Type]string{
		reflect.TypeOf(int64(0)): "an integer", reflect.TypeOf(""): "a string", reflect.TypeOf(true): "a boolean",
		reflect.TypeOf([]int{}): "an array", reflect.TypeOf(&pos.Money{}): "an object", reflect.TypeOf(1.5): "a number",
		reflect.TypeOf(n): "a string", nil: "a value",
	} {
		if got := jsonKind(typ); got != want {
			t.Errorf("jsonKind(%v)=%q, want %q", typ, got, want)
		}
	}
}
