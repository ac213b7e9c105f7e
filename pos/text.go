package pos

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// TagText is the struct tag key that marks a string field as free text:
// `text:"multiline"` lets it hold tab and newline. Every other string
// accepts neither, so a name, a code or a reference stays one line.
const TagText = "text"

// textMultiline is the value of TagText for free-text fields.
const textMultiline = "multiline"

// CheckText walks v (structs, pointers, interfaces, slices, arrays and
// maps, by reflection) and refuses the first string that is not valid
// UTF-8 or holds a control character: C0 (U+0000-U+001F), DEL (U+007F)
// and C1 (U+0080-U+009F); fields tagged `text:"multiline"` may hold tab
// and newline. The error is validation_failed with the JSON path of the
// string ("payments[0].reference"), built from json tags.
//
// Why: one NUL in a payment reference once stalled a shop's sync, because
// central could not store the event that carried it. Nothing the edge
// accepts may hold one. Byte slices (json.RawMessage) are skipped: they
// are decoded, and checked, by whoever reads them.
func CheckText(v any) error {
	return walkText(reflect.ValueOf(v), "", false)
}

// CheckString checks one string as CheckText does; field names it in the
// error.
func CheckString(field, s string, multiline bool) error {
	if fault := textFault(s, multiline); fault != "" {
		return FieldErrorf(field, "%s %s", textSubject(field), fault)
	}
	return nil
}

// walkText checks v, found at path; multiline is inherited from the field
// that holds a slice or map of strings.
func walkText(v reflect.Value, path string, multiline bool) error {
	switch v.Kind() {
	case reflect.String:
		return CheckString(path, v.String(), multiline)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return walkText(v.Elem(), path, multiline)
	case reflect.Struct:
		return walkStruct(v, path)
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // bytes, not text
		}
		for i := 0; i < v.Len(); i++ {
			if err := walkText(v.Index(i), fieldIndex(path, i), multiline); err != nil {
				return err
			}
		}
	case reflect.Map:
		return walkMap(v, path, multiline)
	}
	return nil
}

// walkStruct checks the exported fields of a struct that JSON would
// decode; an embedded struct without a json name shares its parent's path.
func walkStruct(v reflect.Value, path string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		sub := path
		if !f.Anonymous || name != "" {
			if name == "" {
				name = f.Name
			}
			sub = joinPath(path, name)
		}
		if err := walkText(v.Field(i), sub, f.Tag.Get(TagText) == textMultiline); err != nil {
			return err
		}
	}
	return nil
}

// walkMap checks a map's keys (always one line) and values, in key order
// so the same input always names the same field.
func walkMap(v reflect.Value, path string, multiline bool) error {
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int {
		return strings.Compare(fmt.Sprint(a.Interface()), fmt.Sprint(b.Interface()))
	})
	for _, k := range keys {
		name := fmt.Sprint(k.Interface())
		if k.Kind() == reflect.String {
			if fault := textFault(name, false); fault != "" {
				return FieldErrorf(path, "a key of %s %s", textSubject(path), fault)
			}
		}
		if err := walkText(v.MapIndex(k), joinPath(path, name), multiline); err != nil {
			return err
		}
	}
	return nil
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func textSubject(field string) string {
	if field == "" {
		return "the value"
	}
	return field
}

// textFault says what is wrong with s ("" when nothing is).
func textFault(s string, multiline bool) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f { // printable ASCII: the common case
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return fmt.Sprintf("is not valid UTF-8 (at byte %d)", i)
		case multiline && (r == '\t' || r == '\n'):
		case IsControl(r):
			if multiline {
				return fmt.Sprintf("holds the control character %U at byte %d; only tab and newline are allowed", r, i)
			}
			return fmt.Sprintf("holds the control character %U at byte %d; it must be one line of printable text", r, i)
		}
		i += size
	}
	return ""
}

// IsControl reports whether r is a C0 or C1 control character or DEL.
func IsControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f)
}
