package edge

import (
	"iter"
	"unicode/utf8"

	"github.com/gofiber/fiber/v3"

	"github.com/storeedge/storeedge/pos"
)

// checkArgs refuses a request whose query parameters or form fields hold
// a control character or invalid UTF-8, naming the parameter, before any
// handler reads one: nothing the edge accepts may carry such a string into
// a record or an outbox event, where one NUL once stalled a shop's sync.
// Bodies are checked by decodeJSON, path parameters by param and the
// Idempotency-Key by idempotencyKey.
func checkArgs(c fiber.Ctx) error {
	if err := checkArgList(c.Request().URI().QueryArgs().All(), "query"); err != nil {
		return err
	}
	// Empty unless the body is application/x-www-form-urlencoded.
	if err := checkArgList(c.Request().PostArgs().All(), "form"); err != nil {
		return err
	}
	return c.Next()
}

// checkArgList checks decoded name=value pairs; a bad name is reported as
// where ("query" or "form"), a bad value by its name.
func checkArgList(args iter.Seq2[[]byte, []byte], where string) error {
	for k, v := range args {
		name := string(k)
		if err := pos.CheckString(where, name, false); err != nil {
			return pos.FieldErrorf(where, "a %s parameter name holds a control character or invalid UTF-8", where)
		}
		if err := pos.CheckString(name, string(v), false); err != nil {
			return err
		}
	}
	return nil
}

// checkBodyUTF8 refuses a body that is not valid UTF-8, naming the JSON
// path of the value at fault: encoding/json would quietly turn the bad
// bytes into U+FFFD, so it must be caught before decoding.
func checkBodyUTF8(body []byte) error {
	if utf8.Valid(body) {
		return nil
	}
	off := 0
	for off < len(body) {
		r, size := utf8.DecodeRune(body[off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	path := pathAt(body, int64(off))
	return pos.FieldErrorf(path, "%s is not valid UTF-8 (at byte %d of the body)", nameOf(path), off)
}
