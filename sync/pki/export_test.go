package pki

// White-box hooks for the external tests.
var ValidStoreID = validStoreID
