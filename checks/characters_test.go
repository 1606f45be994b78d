package checks

import (
	"encoding/base64"
	"testing"
)

var (
	b64 = base64.StdEncoding.EncodeToString
	// body is the key after "sk-".
	body = goodKey[3:]
)

var charactersCases = []stepCase{
	{name: "clean", in: Input{Key: goodKey}, want: StatusPass, detail: []string{"Only key characters"}},
	{name: "clean with newline is whitespace's", in: Input{Key: goodKey + "\n"}, want: StatusPass},
	{name: "clean hi-sk", in: Input{Key: hiKey}, want: StatusPass},
	{name: "fake good", in: Input{Key: fakeKeys[0]}, want: StatusPass},
	{name: "fake never-finishes", in: Input{Key: fakeKeys[9]}, want: StatusPass},
	{name: "no key", in: Input{}, want: StatusSkip},
	{name: "blank", in: Input{Key: "\t"}, want: StatusSkip},

	// Quotes.
	{name: "double quotes", headline: "Your key is wrapped in quotes: they became part of it.", in: Input{Key: `"` + goodKey + `"`}, want: StatusFail, detail: []string{"Wrapped in quotes", "position 1", "position 53"}, fix: []string{"Remove the quotes", "docker run --env-file"}},
	{name: "single quotes", in: Input{Key: `'` + goodKey + `'`}, want: StatusFail, detail: []string{"Wrapped in quotes (' at position 1"}},
	{name: "backticks", in: Input{Key: "`" + goodKey + "`"}, want: StatusFail, detail: []string{"Wrapped in quotes (` at position 1"}},
	{name: "curly double", headline: "Your key is wrapped in typographic quotes: they became part of it.", in: Input{Key: "“" + goodKey + "”"}, want: StatusFail, detail: []string{"typographic quotes", "“ at position 1", "” at position 53"}, fix: []string{"word processor"}},
	{name: "curly single", in: Input{Key: "‘" + goodKey + "’"}, want: StatusFail, detail: []string{"typographic quotes"}},
	{name: "guillemets", in: Input{Key: "«" + goodKey + "»"}, want: StatusFail, detail: []string{"typographic quotes"}},
	{name: "double quoted twice", in: Input{Key: `'"` + goodKey + `"'`}, want: StatusFail, detail: []string{"position 1", "position 2", "position 54"}},
	{name: "stray trailing quote", headline: "Your key has a stray quote ‘\"’ at one end: it became part of the key.", in: Input{Key: goodKey + `"`}, want: StatusFail, detail: []string{"A stray quote", "position 52"}},
	{name: "stray leading quote", in: Input{Key: `'` + goodKey}, want: StatusFail, detail: []string{"A stray quote", "position 1"}},
	{name: "quotes and newline", in: Input{Key: `"` + goodKey + "\"\n"}, want: StatusFail, detail: []string{"Wrapped in quotes"}},
	{name: "quote inside", headline: "Your key has a quote ‘\"’ inside it: HiAPI would reject it.", in: Input{Key: goodKey[:20] + `"` + goodKey[20:]}, want: StatusFail, detail: []string{"A quote", "position 21, inside the key"}},
	{name: "empty quotes", headline: "There is no key inside the wrapper: the value is empty.", in: Input{Key: `""`}, want: StatusFail, detail: []string{"value inside is empty"}},

	// Wrappers.
	{name: "Bearer prefix", headline: "Your key starts with ‘Bearer’, which belongs in the header before the key, not in the key.", in: Input{Key: "Bearer " + goodKey}, want: StatusFail, detail: []string{"Starts with ‘Bearer’", "positions 1–7"}, fix: []string{"Bearer Bearer"}},
	{name: "bearer lower", in: Input{Key: "bearer " + goodKey}, want: StatusFail, detail: []string{"‘bearer’"}},
	{name: "Bearer colon", in: Input{Key: "Bearer: " + goodKey}, want: StatusFail, detail: []string{"‘Bearer’"}},
	{name: "Token prefix", in: Input{Key: "Token " + goodKey}, want: StatusFail, detail: []string{"‘Token’"}},
	{name: "Authorization header", headline: "Your key starts with ‘Authorization:’, which belongs to the header or the file, not to the key.", in: Input{Key: "Authorization: Bearer " + goodKey}, want: StatusFail, detail: []string{"‘Authorization:’", "‘Bearer’"}},
	{name: "lowercase header", in: Input{Key: "authorization: Bearer " + goodKey}, want: StatusFail, detail: []string{"‘authorization:’"}},
	{name: "x-api-key header", in: Input{Key: "x-api-key: " + goodKey}, want: StatusFail, detail: []string{"‘x-api-key:’"}},
	// Every name the header step reads a key from is peeled off here too.
	{name: "Authorisation header", in: Input{Key: "Authorisation: " + goodKey}, want: StatusFail, detail: []string{"‘Authorisation:’", "belongs to the header"}},
	{name: "x-token header", in: Input{Key: "x-token: " + goodKey}, want: StatusFail, detail: []string{"‘x-token:’"}},
	{name: "key: label", in: Input{Key: "key: " + goodKey}, want: StatusFail, detail: []string{"‘key:’"}},
	{name: "Token colon is the scheme", in: Input{Key: "Token: " + goodKey}, want: StatusFail, detail: []string{"Starts with ‘Token’", "the scheme goes in the header"}},
	{name: "NAME=value", headline: "Your key is a whole NAME=value line for HIAPI_API_KEY, not just the key.", in: Input{Key: "HIAPI_API_KEY=" + goodKey}, want: StatusFail, detail: []string{"a NAME=value line for HIAPI_API_KEY", "positions 1–14"}, fix: []string{"after the = sign"}},
	{name: "export NAME=value", headline: "Your key is a whole ‘export’ line for HIAPI_API_KEY, not just the key.", in: Input{Key: "export HIAPI_API_KEY=" + goodKey}, want: StatusFail, detail: []string{"an ‘export’ line for HIAPI_API_KEY", "positions 1–21"}},
	{name: "export quoted", in: Input{Key: "export HIAPI_API_KEY=\"" + goodKey + "\""}, want: StatusFail, detail: []string{"‘export’ line", "Wrapped in quotes"}},
	{name: "NAME = value", in: Input{Key: "HIAPI_API_KEY = " + goodKey}, want: StatusFail, detail: []string{"NAME=value line for HIAPI_API_KEY"}},
	{name: "other name", in: Input{Key: "OPENAI_API_KEY=" + goodKey}, want: StatusFail, detail: []string{"for OPENAI_API_KEY"}},
	{name: "set NAME=", in: Input{Key: "set HIAPI_API_KEY=" + goodKey}, want: StatusFail, detail: []string{"‘set’ line"}},
	{name: "powershell env", in: Input{Key: "$env:HIAPI_API_KEY = \"" + goodKey + "\""}, want: StatusFail, detail: []string{"‘$env:’ line", "Wrapped in quotes"}},
	{name: "declare -x", in: Input{Key: "declare -x HIAPI_API_KEY=\"" + goodKey + "\""}, want: StatusFail, detail: []string{"‘declare -x’ line"}},
	{name: "yaml", in: Input{Key: "HIAPI_API_KEY: " + goodKey}, want: StatusFail, detail: []string{"‘HIAPI_API_KEY:’"}},
	{name: "doubled assignment", in: Input{Key: "HIAPI_API_KEY=HIAPI_API_KEY=" + goodKey}, want: StatusFail, detail: []string{"positions 1–14", "positions 15–28"}},
	{name: "trailing comma", in: Input{Key: `"` + goodKey + `",`}, want: StatusFail, detail: []string{"Ends with ‘,’ at position 54", "Wrapped in quotes"}, fix: []string{"code around it"}},
	{name: "trailing semicolon", headline: "Your key ends with ‘;’, copied from code along with it.", in: Input{Key: goodKey + ";"}, want: StatusFail, detail: []string{"Ends with ‘;’ at position 52"}},

	// Unexpanded variables and templates.
	{name: "$VAR", headline: "Your key is the text $HIAPI_API_KEY, not its value: the variable was never expanded.", in: Input{Key: "$HIAPI_API_KEY"}, want: StatusFail, detail: []string{"literal text of ‘$HIAPI_API_KEY’", "never expanded"}, fix: []string{"double quotes"}},
	{name: "${VAR}", in: Input{Key: "${HIAPI_API_KEY}"}, want: StatusFail, detail: []string{"‘$HIAPI_API_KEY’"}},
	{name: "${VAR:-default}", in: Input{Key: "${HIAPI_API_KEY:-x}"}, want: StatusFail, detail: []string{"never expanded"}},
	{name: "%VAR%", headline: "Your key is the text $HIAPI_API_KEY, not its value: the variable was never expanded.", in: Input{Key: "%HIAPI_API_KEY%"}, want: StatusFail, detail: []string{"‘$HIAPI_API_KEY’"}},
	{name: "$env:VAR", in: Input{Key: "$env:HIAPI_API_KEY"}, want: StatusFail, detail: []string{"never expanded"}},
	{name: "quoted $VAR", headline: "Your key is the text $HIAPI_API_KEY, not its value: the variable was never expanded.", in: Input{Key: "'$HIAPI_API_KEY'"}, want: StatusFail, detail: []string{"Wrapped in quotes", "never expanded"}},
	{name: "command substitution", headline: "Your key is the text of a command, not its output: the command was never run.", in: Input{Key: "$(cat key.txt)"}, want: StatusFail, detail: []string{"command substitution"}},
	{name: "github secret", in: Input{Key: "${{ secrets.HIAPI_API_KEY }}"}, want: StatusFail, detail: []string{"template"}, fix: []string{"secrets.HIAPI_API_KEY"}},
	{name: "jinja", in: Input{Key: "{{ hiapi_key }}"}, want: StatusFail, detail: []string{"template"}},
	{name: "code", headline: "This is the code that reads your key, not the key itself.", in: Input{Key: "os.environ['HIAPI_API_KEY']"}, want: StatusFail, detail: []string{"code that reads the key"}, fix: []string{"printenv"}},
	{name: "process.env", in: Input{Key: "process.env.HIAPI_API_KEY"}, want: StatusFail, detail: []string{"code that reads the key"}},
	{name: "$ inside", headline: "Part of your key is a variable's name that was never expanded: HiAPI would reject it.", in: Input{Key: goodKey[:20] + "$SUFFIX"}, want: StatusFail, detail: []string{"‘$’ followed by a name at position 21"}},

	// Placeholders.
	{name: "sk-...", headline: "This is a placeholder from the docs, not a real key.", in: Input{Key: "sk-..."}, want: StatusFail, detail: []string{"placeholder"}, fix: []string{"Dashboard → API Keys"}},
	{name: "sk-…", in: Input{Key: "sk-…"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "sk-xxxx", in: Input{Key: "sk-xxxxxxxxxxxxxxxxxxxxxxxx"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "sk-XXXX…", in: Input{Key: "sk-XXXXXXXX…"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "YOUR_API_KEY", headline: "This is a placeholder from the docs, not a real key.", in: Input{Key: "YOUR_API_KEY"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "<your-api-key>", in: Input{Key: "<your-api-key>"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "your_key_here", in: Input{Key: "your_key_here"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "sk-your-key", in: Input{Key: "sk-your-key"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "sk-your-hiapi-key-here", in: Input{Key: "sk-your-hiapi-key-here"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "YOUR_HIAPI_API_KEY in quotes", headline: "This is a placeholder from the docs, not a real key.", in: Input{Key: "'YOUR_HIAPI_API_KEY'"}, want: StatusFail, detail: []string{"placeholder", "Wrapped in quotes"}},
	{name: "Bearer placeholder", in: Input{Key: "Bearer <token>"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "insert key here", in: Input{Key: "INSERT_KEY_HERE"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "changeme", in: Input{Key: "changeme"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "sk-abc123", in: Input{Key: "sk-abc123"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "sk-1234567890abcdef", in: Input{Key: "sk-1234567890abcdef"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "api_key", in: Input{Key: "api_key"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "fake is not a placeholder", in: Input{Key: "sk-fake-good-" + randKey(5, 20)}, want: StatusPass},
	{name: "test is not a placeholder", in: Input{Key: "sk-test-" + randKey(6, 40)}, want: StatusPass},
	{name: "demo is not a placeholder", in: Input{Key: "sk-demo-" + randKey(7, 40)}, want: StatusPass},

	// Escapes.
	{name: "escaped newline at end", headline: "Your key ends with the text ‘\\n’, a line break typed as an escape: HiAPI would reject it.", in: Input{Key: goodKey + `\n`}, want: StatusFail, detail: []string{"characters ‘\\n’ at positions 52–53", "escape"}, fix: []string{"double-quoted"}},
	{name: "escaped CRLF at end", in: Input{Key: goodKey + `\r\n`}, want: StatusFail, detail: []string{"‘\\r\\n’ at positions 52–55"}},
	{name: "escaped newline inside", in: Input{Key: goodKey[:30] + `\n` + goodKey[30:]}, want: StatusFail, detail: []string{"‘\\n’ at positions 31–32, inside the key"}},
	{name: "escaped tab inside", in: Input{Key: goodKey[:30] + `\t` + goodKey[30:]}, want: StatusFail, detail: []string{"‘\\t’"}},
	{name: "url-encoded newline", headline: "Your key ends with ‘%0A’, a URL-encoded line break: HiAPI would reject it.", in: Input{Key: goodKey + "%0A"}, want: StatusFail, detail: []string{"‘%0A’ at positions 52–54", "URL-encoded"}, fix: []string{"%0A"}},
	{name: "url-encoded space", in: Input{Key: goodKey + "%20"}, want: StatusFail, detail: []string{"‘%20’"}},
	{name: "url-encoded inside", headline: "Your key was URL-encoded (‘%2B’): HiAPI wants it as it is.", in: Input{Key: goodKey[:20] + "%2B" + goodKey[20:]}, want: StatusFail, detail: []string{"‘%2B’ at positions 21–23"}},

	// Look-alikes.
	{name: "en dash", headline: "Your key holds a look-alike character, U+2013 EN DASH in place of ‘-’: HiAPI would reject it.", in: Input{Key: "sk–" + body}, want: StatusFail, detail: []string{"U+2013 EN DASH (‘–’) at position 3, in place of ‘-’"}, fix: []string{"copy button", "od -An -tx1"}},
	{name: "em dash", in: Input{Key: "sk—" + body}, want: StatusFail, detail: []string{"U+2014 EM DASH"}},
	{name: "minus sign", in: Input{Key: "sk−" + body}, want: StatusFail, detail: []string{"U+2212 MINUS SIGN", "position 3"}},
	{name: "hyphen", in: Input{Key: "sk‐" + body}, want: StatusFail, detail: []string{"U+2010 HYPHEN"}},
	{name: "non-breaking hyphen", in: Input{Key: "sk‑" + body}, want: StatusFail, detail: []string{"U+2011 NON-BREAKING HYPHEN"}},
	{name: "figure dash", in: Input{Key: "sk‒" + body}, want: StatusFail, detail: []string{"U+2012 FIGURE DASH"}},
	{name: "fullwidth hyphen", in: Input{Key: "sk－" + body}, want: StatusFail, detail: []string{"U+FF0D FULLWIDTH HYPHEN-MINUS"}},
	{name: "cyrillic a", headline: "Your key holds a look-alike character, U+0430 CYRILLIC SMALL LETTER A in place of ‘a’: HiAPI would reject it.", in: Input{Key: goodKey[:12] + "а" + goodKey[13:]}, want: StatusFail, detail: []string{"U+0430 CYRILLIC SMALL LETTER A (‘а’) at position 13, in place of ‘a’"}},
	{name: "cyrillic es in sk", in: Input{Key: "ѕk-" + body}, want: StatusFail, detail: []string{"U+0455 CYRILLIC SMALL LETTER DZE", "position 1"}},
	{name: "cyrillic o", in: Input{Key: goodKey[:12] + "о" + goodKey[13:]}, want: StatusFail, detail: []string{"CYRILLIC SMALL LETTER O"}},
	{name: "cyrillic capital", in: Input{Key: goodKey[:12] + "К" + goodKey[13:]}, want: StatusFail, detail: []string{"CYRILLIC CAPITAL LETTER KA", "‘K’"}},
	{name: "greek omicron", in: Input{Key: goodKey[:12] + "ο" + goodKey[13:]}, want: StatusFail, detail: []string{"GREEK SMALL LETTER OMICRON"}},
	{name: "greek capital", in: Input{Key: goodKey[:12] + "Α" + goodKey[13:]}, want: StatusFail, detail: []string{"GREEK CAPITAL LETTER ALPHA"}},
	{name: "fullwidth letter", in: Input{Key: goodKey[:12] + "Ａ" + goodKey[13:]}, want: StatusFail, detail: []string{"FULLWIDTH A", "in place of ‘A’"}},
	{name: "dotless i", in: Input{Key: goodKey[:12] + "ı" + goodKey[13:]}, want: StatusFail, detail: []string{"DOTLESS I"}},
	{name: "many look-alikes", headline: "Your key holds 8 look-alike characters, such as U+0455 CYRILLIC SMALL LETTER DZE in place of ‘s’: HiAPI would reject it.", in: Input{Key: "ѕk–аеосрх" + goodKey[10:]}, want: StatusFail, detail: []string{"and 4 more"}},
	{name: "other non-ASCII", headline: "Your key holds ‘é’ and other characters that are not plain ASCII", in: Input{Key: goodKey[:12] + "é" + goodKey[13:]}, want: StatusFail, detail: []string{"‘é’ (U+00E9) at position 13", "plain ASCII"}},
	{name: "emoji", in: Input{Key: goodKey + "🔑"}, want: StatusFail, detail: []string{"U+1F511", "position 52"}},
	{name: "CJK", in: Input{Key: goodKey + "鍵"}, want: StatusFail, detail: []string{"U+9375"}},

	// Bytes and controls.
	{name: "invalid UTF-8", headline: "Your key is not valid UTF-8 text: it was read with the wrong encoding.", in: Input{Key: goodKey[:10] + "\xff" + goodKey[10:]}, want: StatusFail, detail: []string{"Not valid UTF-8", "byte 0xFF at byte position 11"}, fix: []string{"encoding"}},
	{name: "latin-1 e acute", in: Input{Key: goodKey[:10] + "\xe9" + goodKey[10:]}, want: StatusFail, detail: []string{"byte 0xE9 at byte position 11"}},
	{name: "truncated UTF-8 at end", in: Input{Key: goodKey + "\xe2\x80"}, want: StatusFail, detail: []string{"byte position 52", "byte position 53"}},
	{name: "many bad bytes", in: Input{Key: goodKey + "\xff\xfe\xfd\xfc\xfb\xfa"}, want: StatusFail, detail: []string{"and 2 more"}},
	{name: "NUL", headline: "Your key holds control characters, which never belong in a key: HiAPI would reject it.", in: Input{Key: goodKey[:10] + "\x00" + goodKey[10:]}, want: StatusFail, detail: []string{"ontrol character U+0000 (NUL) at position 11"}, fix: []string{"tr -cd"}},
	{name: "ESC alone", in: Input{Key: goodKey + "\x1b"}, want: StatusFail, detail: []string{"U+001B (ESC)"}},
	{name: "ANSI colour", headline: "Your key carries terminal colour codes, copied along with it: HiAPI would reject it.", in: Input{Key: "\x1b[32m" + goodKey + "\x1b[0m"}, want: StatusFail, detail: []string{"Terminal colour codes", "positions 1–2"}, fix: []string{"colour"}},
	{name: "DEL", in: Input{Key: goodKey + "\x7f"}, want: StatusFail, detail: []string{"(DEL)"}},
	{name: "backspace", in: Input{Key: goodKey[:10] + "\b" + goodKey[10:]}, want: StatusFail, detail: []string{"BACKSPACE"}},
	{name: "C1 control", in: Input{Key: goodKey + "\u0090"}, want: StatusFail, detail: []string{"U+0090"}},
	{name: "UTF-16", in: Input{Key: func() string {
		b := []byte{}
		for _, c := range []byte(goodKey) {
			b = append(b, c, 0)
		}
		return string(b)
	}()}, want: StatusFail, detail: []string{"UTF-16"}, fix: []string{"PowerShell"}},

	// Unusual punctuation.
	{name: "hash inside", headline: "Your key holds ‘#’, unusual in a key: compare it with the dashboard.", in: Input{Key: goodKey[:20] + "#" + goodKey[20:]}, want: StatusWarn, detail: []string{"‘#’ at position 21"}},
	{name: "angle brackets", in: Input{Key: "<" + goodKey + ">"}, want: StatusWarn, detail: []string{"‘<’ at position 1", "‘>’ at position 53"}},
	{name: "plus, slash, equals are fine", in: Input{Key: "sk-" + randKey(8, 20) + "+/" + randKey(9, 20) + "="}, want: StatusPass},

	// Base64.
	{name: "base64 of key with newline", headline: "Your key is base64-encoded: HiAPI wants the key itself, decoded.", in: Input{Key: b64([]byte(goodKey + "\n"))}, want: StatusFail, detail: []string{"base64", "51-character key", "followed by a newline", "base64 of a key ending in a newline"}, fix: []string{"stringData", "kubectl create secret", "printf '%s' \"$KEY\" | base64"}},
	{name: "base64 of key", in: Input{Key: b64([]byte(goodKey))}, want: StatusFail, detail: []string{"base64", "51-character key"}, not: []string{"newline"}},
	{name: "base64 of key with CRLF", in: Input{Key: b64([]byte(goodKey + "\r\n"))}, want: StatusFail, detail: []string{"Windows line ending"}},
	{name: "base64 of key with space", in: Input{Key: b64([]byte(goodKey + " "))}, want: StatusFail, detail: []string{"a space"}},
	{name: "base64 unpadded", in: Input{Key: base64.RawStdEncoding.EncodeToString([]byte(goodKey + "\n"))}, want: StatusFail, detail: []string{"base64"}},
	{name: "base64 url", in: Input{Key: base64.URLEncoding.EncodeToString([]byte(goodKey + "\n"))}, want: StatusFail, detail: []string{"base64"}},
	{name: "base64 of fake key", in: Input{Key: b64([]byte(fakeKeys[0] + "\n"))}, want: StatusFail, detail: []string{"37-character key"}},
	{name: "base64 of env line", in: Input{Key: b64([]byte("HIAPI_API_KEY=" + goodKey + "\n"))}, want: StatusFail, detail: []string{"base64"}},
	{name: "base64 of Anthropic key", in: Input{Key: b64([]byte("sk-ant-api03-" + randKey(11, 80)))}, want: StatusFail, detail: []string{"base64"}},
	{name: "base64 quoted", in: Input{Key: `"` + b64([]byte(goodKey+"\n")) + `"`}, want: StatusFail, detail: []string{"Wrapped in quotes", "base64"}},
	{name: "base64 of prose is not a key", in: Input{Key: b64([]byte("hello world, this is not a key"))}, want: StatusPass, not: []string{"base64"}},
	{name: "base64 of random bytes", in: Input{Key: b64([]byte{0x93, 0x11, 0xfe, 0x42, 0x99, 0x00, 0x12, 0xab, 0xcd, 0xef, 0x01, 0x02, 0x03, 0x04, 0x05})}, want: StatusPass},
}

var _ = register(StepCharacters, &charactersCases)

func TestCharacters(t *testing.T) { runTable(t, StepCharacters, charactersCases) }

func TestUnwrap(t *testing.T) {
	cases := []struct{ raw, core string }{
		{goodKey, goodKey},
		{" " + goodKey + "\n", goodKey},
		{`"` + goodKey + `"`, goodKey},
		{"Authorization: Bearer " + goodKey, goodKey},
		{"export HIAPI_API_KEY='" + goodKey + "'", goodKey},
		{"HIAPI_API_KEY=\"" + goodKey + "\",", goodKey},
		{goodKey + `\n`, goodKey},
		{"“" + goodKey + "”", goodKey},
		{"Bearer", "Bearer"},
		{"sk-abc=def", "sk-abc=def"},
		{"abc==", "abc=="},
		{"https://api.hiapi.ai", "https://api.hiapi.ai"},
	}
	for _, c := range cases {
		var k keyInfo
		k.analyse(c.raw)
		if k.core != c.core {
			t.Errorf("core of %q = %q, want %q", c.raw, k.core, c.core)
		}
		if k.raw[k.coreLo:k.coreLo+len(k.core)] != k.core {
			t.Errorf("coreLo of %q is wrong", c.raw)
		}
	}
}
