package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// configFlag records a flag's text. It is parsed when the flag layer is
// applied, so a bad value is reported like a bad value from any source.
type configFlag struct {
	key    string
	def    string
	isBool bool
	text   string
}

// String returns the default, for the flag package.
func (f *configFlag) String() string {
	if f == nil {
		return ""
	}
	return f.def
}

// Set records the flag's text.
func (f *configFlag) Set(s string) error { f.text = s; return nil }

// IsBoolFlag lets `--demo` stand for `--demo=true`.
func (f *configFlag) IsBoolFlag() bool { return f != nil && f.isBool }

// parseServeConfigFlags parses args and returns the flags that were set, in the
// form of settings, and the value of --config.
func parseServeConfigFlags(args []string, stderr io.Writer) ([]configSetting, string, error) {
	fs := flag.NewFlagSet("storeedge serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned as one line, not printed with usage
	fs.Usage = func() {}
	def := DefaultConfig()
	for i := range configKeys {
		d := &configKeys[i]
		_, isBool := d.ptr(def).(*bool)
		fs.Var(&configFlag{key: d.key, def: d.format(def), isBool: isBool}, d.flagName(), d.usage)
	}
	configFile := fs.String("config", "", "YAML config file")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		printServeConfigUsage(stderr)
		return nil, "", err
	} else if err != nil {
		return nil, "", &ConfigError{Source: SourceFlag, Message: err.Error() + " (see storeedge serve --help)", Err: err}
	} else if fs.NArg() > 0 {
		return nil, "", &ConfigError{Source: SourceFlag, Message: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	var out []configSetting
	fs.Visit(func(f *flag.Flag) {
		if v, ok := f.Value.(*configFlag); ok {
			out = append(out, configSetting{v.key, configValue{text: v.text}, configOrigin{SourceFlag, "--" + f.Name}})
		}
	})
	return out, *configFile, nil
}

// printServeConfigUsage lists every flag with its default, env var and YAML key.
func printServeConfigUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: storeedge serve [flags]

Runs the in-store edge server. Every setting below can come from a flag, its
STOREEDGE_* environment variable, its key in the YAML file of --config, or a
firmware profile (--profile). Precedence: flag > env > config file > profile >
default. Sizes take B, KiB, MiB, GiB, KB, MB, GB; durations look like 500ms, 10s, 12h.

  --config FILE
    	YAML config file; keys nested (http: {body_limit: 1MiB}) or dotted (env STOREEDGE_CONFIG)
`)
	def := DefaultConfig()
	for i := range configKeys {
		d := &configKeys[i]
		arg, extra := " "+d.argName(def), "env "+d.envName()+"; key "+d.key
		if arg == " bool" {
			arg = ""
		}
		if v := d.format(def); v != "" {
			extra = "default " + v + "; " + extra
		}
		fmt.Fprintf(w, "  --%s%s\n    \t%s (%s)\n", d.flagName(), arg, d.usage, extra)
	}
}
