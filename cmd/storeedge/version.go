package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version and Commit are set at build time with -ldflags -X; otherwise they
// come from the module's build info.
var (
	Version = ""
	Commit  = ""
)

func versionString() string {
	v, c := Version, Commit
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && c == "" {
				c = s.Value
			}
		}
	}
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	if c == "" {
		c = "unknown"
	}
	return fmt.Sprintf("storeedge %s (commit %s) %s %s/%s", v, c, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
