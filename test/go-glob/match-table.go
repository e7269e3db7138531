// Writes the expected answers of Go's path/filepath Match and Glob for the cases in cases.json, so
// test/go-glob.test.ts compares src/collectors/go-glob.ts with Go itself:
//   go run test/go-glob/match-table.go < test/go-glob/cases.json > test/go-glob/expected.json
package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
)

type cases struct {
	Match [][2]string `json:"match"`
	Tree  []string    `json:"tree"` // files to create (a trailing / makes a directory)
	Glob  []string    `json:"glob"` // patterns, relative to the tree's root
}

type matchOut struct {
	Pattern string `json:"pattern"`
	Name    string `json:"name"`
	Matched bool   `json:"matched"`
	Bad     bool   `json:"bad"`
}

type globOut struct {
	Pattern string   `json:"pattern"`
	Paths   []string `json:"paths"`
	Bad     bool     `json:"bad"`
}

func main() {
	var c cases
	if err := json.NewDecoder(os.Stdin).Decode(&c); err != nil {
		panic(err)
	}
	out := struct {
		Match []matchOut `json:"match"`
		Glob  []globOut  `json:"glob"`
	}{}
	for _, m := range c.Match {
		ok, err := filepath.Match(m[0], m[1])
		out.Match = append(out.Match, matchOut{m[0], m[1], ok, err != nil})
	}
	root, err := os.MkdirTemp("", "go-glob")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(root)
	for _, f := range c.Tree {
		p := filepath.Join(root, f)
		if strings.HasSuffix(f, "/") {
			os.MkdirAll(p, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, nil, 0o644)
	}
	for _, g := range c.Glob {
		paths, err := filepath.Glob(root + "/" + g)
		rel := []string{}
		for _, p := range paths {
			rel = append(rel, strings.TrimPrefix(p, root))
		}
		out.Glob = append(out.Glob, globOut{g, rel, err != nil})
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	enc.Encode(out)
}
