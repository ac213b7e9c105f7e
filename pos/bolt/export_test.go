package bolt

// SetPruneBatch sets the records per prune transaction for a test and
// returns a function that restores it.
func SetPruneBatch(n int) (restore func()) {
	old := pruneBatch
	pruneBatch = n
	return func() { pruneBatch = old }
}
