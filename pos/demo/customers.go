package demo

import "github.com/storeedge/storeedge/pos"

// LoyaltyRules are the demo chain's: a point is a rouble (or hryvnia),
// 5% back (10% on fruit and vegetables), points pay at most half a receipt, and one
// customer burns at most 1000 points a day at one shop.
var LoyaltyRules = pos.LoyaltyRules{
	ID: pos.LoyaltyRulesID, PointValue: 100, EarnBP: 500,
	CategoryEarnBP: map[string]int64{"produce": 1000}, MaxRedeemPct: 50, OfflineDailyCap: 1000,
}

// Customers are the demo loyalty customers, to find at the till by phone
// or card.
var Customers = []pos.Customer{
	{ID: "demo-maria", Phone: "+79161234567", Card: "LC-1001", Name: "Мария Иванова",
		DiscountPercent: 5, Tier: "Золото", LoyaltyPoints: 1250},
	{ID: "demo-oleg", Phone: "+79031112233", Card: "LC-1002", Name: "Олег Петров",
		Tier: "Серебро", LoyaltyPoints: 300},
}
