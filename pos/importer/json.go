package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/storeedge/storeedge/pos"
)

// ParseJSON reads a JSON import file: an array of products or
// {"products": [...]}. A product uses pos.Product's field names, plus
// "price" (one price, always in force) instead of "prices", and "stock" as
// a number of sale units (or {"on_hand": n}). Unknown fields, floats and
// quoted numbers are errors. Errors are validation_failed with a Field such
// as "products[3].barcodes[0]".
func ParseJSON(r io.Reader, d Defaults) ([]pos.ProductImport, error) {
	dec := json.NewDecoder(limit(r))
	wrapped, err := openList(dec)
	if err != nil {
		return nil, err
	}
	items, err := readProducts(dec, d)
	if err != nil {
		return nil, err
	}
	if err := closeList(dec, wrapped); err != nil {
		return nil, err
	}
	if err := finish(items, productField); err != nil {
		return nil, err
	}
	return items, nil
}

// productField names a field of products[i]; "" names the product itself.
func productField(i int, field string) string {
	if field == "" {
		return fieldIndex("products", i)
	}
	return fieldIndex("products", i) + "." + field
}

// openList reads up to the "[" that opens the product array and reports
// whether the array is wrapped in {"products": ...}.
func openList(dec *json.Decoder) (wrapped bool, err error) {
	tok, err := dec.Token()
	if err == io.EOF {
		return false, pos.FieldErrorf("products", "the file is empty")
	} else if err != nil {
		return false, jsonError("products", err)
	}
	switch tok {
	case json.Delim('['):
		return false, nil
	case json.Delim('{'):
		if tok, err = dec.Token(); err != nil {
			return true, jsonError("products", err)
		} else if key, ok := tok.(string); ok && !strings.EqualFold(key, "products") {
			return true, pos.FieldErrorf(keyField(key), "unknown field %q: the file holds an array of products or {\"products\": [...]}", clip(key))
		} else if !ok {
			return true, pos.FieldErrorf("products", "products is required")
		}
		if tok, err = dec.Token(); err != nil {
			return true, jsonError("products", err)
		} else if tok == json.Delim('[') {
			return true, nil
		}
	}
	return false, pos.FieldErrorf("products", "the file must hold an array of products or {\"products\": [...]}")
}

// closeList reads the "]" (and "}") that close the product list and
// makes sure nothing follows.
func closeList(dec *json.Decoder, wrapped bool) error {
	if _, err := dec.Token(); err != nil { // "]": More() said the array ended
		return jsonError("products", err)
	}
	if wrapped {
		tok, err := dec.Token()
		if err != nil {
			return jsonError("products", err)
		} else if key, ok := tok.(string); ok {
			return pos.FieldErrorf(keyField(key), "unknown field %q: only products is allowed here", clip(key))
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return pos.FieldErrorf("products", "unexpected data after the product list")
	}
	return nil
}

// keyField names an unknown top-level key as the error's Field.
func keyField(key string) string {
	if key == "" {
		return `""`
	}
	return clip(key)
}

// readProducts decodes the elements of the product array.
func readProducts(dec *json.Decoder, d Defaults) ([]pos.ProductImport, error) {
	var items []pos.ProductImport
	skus := make(map[string]int)
	for i := 0; dec.More(); i++ {
		if i >= MaxProducts {
			return nil, pos.FieldErrorf(productField(i, ""), "a file holds at most %d products", MaxProducts)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonError(productField(i, ""), err)
		}
		p, err := decodeProduct(raw, d)
		if err != nil {
			return nil, relocate(err, func(f string) string { return productField(i, f) })
		}
		if j, dup := skus[strings.TrimSpace(p.SKU)]; dup {
			return nil, pos.FieldErrorf(productField(i, "sku"), "SKU %s is also products[%d]", clip(p.SKU), j)
		}
		skus[strings.TrimSpace(p.SKU)] = i
		items = append(items, p)
	}
	return items, nil
}

// decodeProduct decodes one product object. Error fields are relative to
// the product.
func decodeProduct(raw json.RawMessage, d Defaults) (pos.ProductImport, error) {
	var w wireProduct
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return pos.ProductImport{}, decodeError(raw, err)
	}
	p, err := w.product(d)
	if err != nil {
		return p, err
	}
	return p, nil
}

// decodeError explains why a product object did not decode, naming the
// offending field where it can.
func decodeError(raw json.RawMessage, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return pos.FieldErrorf(te.Field, "expected %s, got a JSON %s", kindName(te.Type), te.Value)
	}
	name, ok := strings.CutPrefix(err.Error(), "json: unknown field ")
	if !ok {
		return jsonError("", err)
	}
	key, uerr := strconv.Unquote(name)
	if uerr != nil {
		return pos.FieldErrorf("", "unknown field %s", clip(name))
	}
	return pos.FieldErrorf(findKey(raw, key), "unknown field %q", clip(key))
}

// findKey returns the path of key in a product object: at its top level,
// in one element of prices, promotions or specs, or in stock. It returns
// "" when the key is not found, which names the whole product.
func findKey(raw json.RawMessage, key string) string {
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return ""
	}
	if _, ok := top[key]; ok {
		return key
	}
	var stock map[string]json.RawMessage
	if json.Unmarshal(top["stock"], &stock) == nil && stock[key] != nil {
		return "stock." + key
	}
	for _, list := range []string{"prices", "promotions", "specs"} {
		var elems []map[string]json.RawMessage
		_ = json.Unmarshal(top[list], &elems) // a list that does not decode has no key to find
		for i, e := range elems {
			if _, ok := e[key]; ok {
				return fieldIndex(list, i) + "." + key
			}
		}
	}
	return ""
}

// jsonError turns a decoding error into a validation error at field.
func jsonError(field string, err error) error {
	var se *json.SyntaxError
	var pe *pos.Error
	switch {
	case errors.As(err, &pe):
		return err
	case errors.As(err, &se):
		return pos.FieldErrorf(field, "invalid JSON near byte %d: %v", se.Offset, err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return pos.FieldErrorf(field, "the file ends too early: the JSON is cut off")
	}
	return pos.FieldErrorf(field, "invalid JSON: %v", err)
}

// kindName describes a Go type as the JSON value it decodes from.
func kindName(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Bool:
		return "true or false"
	}
	return fmt.Sprintf("a %s", t.Kind())
}
