package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"
)

// maxConfigSize bounds the config file: it is a page of settings.
const maxConfigSize = 1 << 20

// loadConfigFile reads the file named by --config or else STOREEDGE_CONFIG,
// and returns its settings and path.
func loadConfigFile(flagPath string, getenv func(string) string) ([]configSetting, string, error) {
	path, from := flagPath, configOrigin{SourceFlag, "--config"}
	if path == "" {
		path, from = getenv("STOREEDGE_CONFIG"), configOrigin{SourceEnv, "STOREEDGE_CONFIG"}
	}
	if path == "" {
		return nil, "", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", configErrorAt("config", from, err)
	}
	defer f.Close()
	settings, err := parseConfigFile(f, path)
	return settings, path, err
}

// parseConfigFile reads a YAML config file from r. Keys may be nested or
// dotted; unknown keys and keys set twice are errors naming the key and line.
func parseConfigFile(r io.Reader, name string) ([]configSetting, error) {
	fileErr := func(msg string, err error) error {
		return &ConfigError{Source: SourceFile, Origin: name, Message: msg, Err: err}
	}
	data, err := io.ReadAll(io.LimitReader(r, maxConfigSize+1))
	if err != nil {
		return nil, fileErr("read: "+err.Error(), err)
	} else if len(data) > maxConfigSize {
		return nil, fileErr("larger than 1 MiB", nil)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fileErr(err.Error(), err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		return nil, nil // empty, or only comments
	} else if doc.Content[0].Kind != yaml.MappingNode {
		return nil, fileErr("want a map of settings at the top", nil)
	}
	w := &configWalker{name: name, seen: make(map[string]int)}
	if err := w.walkMap(doc.Content[0], ""); err != nil {
		return nil, err
	}
	return w.out, nil
}

// configWalker flattens nested YAML maps into dotted settings.
type configWalker struct {
	name string
	seen map[string]int // key -> line, to catch a key set both nested and dotted
	out  []configSetting
}

func (w *configWalker) walkMap(n *yaml.Node, prefix string) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if prefix != "" {
			key = prefix + "." + key
		}
		if v.Kind == yaml.MappingNode && k.Kind == yaml.ScalarNode && k.Tag != "!!merge" {
			if err := w.walkMap(v, key); err != nil {
				return err
			}
			continue
		}
		if err := w.add(key, k, v); err != nil {
			return err
		}
	}
	return nil
}

func (w *configWalker) add(key string, k, v *yaml.Node) error {
	from := configOrigin{SourceFile, fmt.Sprintf("%s line %d", w.name, k.Line)}
	if k.Kind != yaml.ScalarNode || lookupConfigKey(key) == nil {
		return configErrorAt(key, from, errors.New("unknown key"))
	} else if first, dup := w.seen[key]; dup {
		return configErrorAt(key, from, fmt.Errorf("set twice (first on line %d)", first))
	}
	w.seen[key] = k.Line
	val, err := configYAMLValue(v)
	if err != nil {
		return configErrorAt(key, from, err)
	}
	w.out = append(w.out, configSetting{key, val, from})
	return nil
}

// configYAMLValue converts a scalar or a list of scalars. Aliases are refused:
// a flat config has no use for them, and expanding them could explode.
func configYAMLValue(v *yaml.Node) (configValue, error) {
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return configValue{}, nil
		}
		return configValue{text: v.Value}, nil
	case yaml.SequenceNode:
		r := configValue{isList: true, list: []string{}}
		for _, item := range v.Content {
			if item.Kind != yaml.ScalarNode {
				return configValue{}, errors.New("list items must be plain values")
			}
			r.list = append(r.list, item.Value)
		}
		return r, nil
	case yaml.AliasNode:
		return configValue{}, errors.New("YAML aliases are not supported")
	}
	return configValue{}, errors.New("want a value or a list")
}
