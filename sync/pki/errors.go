package pki

import "errors"

// Errors that callers branch on.
var (
	// ErrNotEnrolled: the store has no enrolled, unrevoked, unexpired
	// certificate (or the id is not a store id at all).
	ErrNotEnrolled = errors.New("store not enrolled")
	// ErrInvalidStore: not a store id (1-64 of a-z 0-9 _ -), or "central".
	ErrInvalidStore = errors.New("invalid store id")
	// ErrExists: a file would be overwritten that must not be (a CA, an
	// identity).
	ErrExists = errors.New("already exists")
	// ErrNoCA: the directory holds no CA; Init makes one.
	ErrNoCA = errors.New("no CA (run init first)")
	// ErrUnknownSerial: no certificate of the store has that serial.
	ErrUnknownSerial = errors.New("unknown serial")
)
