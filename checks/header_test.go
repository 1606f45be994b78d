package checks

import (
	"reflect"
	"testing"
)

const curlHead = "curl -X POST https://api.hiapi.ai/v1/tasks \\\n"

var headerCases = []stepCase{
	{name: "none", in: Input{Key: goodKey}, want: StatusSkip, detail: []string{"no header given", "curl command"}},
	{name: "blank", in: Input{Header: "\n"}, want: StatusSkip},

	// One header line.
	{name: "right", in: Input{Key: goodKey, Header: "Authorization: Bearer " + goodKey}, want: StatusPass, detail: []string{"carries this key", "sha256:"}},
	{name: "right, trailing newline in paste", in: Input{Key: goodKey, Header: "Authorization: Bearer " + goodKey + "\n"}, want: StatusPass},
	{name: "right, CRLF paste", in: Input{Key: goodKey, Header: "Authorization: Bearer " + goodKey + "\r\n"}, want: StatusPass},
	{name: "right, no space after colon", in: Input{Key: goodKey, Header: "Authorization:Bearer " + goodKey}, want: StatusPass},
	{name: "right, lowercase name", in: Input{Key: goodKey, Header: "authorization: Bearer " + goodKey}, want: StatusPass},
	{name: "right, no key pasted", in: Input{Header: "Authorization: Bearer " + goodKey}, want: StatusPass, detail: []string{"right form", "paste the key too"}},
	{name: "right, pasted key has newline", in: Input{Key: goodKey + "\n", Header: "Authorization: Bearer " + goodKey}, want: StatusPass},
	{name: "right, pasted key wrapped", in: Input{Key: "Bearer " + goodKey, Header: "Authorization: Bearer " + goodKey}, want: StatusPass},
	{name: "value only", in: Input{Key: goodKey, Header: "Bearer " + goodKey}, want: StatusPass},
	{name: "bare key", headline: "Your header sends the bare key, without ‘Bearer ’ in front.", in: Input{Key: goodKey, Header: goodKey}, want: StatusFail, detail: []string{"bare key with no ‘Bearer ’", "carries this key"}, fix: []string{"the word Bearer, one space"}},
	{name: "no Bearer", in: Input{Key: goodKey, Header: "Authorization: " + goodKey}, want: StatusFail, detail: []string{"bare key"}},
	{name: "Bearer colon", headline: "Your header says ‘Bearer:’ with a colon: HiAPI wants the word Bearer and one space.", in: Input{Key: goodKey, Header: "Authorization: Bearer: " + goodKey}, want: StatusFail, detail: []string{"‘Bearer:’ with a colon"}},
	{name: "Bearer colon value only", in: Input{Key: goodKey, Header: "Bearer: " + goodKey}, want: StatusFail, detail: []string{"‘Bearer:’ with a colon"}},
	{name: "Token", headline: "Your header uses the ‘Token’ scheme: HiAPI wants Bearer.", in: Input{Key: goodKey, Header: "Authorization: Token " + goodKey}, want: StatusFail, detail: []string{"‘Token’ scheme", "HiAPI wants Bearer"}},
	{name: "Basic", in: Input{Key: goodKey, Header: "Authorization: Basic " + b64([]byte(":"+goodKey))}, want: StatusFail, detail: []string{"‘Basic’ scheme"}},
	{name: "two spaces", headline: "Your header has 2 spaces after Bearer: it must be exactly one space.", in: Input{Key: goodKey, Header: "Authorization: Bearer  " + goodKey}, want: StatusFail, detail: []string{"2 spaces (␣␣) after Bearer", "exactly one space"}},
	{name: "tab", in: Input{Key: goodKey, Header: "Authorization: Bearer\t" + goodKey}, want: StatusFail, detail: []string{"a tab (⇥) after Bearer"}},
	{name: "lowercase bearer", in: Input{Key: goodKey, Header: "Authorization: bearer " + goodKey}, want: StatusWarn, detail: []string{"‘bearer’ in lower case", "most servers accept it"}},
	{name: "BEARER", in: Input{Key: goodKey, Header: "Authorization: BEARER " + goodKey}, want: StatusWarn, detail: []string{"‘BEARER’"}},
	{name: "Bearer alone", headline: "Your header has no key after ‘Bearer’: the variable holding it was empty.", in: Input{Key: goodKey, Header: "Authorization: Bearer"}, want: StatusFail, detail: []string{"nothing after it", "empty"}},
	{name: "Bearer and space", in: Input{Key: goodKey, Header: "Authorization: Bearer "}, want: StatusFail, detail: []string{"nothing after it"}},
	{name: "empty value", in: Input{Key: goodKey, Header: "Authorization:"}, want: StatusFail, detail: []string{"has no value"}},
	{name: "Bearer twice", headline: "Your header says Bearer twice: the variable already holds ‘Bearer …’.", in: Input{Key: goodKey, Header: "Authorization: Bearer Bearer " + goodKey}, want: StatusFail, detail: []string{"Bearer twice", "carries this key"}},
	{name: "misspelt Bearer", in: Input{Key: goodKey, Header: "Authorization: Baerer " + goodKey}, want: StatusFail, detail: []string{"misspells Bearer as ‘Baerer’"}},
	{name: "unknown scheme", in: Input{Key: goodKey, Header: "Authorization: Foo bar " + goodKey}, want: StatusFail, detail: []string{"is not ‘Bearer <key>’"}},
	{name: "x-api-key", headline: "Your key goes in x-api-key, Anthropic's header: HiAPI reads only Authorization.", in: Input{Key: goodKey, Header: "x-api-key: " + goodKey}, want: StatusFail, detail: []string{"x-api-key, Anthropic's header"}, fix: []string{"Authorization: Bearer $HIAPI_API_KEY"}},
	{name: "api-key", in: Input{Key: goodKey, Header: "api-key: " + goodKey}, want: StatusFail, detail: []string{"Azure OpenAI's header"}},
	{name: "x-goog-api-key", in: Input{Key: goodKey, Header: "x-goog-api-key: " + goodKey}, want: StatusFail, detail: []string{"Google's header"}},
	{name: "Authorisation", in: Input{Key: goodKey, Header: "Authorisation: Bearer " + goodKey}, want: StatusFail, detail: []string{"with a z"}},
	{name: "Authentication", in: Input{Key: goodKey, Header: "Authentication: Bearer " + goodKey}, want: StatusFail, detail: []string{"called Authentication"}},
	{name: "X-Auth-Token", in: Input{Key: goodKey, Header: "X-Auth-Token: " + goodKey}, want: StatusFail, detail: []string{"‘X-Auth-Token’", "only from Authorization"}},
	{name: "space before colon", in: Input{Key: goodKey, Header: "Authorization : Bearer " + goodKey}, want: StatusFail, detail: []string{"space before the colon"}},
	{name: "trailing CR", headline: "Your header's key ends with a line ending: most clients refuse it, the rest send it as part of the key.", in: Input{Key: goodKey, Header: "Authorization: Bearer " + goodKey + "\r"}, want: StatusFail, detail: []string{"ends with a carriage return (␍, CR)", "carries this key"}, fix: []string{"dos2unix"}},
	{name: "trailing space", in: Input{Key: goodKey, Header: "Authorization: Bearer " + goodKey + " "}, want: StatusWarn, detail: []string{"ends with a space", "servers usually strip it"}},
	{name: "trailing escaped newline", in: Input{Key: goodKey, Header: "Authorization: Bearer " + goodKey + `\n`}, want: StatusFail, detail: []string{"ends with the text ‘\\n’", "carries this key"}},
	{name: "quoted key", in: Input{Key: goodKey, Header: `Authorization: Bearer "` + goodKey + `"`}, want: StatusFail, detail: []string{"wrapped in quotes"}},
	{name: "different key", headline: "Your header carries a different key than the one you pasted.", in: Input{Key: goodKey, Header: "Authorization: Bearer " + otherKey}, want: StatusFail, detail: []string{"a different key", FingerprintOf(otherKey).Short() + " in the header", FingerprintOf(goodKey).Short() + " pasted"}, fix: []string{"sha256sum"}},
	{name: "different key, newline in paste", in: Input{Key: goodKey + "\n", Header: "Authorization: Bearer " + otherKey}, want: StatusFail, detail: []string{"different key"}},
	{name: "placeholder", in: Input{Key: goodKey, Header: "Authorization: Bearer sk-..."}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "placeholder brackets", in: Input{Key: goodKey, Header: "Authorization: Bearer <YOUR_API_KEY>"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "literal $VAR in line", in: Input{Key: goodKey, Header: "Authorization: Bearer $HIAPI_API_KEY"}, want: StatusWarn, detail: []string{"‘$HIAPI_API_KEY’", "never expanded"}},
	{name: "python f-string lost its f", in: Input{Key: goodKey, Header: "Authorization: Bearer {api_key}"}, want: StatusWarn, detail: []string{"template text"}, fix: []string{"f-string"}},
	{name: "python dict", in: Input{Key: goodKey, Header: `headers = {"Authorization": "Bearer ` + goodKey + `"}`}, want: StatusPass, detail: []string{"carries this key"}},
	{name: "JS object", in: Input{Key: goodKey, Header: "headers: { 'Authorization': `Bearer ${process.env.HIAPI_API_KEY}` },"}, want: StatusPass, detail: []string{"cannot compare"}},
	{name: "python dict line", in: Input{Key: goodKey, Header: `"Authorization": "Bearer ` + goodKey + `",`}, want: StatusPass, detail: []string{"carries this key"}},
	{name: "python f-string", in: Input{Key: goodKey, Header: `'Authorization': f'Bearer {key}'`}, want: StatusPass, detail: []string{"cannot compare"}},
	{name: "python plain string with braces", in: Input{Key: goodKey, Header: `'Authorization': 'Bearer {key}'`}, want: StatusWarn, detail: []string{"template text"}},
	{name: "several lines", in: Input{Key: goodKey, Header: "Content-Type: application/json\nAuthorization: Bearer " + goodKey + "\nAccept: */*"}, want: StatusPass, detail: []string{"The header on line 2"}},
	{name: "several lines, none auth", in: Input{Key: goodKey, Header: "Content-Type: application/json\nAccept: */*"}, want: StatusFail, detail: []string{"None of the 2 pasted lines is an Authorization header"}},
	{name: "two auth lines", in: Input{Key: goodKey, Header: "Authorization: Bearer " + otherKey + "\nAuthorization: Bearer " + goodKey}, want: StatusFail, detail: []string{"Sends 2 key headers (lines 1 and 2)"}},
	{name: "prose", in: Input{Key: goodKey, Header: "I use the header\nwith my key"}, want: StatusFail, detail: []string{"Could not find a header"}},

	// curl commands.
	{name: "curl right", in: Input{Key: goodKey, Header: curlHead + "  -H \"Authorization: Bearer " + goodKey + "\" \\\n  -H \"Content-Type: application/json\" \\\n  -d '{\"model\":\"gpt-image-2\"}'"}, want: StatusPass, detail: []string{"The header on line 2", "carries this key"}},
	{name: "curl $VAR in double quotes", in: Input{Key: goodKey, Header: curlHead + "  -H \"Authorization: Bearer $HIAPI_API_KEY\""}, want: StatusPass, detail: []string{"takes the key from $HIAPI_API_KEY", "cannot compare", "keycheck check --var HIAPI_API_KEY"}},
	{name: "curl ${VAR}", in: Input{Key: goodKey, Header: curlHead + "  -H \"Authorization: Bearer ${HIAPI_API_KEY}\""}, want: StatusPass, detail: []string{"$HIAPI_API_KEY"}},
	{name: "curl $VAR in single quotes", headline: "Your curl command sends the text $HIAPI_API_KEY, not the key: it is in single quotes.", in: Input{Key: goodKey, Header: curlHead + "  -H 'Authorization: Bearer $HIAPI_API_KEY'"}, want: StatusFail, detail: []string{"inside single quotes", "literal text ‘$HIAPI_API_KEY’"}, fix: []string{"double quotes", `-H "Authorization: Bearer $HIAPI_API_KEY"`}},
	{name: "curl escaped dollar", in: Input{Key: goodKey, Header: "curl -H \"Authorization: Bearer \\$HIAPI_API_KEY\" https://api.hiapi.ai/v1/tasks"}, want: StatusFail, detail: []string{"literal text"}},
	{name: "curl other var name", in: Input{Key: goodKey, VarName: "HIAPI_API_KEY", Header: "curl -H \"Authorization: Bearer $HIAPI_KEY\" https://api.hiapi.ai/v1/tasks"}, want: StatusWarn, detail: []string{"Your code reads HIAPI_API_KEY, not HIAPI_KEY"}},
	{name: "curl single-quoted literal key", in: Input{Key: goodKey, Header: "curl -H 'Authorization: Bearer " + goodKey + "' https://api.hiapi.ai/v1/tasks"}, want: StatusPass},
	{name: "curl different key", in: Input{Key: goodKey, Header: "curl -H 'Authorization: Bearer " + otherKey + "' https://api.hiapi.ai/v1/tasks"}, want: StatusFail, detail: []string{"different key"}},
	{name: "curl no header", headline: "Your curl command sends no Authorization header.", in: Input{Key: goodKey, Header: "curl https://api.hiapi.ai/v1/tasks -H 'Content-Type: application/json' -d '{}'"}, want: StatusFail, detail: []string{"sends no Authorization header", "its 1 header is something else"}, fix: []string{"-H \"Authorization: Bearer $HIAPI_API_KEY\""}},
	{name: "curl bare", in: Input{Key: goodKey, Header: "curl https://api.hiapi.ai/v1/tasks"}, want: StatusFail, detail: []string{"sends no Authorization header."}},
	{name: "curl basic auth", in: Input{Key: goodKey, Header: "curl -u :" + goodKey + " https://api.hiapi.ai/v1/tasks"}, want: StatusFail, detail: []string{"-u (Basic auth)"}},
	{name: "curl oauth2-bearer", in: Input{Key: goodKey, Header: "curl --oauth2-bearer " + goodKey + " https://api.hiapi.ai/v1/tasks"}, want: StatusPass, detail: []string{"carries this key"}},
	{name: "curl --header", in: Input{Key: goodKey, Header: "curl --header \"Authorization: Bearer " + goodKey + "\" https://api.hiapi.ai/v1/tasks"}, want: StatusPass},
	{name: "curl -H attached", in: Input{Key: goodKey, Header: "curl -H\"Authorization: Bearer " + goodKey + "\" https://api.hiapi.ai/v1/tasks"}, want: StatusPass},
	{name: "curl -sH combined", in: Input{Key: goodKey, Header: "curl -sH \"Authorization: Bearer " + goodKey + "\" https://api.hiapi.ai/v1/tasks"}, want: StatusPass},
	{name: "curl with prompt", in: Input{Key: goodKey, Header: "$ curl -H \"Authorization: Bearer " + goodKey + "\" https://api.hiapi.ai/v1/tasks"}, want: StatusPass},
	{name: "bare -H option", in: Input{Key: goodKey, Header: "-H \"Authorization: Bearer " + goodKey + "\""}, want: StatusPass},
	{name: "curl x-api-key", in: Input{Key: goodKey, Header: "curl -H \"x-api-key: " + goodKey + "\" https://api.hiapi.ai/v1/tasks"}, want: StatusFail, detail: []string{"Anthropic's header"}},
	{name: "curl two auth headers", in: Input{Key: goodKey, Header: curlHead + " -H \"Authorization: Bearer " + goodKey + "\" \\\n -H \"Authorization: Bearer " + goodKey + "\""}, want: StatusFail, detail: []string{"2 key headers (lines 2 and 3)"}},
	{name: "curl broken continuation", headline: "Your curl command is cut short at line ", in: Input{Key: goodKey, Header: "curl -X POST https://api.hiapi.ai/v1/tasks \\ \n  -H \"Authorization: Bearer " + goodKey + "\""}, want: StatusFail, detail: []string{"Line 1 of the command ends with a space after the backslash", "never reaches curl", "cut off"}, fix: []string{"very last character"}},
	{name: "curl CRLF continuation", in: Input{Key: goodKey, Header: "curl -X POST https://api.hiapi.ai/v1/tasks \\\r\n  -H \"Authorization: Bearer " + goodKey + "\""}, want: StatusFail, detail: []string{"Windows line ending (CR LF) after the backslash"}, fix: []string{"dos2unix"}},
	{name: "curl broken after auth", in: Input{Key: goodKey, Header: "curl -H \"Authorization: Bearer " + goodKey + "\" https://api.hiapi.ai/v1/tasks \\ \n  -H 'Content-Type: application/json'"}, want: StatusFail, detail: []string{"the -H option after it never reaches curl", "carries this key"}},
	{name: "curl windows caret", in: Input{Key: goodKey, Header: "curl https://api.hiapi.ai/v1/tasks ^\n  -H \"Authorization: Bearer " + goodKey + "\""}, want: StatusPass},
	{name: "curl powershell backtick", in: Input{Key: goodKey, Header: "curl.exe https://api.hiapi.ai/v1/tasks `\n  -H \"Authorization: Bearer " + goodKey + "\""}, want: StatusPass},
	{name: "curl piped", in: Input{Key: goodKey, Header: "curl -H \"Authorization: Bearer " + goodKey + "\" https://api.hiapi.ai/v1/tasks | jq ."}, want: StatusPass},
	{name: "curl to OpenAI", in: Input{Key: goodKey, Header: "curl https://api.openai.com/v1/images/generations -H \"Authorization: Bearer " + goodKey + "\""}, want: StatusPass, detail: []string{"calls OpenAI (api.openai.com), not api.hiapi.ai", "base URL step"}},
	{name: "curl over http", in: Input{Key: goodKey, Header: "curl http://api.hiapi.ai/v1/tasks -H \"Authorization: Bearer " + goodKey + "\""}, want: StatusPass, detail: []string{"over http, not https"}},
	{name: "curl to a proxy", in: Input{Key: goodKey, Header: "curl --url https://proxy.internal.example/v1/tasks -H \"Authorization: Bearer " + goodKey + "\""}, want: StatusPass, detail: []string{"calls proxy.internal.example"}},
	{name: "curl URL with $BASE", in: Input{Key: goodKey, Header: "curl \"$HIAPI_BASE_URL/v1/tasks\" -H \"Authorization: Bearer " + goodKey + "\""}, want: StatusPass, not: []string{"calls"}},
	{name: "curl key in URL host not shown", in: Input{Key: goodKey, Header: "curl https://" + goodKey + ".example/v1 -H \"Authorization: Bearer " + goodKey + "\""}, want: StatusPass, detail: []string{"calls another host"}},
	{name: "curl data skipped", in: Input{Key: goodKey, Header: "curl -d 'Authorization: Bearer x' -H \"Authorization: Bearer " + goodKey + "\" https://api.hiapi.ai/v1/tasks"}, want: StatusPass},
	{name: "curl placeholder", in: Input{Key: goodKey, Header: "curl -H 'Authorization: Bearer sk-...' https://api.hiapi.ai/v1/tasks"}, want: StatusFail, detail: []string{"placeholder"}},
	{name: "curl to a host made of the key, lower-cased", in: Input{Key: goodKey, Header: "curl https://" + lowerPiece + ".example.com/v1/tasks -H 'Authorization: Bearer " + goodKey + "'"}, want: StatusPass, detail: []string{"The command calls another host"}, not: []string{lowerPiece}},
	{name: "curl lowercase bearer", in: Input{Key: goodKey, Header: "curl -H 'authorization: bearer " + goodKey + "' https://api.hiapi.ai/v1/tasks"}, want: StatusWarn, detail: []string{"lower case"}},
}

var _ = register(StepHeader, &headerCases)

func TestHeader(t *testing.T) { runTable(t, StepHeader, headerCases) }

func TestShellWords(t *testing.T) {
	texts := func(ws []shellWord) []string {
		var out []string
		for _, w := range ws {
			out = append(out, w.text)
		}
		return out
	}
	cases := []struct {
		in   string
		want []string
	}{
		{`curl a b`, []string{"curl", "a", "b"}},
		{`curl 'a b' "c d"`, []string{"curl", "a b", "c d"}},
		{"curl a \\\n b", []string{"curl", "a", "b"}},
		{`curl a"b"'c'`, []string{"curl", "abc"}},
		{`curl "a\"b"`, []string{"curl", `a"b`}},
		{`curl a\ b`, []string{"curl", "a b"}},
		{"curl a # comment\nnext", []string{"curl", "a"}},
		{"curl a; echo b", []string{"curl", "a"}},
		{"curl 'x\ny'", []string{"curl", "x\ny"}},
		{`curl "unterminated`, []string{"curl", "unterminated"}},
	}
	for _, c := range cases {
		got, _, _, _ := shellWords(c.in)
		if !reflect.DeepEqual(texts(got), c.want) {
			t.Errorf("shellWords(%q) = %q, want %q", c.in, texts(got), c.want)
		}
	}
	ws, _, _, _ := shellWords(`curl -H 'A: $X' -H "B: $Y" -H "C: \$Z"`)
	if !ws[2].literalDollar || ws[2].expandedDollar || ws[4].literalDollar || !ws[4].expandedDollar || !ws[6].literalDollar {
		t.Errorf("dollar flags wrong: %+v", ws)
	}
	_, line, cr, rest := shellWords("curl a \\ \n -H x")
	if line != 1 || cr || rest == "" {
		t.Errorf("broken continuation: line %d cr %v rest %q", line, cr, rest)
	}
}
