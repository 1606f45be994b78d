package checks

import "strings"

// curlShortArgs are curl's one-letter options that take an argument.
const curlShortArgs = "AbcCdDeEFHKmoPQrtTuwxXyYz"

// curlLongArgs are curl's long options that take an argument.
var curlLongArgs = map[string]bool{
	"--header": true, "--url": true, "--request": true, "--data": true, "--data-raw": true, "--data-binary": true,
	"--data-urlencode": true, "--data-ascii": true, "--json": true, "--output": true, "--user-agent": true, "--referer": true,
	"--cookie": true, "--cookie-jar": true, "--form": true, "--form-string": true, "--upload-file": true, "--proxy": true,
	"--max-time": true, "--connect-timeout": true, "--write-out": true, "--retry": true, "--retry-delay": true,
	"--retry-max-time": true, "--config": true, "--cert": true, "--key": true, "--cacert": true, "--capath": true,
	"--resolve": true, "--connect-to": true, "--range": true, "--limit-rate": true, "--max-redirs": true, "--user": true,
	"--oauth2-bearer": true, "--variable": true, "--proxy-user": true, "--interface": true, "--dump-header": true,
	"--trace": true, "--trace-ascii": true, "--stderr": true, "--expect100-timeout": true, "--aws-sigv4": true,
	"--proto": true, "--proto-redir": true, "--speed-limit": true, "--speed-time": true, "--output-dir": true,
}

// curlCmd is what keycheck reads from a curl command.
type curlCmd struct {
	headers    []shellWord
	url        string
	oauth2     *shellWord
	basic      bool
	brokenLine int
	brokenCR   bool
	dropped    []shellWord // -H options after a broken continuation
}

// parseCurl reads the curl command s. The -H options that follow a broken
// line continuation are kept apart, in dropped: the shell never passes them.
func parseCurl(s string) curlCmd {
	var c curlCmd
	words, broken, cr, rest := shellWords(s)
	c.brokenLine, c.brokenCR = broken, cr
	c.read(words, false)
	if broken > 0 && rest != "" {
		more, _, _, _ := shellWords(rest)
		for i := range more {
			more[i].line += broken
		}
		var d curlCmd
		d.read(more, true)
		c.dropped = d.headers
	}
	return c
}

// read walks curl's arguments; cont is set for words after a broken
// continuation, which are not a command of their own.
func (c *curlCmd) read(words []shellWord, cont bool) {
	a := curlArgs{words: words, i: 1}
	if cont {
		a.i = 0
	}
	for ; a.i < len(words); a.i++ {
		w := words[a.i].text
		switch {
		case w == "-H" || w == "--header":
			if n := a.next(); n != nil {
				c.headers = append(c.headers, *n)
			}
		case strings.HasPrefix(w, "--"):
			c.readLong(w, &a)
		case strings.HasPrefix(w, "-") && len(w) > 1:
			c.readShort(w, &a)
		default:
			if c.url == "" && !cont {
				c.url = w
			}
		}
	}
}

// curlArgs is a position in a command's words.
type curlArgs struct {
	words []shellWord
	i     int
}

// next moves on to the next word and returns it, or nil at the end.
func (a *curlArgs) next() *shellWord {
	if a.i+1 < len(a.words) {
		a.i++
		return &a.words[a.i]
	}
	return nil
}

// readLong reads a long option (--url, --oauth2-bearer, --user), skipping
// the argument of the others that take one.
func (c *curlCmd) readLong(w string, a *curlArgs) {
	name := w
	if j := strings.IndexByte(w, '='); j > 0 {
		name = w[:j]
	}
	if !curlLongArgs[name] {
		return
	}
	n := a.next()
	if n == nil {
		return
	}
	switch name {
	case "--url":
		c.url = n.text
	case "--oauth2-bearer":
		c.oauth2 = n
	case "--user":
		c.basic = true
	}
}

// readShort reads a group of one-letter options (-sSH, -uuser): the first
// one that takes an argument takes the rest of the word, or the next word.
func (c *curlCmd) readShort(w string, a *curlArgs) {
	for j := 1; j < len(w); j++ {
		if strings.IndexByte(curlShortArgs, w[j]) < 0 {
			continue
		}
		arg := a.words[a.i]
		arg.text = w[j+1:]
		if arg.text == "" {
			n := a.next()
			if n == nil {
				return
			}
			arg = *n
		}
		switch w[j] {
		case 'H':
			c.headers = append(c.headers, arg)
		case 'u':
			c.basic = true
		}
		return
	}
}

// isCurl reports whether the input is a shell command (or a bare -H
// option) rather than a header.
func isCurl(s string) (string, bool) {
	t := strings.TrimLeft(s, " \t\r\n")
	for _, p := range [...]string{"$ ", "> ", "% ", "PS> "} {
		t = strings.TrimPrefix(t, p)
	}
	if strings.HasPrefix(t, "curl ") || strings.HasPrefix(t, "curl.exe ") || strings.HasPrefix(t, "curl\t") || strings.HasPrefix(t, "curl\\") {
		return t, true
	}
	if strings.HasPrefix(t, "-H ") || strings.HasPrefix(t, "-H'") || strings.HasPrefix(t, "-H\"") || strings.HasPrefix(t, "--header ") {
		return "curl " + t, true
	}
	return "", false
}
