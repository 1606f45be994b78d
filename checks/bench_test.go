package checks

import (
	"strings"
	"testing"
)

// BenchmarkCheck is the common case: a clean key and nothing else.
func BenchmarkCheck(b *testing.B) {
	in := Input{Key: goodKey}
	b.ReportAllocs()
	for b.Loop() {
		Check(in)
	}
}

// BenchmarkCheckWorst has a fault at every step and a 64 KiB env file.
func BenchmarkCheckWorst(b *testing.B) {
	key := "\ufeff\"Bearer sk–" + goodKey[3:20] + "\u200b" + goodKey[20:40] + "а...\\n\"\r\n"
	var envFile strings.Builder
	for i := 0; envFile.Len() < 64<<10; i++ {
		envFile.WriteString("export APP_SETTING_")
		envFile.WriteString(itoa(i))
		envFile.WriteString("=\"value ")
		envFile.WriteString(randKey(int64(i), 24))
		envFile.WriteString("\" # comment\r\n")
	}
	envFile.WriteString("HIAPI_KEY = '" + otherKey + "\r\n")
	in := Input{
		Key:            key,
		VarName:        "HIAPI_API_KEY",
		EnvFile:        envFile.String(),
		Environ:        []string{"PATH=/usr/bin", "HOME=/root", "hiapi_api_key=" + otherKey},
		BaseURL:        " http://api.hiap.ai/v1/v1/tasks?key=x#y\n",
		Header:         "curl -X POST https://api.openai.com/v1/tasks \\ \n -H 'Authorization: bearer  $HIAPI_API_KEY' \\\n -H 'x-api-key: " + otherKey + "'",
		ExpectedLast4:  "wxyz",
		ExpectedLength: 51,
	}
	b.ReportAllocs()
	for b.Loop() {
		Check(in)
	}
}

// BenchmarkCheckTypical is a key with a trailing newline and a small .env
// file, base URL and header: a typical failing paste.
func BenchmarkCheckTypical(b *testing.B) {
	in := Input{
		Key:     goodKey + "\n",
		EnvFile: "A=1\nHIAPI_API_KEY=" + goodKey + "\n",
		BaseURL: "https://api.hiapi.ai/v1",
		Header:  "Authorization: Bearer " + goodKey,
	}
	b.ReportAllocs()
	for b.Loop() {
		Check(in)
	}
}

// BenchmarkNewSecret is the cost of the one rule for each key: every
// request that checks a field, and every call to HiAPI, makes one.
func BenchmarkNewSecret(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		NewSecret(goodKey)
	}
}

// BenchmarkSecretRedact searches a provider's message of 300 characters
// that echoes a piece of the key.
func BenchmarkSecretRedact(b *testing.B) {
	s := NewSecret(goodKey)
	msg := strings.Repeat("Incorrect API key provided. ", 9) + goodKey[:30] + "****" + goodKey[len(goodKey)-4:]
	b.ReportAllocs()
	for b.Loop() {
		s.Redact(msg)
	}
}

// BenchmarkFieldHoldingKey is what the as-you-type check adds to each
// keystroke: the fields a form posts, against the key.
func BenchmarkFieldHoldingKey(b *testing.B) {
	fields := []Field{{"var_name", "HIAPI_API_KEY"}, {"model", "gpt-image-2"}, {"prompt", "a red apple on a white table"}, {"expected_last4", "wxyz"}}
	b.ReportAllocs()
	for b.Loop() {
		FieldHoldingKey(goodKey+"\n", fields...)
	}
}

// BenchmarkCheckTypicalOpenAI is the typical check for another target:
// the steps' copy is rewritten to name it (forTarget).
func BenchmarkCheckTypicalOpenAI(b *testing.B) {
	in := Input{
		Key:      goodKey + "\n",
		EnvFile:  "A=1\nOPENAI_API_KEY=" + goodKey + "\n",
		BaseURL:  "https://api.openai.com/v1",
		Header:   "Authorization: Bearer " + goodKey,
		Provider: ProviderOpenAI,
	}
	b.ReportAllocs()
	for b.Loop() {
		Check(in)
	}
}
