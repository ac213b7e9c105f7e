package central

import (
	"strings"
	"testing"
)

// allActions is every action a route is guarded with.
var allActions = []action{actListStores, actReadStore, actPullDownlink, actPostDownlink, actReadLoyalty}

func TestCaller_May(t *testing.T) {
	admin, viewer := caller{role: RoleAdmin, name: "a"}, caller{role: RoleViewer, name: "v"}
	shop := caller{role: RoleShop, store: "msk-001"}
	for _, tc := range []struct {
		name  string
		c     caller
		act   action
		store string
		want  bool
	}{
		{"AdminLists", admin, actListStores, "", true},
		{"AdminReadsAnyStore", admin, actReadStore, "msk-002", true},
		{"AdminPullsAnyStore", admin, actPullDownlink, "msk-002", true},
		{"AdminPosts", admin, actPostDownlink, "", true},
		{"ViewerLists", viewer, actListStores, "", true},
		{"ViewerReadsAnyStore", viewer, actReadStore, "msk-002", true},
		{"ViewerPullsAnyStore", viewer, actPullDownlink, "msk-002", true},
		{"ViewerMayNotPost", viewer, actPostDownlink, "", false},
		{"ShopReadsItself", shop, actReadStore, "msk-001", true},
		{"ShopPullsItself", shop, actPullDownlink, "msk-001", true},
		{"ShopMayNotReadAnother", shop, actReadStore, "msk-002", false},
		{"ShopMayNotPullAnother", shop, actPullDownlink, "msk-002", false},
		{"ShopMayNotPullWithoutStore", shop, actPullDownlink, "", false},
		{"ShopMayNotList", shop, actListStores, "", false},
		{"ShopMayNotPost", shop, actPostDownlink, "", false},
		{"ShopWithoutStore", caller{role: RoleShop}, actReadStore, "", false},
		{"NoRole", caller{name: "x"}, actListStores, "", false},
		{"UnknownRole", caller{role: "root"}, actPostDownlink, "", false},
		{"UnknownAction", admin, action("stores.delete"), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.may(tc.act, tc.store); got != tc.want {
				t.Fatalf("%+v may %s on %q = %v, want %v", tc.c, tc.act, tc.store, got, tc.want)
			}
		})
	}
}

// TestPermissions_Shape pins what the table promises: admin may do every
// action anywhere, viewer only reads, a shop never reaches past itself.
func TestPermissions_Shape(t *testing.T) {
	for _, act := range allActions {
		if permissions[RoleAdmin][act] != anyStore {
			t.Errorf("admin may not %s everywhere", act)
		}
	}
	for act := range permissions[RoleViewer] {
		if act == actPostDownlink {
			t.Errorf("viewer may %s", act)
		}
	}
	for act, r := range permissions[RoleShop] {
		if r != ownStore {
			t.Errorf("shop reaches %s beyond itself", act)
		}
	}
	if len(permissions) != 3 {
		t.Errorf("%d roles, want admin, viewer and shop", len(permissions))
	}
}

func TestBearer(t *testing.T) {
	for _, tc := range []struct {
		header, token string
		ok            bool
	}{
		{"Bearer seo_abc", "seo_abc", true},
		{"bearer seo_abc", "seo_abc", true},
		{"BEARER  seo_abc ", "seo_abc", true},
		{"", "", false},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Basic dXNlcjpwYXNz", "", false},
		{"seo_abc", "", false},
	} {
		token, ok := bearer(tc.header)
		if ok != tc.ok || ok && token != tc.token {
			t.Errorf("bearer(%q) = %q, %v; want %q, %v", tc.header, token, ok, tc.token, tc.ok)
		}
	}
}

func TestValidTokenName(t *testing.T) {
	for name, want := range map[string]bool{
		"office": true, "anna.petrova@shop.ru": true, "ERP_1-prod": true,
		"": false, "anna petrova": false, "a/b": false, "имя": false, "x\x00": false,
		strings.Repeat("a", 64): true, strings.Repeat("a", 65): false,
	} {
		if got := validTokenName(name); got != want {
			t.Errorf("validTokenName(%q) = %v, want %v", name, got, want)
		}
	}
}
