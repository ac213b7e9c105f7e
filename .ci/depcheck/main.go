// Command depcheck enforces the package dependency rules of README.md:
// pos, sync/pki and firmware-profiles import only the standard library;
// adapters (edge, sync, pos/bolt, qr, firmware-profiles) never import each
// other; only cmd/storeedge wires concrete adapters together.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

const module = "github.com/storeedge/storeedge"

// allowed lists, per package (relative to the module), the module packages
// it may import. Packages not listed may import anything of the module.
var allowed = map[string][]string{
	"pos":                    {},
	"pos/bolt":               {"pos"},
	"pos/demo":               {"pos"},
	"pos/importer":           {"pos"},
	"pos/mock":               {"pos"},
	"edge":                   {"pos"},
	"sync":                   {"pos", "sync/pki"},
	"sync/central":           {"pos", "sync", "sync/pki"},
	"sync/pki":               {},
	"sync/synctest":          {},
	"sync/synctest/powercut": {"sync/synctest"},
	"qr":                     {"pos"},
	"firmware-profiles":      {},
}

// stdlibOnly are the packages that may import nothing outside the
// standard library: the domain, and the leaves whose code must stay
// auditable on their own (the PKI holds the chain's keys).
var stdlibOnly = map[string]bool{"pos": true, "sync/pki": true, "firmware-profiles": true}

func main() {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "depcheck: go list:", err)
		os.Exit(1)
	}
	bad := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		rules, ok := allowed[pkg]
		if !ok {
			continue
		}
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module+"/") {
				if stdlibOnly[pkg] && strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
					fmt.Printf("depcheck: %s imports %s: %s is stdlib only\n", pkg, imp, pkg)
					bad++
				}
				continue
			}
			dep := strings.TrimPrefix(imp, module+"/")
			if !contains(rules, dep) {
				fmt.Printf("depcheck: %s imports %s, which it may not\n", pkg, dep)
				bad++
			}
		}
	}
	if bad > 0 {
		os.Exit(1)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
