package demo

import "github.com/storeedge/storeedge/pos"

// Cashier is a member of the demo staff. The PIN is generated when the
// shop is seeded, by the caller, and printed once.
type Cashier struct {
	Name string
	Role string
}

// Terminals are the names of the demo tills.
var Terminals = []string{"till-1", "till-2"}

// Cashiers are the demo staff: a cashier and a manager who can approve
// returns and voids.
var Cashiers = []Cashier{
	{Name: "anna", Role: pos.RoleCashier},
	{Name: "boris", Role: pos.RoleManager},
}
