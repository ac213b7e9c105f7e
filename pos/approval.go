package pos

// validate checks the shape of an approval, when there is one: who
// approves is checked later against the staff list.
func (a *Approval) validate() error {
	switch {
	case a == nil:
		return nil
	case a.Cashier == "" || len(a.Cashier) > 64:
		return FieldErrorf("approval.cashier", "approval.cashier is the manager's name, 1 to 64 characters")
	case len(a.PIN) == 0 || len(a.PIN) > 12:
		return FieldErrorf("approval.pin", "approval.pin is 4 to 12 digits")
	}
	return nil
}

// Approve records on the sale that manager m approved it.
func (s *Sale) Approve(m *Cashier) {
	s.ApprovedBy, s.ApprovedByName = m.ID, m.Name
}
