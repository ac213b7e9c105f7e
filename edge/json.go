package edge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"reflect"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// decodeJSON decodes the request body into v strictly: the body must be JSON
// (or have no Content-Type), uncompressed, valid UTF-8, one value, with no
// field that v does not have, and no string with a control character
// (pos.CheckText: tab and newline only in fields tagged text:"multiline").
// Errors are validation_failed with the JSON path of the offending value
// when it can be told, or unsupported_media_type.
func decodeJSON(c fiber.Ctx, v any) error {
	if err := checkJSONContent(c); err != nil {
		return err
	}
	// The raw body: fiber's c.Body() would inflate gzip/deflate/brotli,
	// which would let a small body escape BodyLimit.
	body := c.Request().Body()
	if err := checkBodyUTF8(body); err != nil {
		return err
	}
	if err := decodeStrict(body, v); err != nil {
		return err
	}
	return pos.CheckText(v)
}

// checkJSONContent refuses a body whose media type is not JSON or that is
// content-encoded.
func checkJSONContent(c fiber.Ctx) error {
	if enc := c.Get(fiber.HeaderContentEncoding); enc != "" && !strings.EqualFold(enc, "identity") {
		return pos.Errorf(codeUnsupportedMediaType, "Content-Encoding %q is not accepted; send the body uncompressed", enc)
	}
	ct := c.Get(fiber.HeaderContentType)
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !(mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		return pos.Errorf(codeUnsupportedMediaType, "the request body must be application/json")
	}
	return nil
}

// decodeStrict decodes exactly one JSON value from body into v.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return pos.FieldErrorf("", "a JSON request body is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(body, v, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return pos.FieldErrorf("", "unexpected data after the JSON body")
	}
	return nil
}

// jsonError turns a decoding error into a validation error naming the JSON
// path ("lines[1].qty") of the value at fault.
func jsonError(body []byte, v any, err error) error {
	var (
		typeErr   *json.UnmarshalTypeError
		syntaxErr *json.SyntaxError
	)
	switch {
	case errors.As(err, &typeErr):
		path := pathAt(body, typeErr.Offset)
		if path == "" {
			path = typeErr.Field
		}
		return pos.FieldErrorf(path, "%s must be %s, not %s", nameOf(path), jsonKind(typeErr.Type), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return pos.FieldErrorf(pathAt(body, syntaxErr.Offset), "malformed JSON at byte %d", syntaxErr.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return pos.FieldErrorf("", "the JSON body is truncated")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		path := unknownFieldPath(body, reflect.TypeOf(v))
		if path == "" {
			path = name
		}
		return pos.FieldErrorf(path, "unknown field %q", name)
	}
	return pos.FieldErrorf("", "the JSON body cannot be decoded")
}

func nameOf(path string) string {
	if path == "" {
		return "the body"
	}
	return path
}

// jsonKind names the JSON type a Go type decodes from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a " + t.Kind().String()
}

// pathFrame is one open object or array while walking a JSON document.
type pathFrame struct {
	array   bool
	index   int    // array: index of the current element
	key     string // object: key of the current member
	wantKey bool   // object: the next token is a key (or the end)
}

// pathAt returns the JSON path of the value that ends at byte offset off,
// or of the place where the document stops parsing. It reports the same
// offsets as encoding/json's errors: the end of a scalar, or just after the
// opening delimiter of an object or array.
func pathAt(body []byte, off int64) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	var st []pathFrame
	for {
		tok, err := dec.Token()
		if err != nil {
			return formatPath(st)
		}
		if n := len(st); n > 0 && st[n-1].wantKey {
			if key, ok := tok.(string); ok {
				st[n-1].key, st[n-1].wantKey = key, false
				continue
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if dec.InputOffset() >= off {
				return formatPath(st)
			}
			st = append(st, pathFrame{array: tok == json.Delim('['), wantKey: tok == json.Delim('{')})
			continue
		case json.Delim('}'), json.Delim(']'):
			st = st[:len(st)-1]
		default:
			if dec.InputOffset() >= off {
				return formatPath(st)
			}
		}
		advance(st)
	}
}

// advance moves the innermost frame past a completed value.
func advance(st []pathFrame) {
	if n := len(st); n > 0 {
		if st[n-1].array {
			st[n-1].index++
		} else {
			st[n-1].wantKey = true
		}
	}
}

// formatPath writes frames as "lines[1].qty".
func formatPath(st []pathFrame) string {
	var b strings.Builder
	for _, f := range st {
		switch {
		case f.array:
			fmt.Fprintf(&b, "[%d]", f.index)
		case !f.wantKey:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		default:
			return b.String() // between members: the object itself is the place
		}
	}
	return b.String()
}

// unknownFieldPath returns the path of the first object key in body that
// has no field in the Go type t, or "" if there is none.
func unknownFieldPath(body []byte, t reflect.Type) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	path, _ := findUnknown(dec, t, "")
	return path
}

// findUnknown walks one JSON value against type t (nil: anything goes) and
// returns the path of the first unknown key. err stops the walk.
func findUnknown(dec *json.Decoder, t reflect.Type, path string) (string, error) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	switch tok {
	case json.Delim('{'):
		return findUnknownInObject(dec, t, path)
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if p, err := findUnknown(dec, elem, path+"["+strconv.Itoa(i)+"]"); p != "" || err != nil {
				return p, err
			}
		}
		_, err = dec.Token()
		return "", err
	}
	return "", nil
}

func findUnknownInObject(dec *json.Decoder, t reflect.Type, path string) (string, error) {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		key, _ := tok.(string)
		sub := key
		if path != "" {
			sub = path + "." + key
		}
		var ft reflect.Type
		switch {
		case t == nil:
		case t.Kind() == reflect.Map:
			ft = t.Elem()
		case t.Kind() == reflect.Struct:
			f, ok := jsonField(t, key)
			if !ok {
				return sub, nil
			}
			ft = f
		}
		if p, err := findUnknown(dec, ft, sub); p != "" || err != nil {
			return p, err
		}
	}
	_, err := dec.Token()
	return "", err
}

// jsonField finds the type of the field of struct t that encoding/json
// would decode key into: an exact name first, then a case-insensitive one.
func jsonField(t reflect.Type, key string) (reflect.Type, bool) {
	var folded reflect.Type
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if sub, ok := jsonField(ft, key); ok {
					return sub, true
				}
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		if name == key {
			return f.Type, true
		}
		if folded == nil && strings.EqualFold(name, key) {
			folded = f.Type
		}
	}
	return folded, folded != nil
}
