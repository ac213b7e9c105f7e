// Package mock holds func-field mocks of the pos service interfaces for
// tests of adapters such as edge. Each mock calls the field of the same name
// plus "Fn"; a test sets only the fields it expects to be called, so an
// unexpected call panics with a nil function and fails the test loudly.
package mock
