package checks

import (
	"net/url"
	"strings"
)

// Image returns the image a passed live step returned, by the one rule
// every surface uses (see imageOf): the page shows it, the CLI prints it,
// and ResultVerdict names it.
func (r Result) Image() (Output, bool) {
	if r.Live == nil || r.Status != StatusPass {
		return Output{}, false
	}
	return imageOf(r.Live.Outputs)
}

// imageOf picks a task's image from its outputs: the output whose type is
// "image" (in any case), else the first output (what the simple guides
// read). The URL comes from the provider, so only a plain http(s) URL with
// a host counts: any other output is never shown as an image or a link,
// nor taken as proof that the task returned one.
func imageOf(outs []Output) (Output, bool) {
	first := -1
	for i, o := range outs {
		if !webURL(o.URL) {
			continue
		}
		if strings.EqualFold(o.Type, "image") {
			return o, true
		}
		if first < 0 {
			first = i
		}
	}
	if first < 0 {
		return Output{}, false
	}
	return outs[first], true
}

// webURL reports a plain http(s) URL with a host.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
