package bolt

// SetExpireBatch sets the reservations per sweeper transaction for a test
// and returns a function that restores it.
func SetExpireBatch(n int) (restore func()) {
	old := expireBatch
	expireBatch = n
	return func() { expireBatch = old }
}
