package pki

// White-box hooks for the external tests.
var (
	ValidStoreID = validStoreID
	ACLText      = aclText
	TopicMatches = topicMatches
	ValidHost    = validHost
)
