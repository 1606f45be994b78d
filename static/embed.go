// Package static holds keycheck's stylesheet, script and vendored htmx,
// embedded in the binary and served under content-hashed URLs so browsers
// can cache them forever.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
)

//go:embed *.css *.js *.svg vendor/*.js
var files embed.FS

// Asset is one embedded file.
type Asset struct {
	Name        string
	Hash        string
	Body        []byte
	ContentType string
	// url is the hashed URL, made once: every page asks for five of them.
	url string
}

// Assets indexes the embedded files by name and knows their hashed URLs.
type Assets struct {
	byName map[string]*Asset
}

// Load reads and hashes every embedded file.
func Load() (*Assets, error) {
	a := &Assets{byName: map[string]*Asset{}}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])[:12]
		a.byName[p] = &Asset{
			Name:        p,
			Hash:        hash,
			Body:        body,
			ContentType: contentType(p),
			url:         "/static/" + hash + "/" + p,
		}
		return nil
	})
	return a, err
}

// URL returns the content-hashed URL of the named file, e.g.
// "/static/3f2a9c0d1b7e/app.css". It panics on an unknown name: a template
// naming a file that is not embedded is a programming error caught by tests.
func (a *Assets) URL(name string) string {
	f, ok := a.byName[name]
	if !ok {
		panic("static: no embedded file " + name)
	}
	return f.url
}

// Lookup returns the file for a hashed path "<hash>/<name>". A stale hash
// still finds the file (an old page may ask for it), but reports stale so
// the server does not cache it forever.
func (a *Assets) Lookup(hash, name string) (f *Asset, fresh bool) {
	f, ok := a.byName[path.Clean(name)]
	if !ok {
		return nil, false
	}
	return f, f.Hash == hash
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	return "application/octet-stream"
}
