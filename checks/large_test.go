package checks

import (
	"strings"
	"testing"
	"time"
)

// TestLargeInputs feeds 256 KiB of each pathological pattern: Check must
// stay roughly linear, with no quadratic loop over the input.
func TestLargeInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	n := 1 << 18 // 256 KiB: every input must stay roughly linear
	pats := map[string]Input{
		"key a":        {Key: strings.Repeat("a", n)},
		"key quotes":   {Key: strings.Repeat("\"", n)},
		"key dots":     {Key: strings.Repeat(".", n)},
		"key x":        {Key: strings.Repeat("x", n)},
		"key sk-":      {Key: strings.Repeat("sk-", n/3)},
		"key ws":       {Key: strings.Repeat(" a", n/2)},
		"key zwsp":     {Key: strings.Repeat("a\u200b", n/4)},
		"key b64":      {Key: strings.Repeat("c2st", n/4)},
		"key $":        {Key: strings.Repeat("$a", n/2)},
		"key \\n":      {Key: strings.Repeat(`\n`, n/2)},
		"key bearer":   {Key: strings.Repeat("Bearer ", n/7)},
		"key export":   {Key: strings.Repeat("A=", n/2)},
		"key red":      {Key: strings.Repeat("redacte", n/7)},
		"env quotes":   {Key: "sk-a", EnvFile: strings.Repeat("A=\"x\n", n/5)},
		"env squotes":  {Key: "sk-a", EnvFile: strings.Repeat("A='\n", n/4)},
		"env mixed":    {Key: "sk-a", EnvFile: strings.Repeat("A=\"'\n", n/5)},
		"env target":   {Key: "sk-a", EnvFile: strings.Repeat("HIAPI_API_KEY=x\n", n/16)},
		"env names":    {Key: "sk-a", EnvFile: strings.Repeat("HIAPI_API_KEX=x\n", n/16)},
		"env noeq":     {Key: "sk-a", EnvFile: strings.Repeat("HIAPI\n", n/6)},
		"environ":      {Key: "sk-a", Environ: strings.Split(strings.Repeat("HIAPI_API_KEX=x,", n/16), ",")},
		"header lines": {Key: "sk-a", Header: strings.Repeat("Authorization: Bearer x\n", n/24)},
		"header curl":  {Key: "sk-a", Header: "curl " + strings.Repeat("-H 'Authorization: Bearer x' ", n/30)},
		"header cont":  {Key: "sk-a", Header: "curl " + strings.Repeat("\\ \n-H x ", n/8)},
		"header quote": {Key: "sk-a", Header: "curl " + strings.Repeat("'", n)},
		"header dq":    {Key: "sk-a", Header: "curl \"" + strings.Repeat("\\\"", n/2)},
		"header code":  {Key: "sk-a", Header: strings.Repeat("'", n)},
		"header code2": {Key: "sk-a", Header: strings.Repeat("'Authorization", n/14)},
		"base url":     {Key: "sk-a", BaseURL: "https://" + strings.Repeat("a", n)},
		"base url2":    {Key: "sk-a", BaseURL: strings.Repeat("/", n)},
		"base ://":     {Key: "sk-a", BaseURL: strings.Repeat("://", n/3)},
		"last4":        {Key: "sk-a" + strings.Repeat("wxyz", n/4), ExpectedLast4: strings.Repeat("w", n)},
	}
	for name, in := range pats {
		start := time.Now()
		Check(in)
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: %v", name, d)
		}
	}
}
