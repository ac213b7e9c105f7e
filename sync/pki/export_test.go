package pki

// White-box hooks for the external tests.
var (
	ACLText      = aclText
	TopicMatches = topicMatches
	ValidHost    = validHost
)
