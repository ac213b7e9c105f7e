package central

// SetTestDropAck makes s skip publishing the acks drop approves, as a
// replica that died between its commit and its ack would.
func SetTestDropAck(s *Server, drop func(store string) bool) { s.testDropAck = drop }
