package checks

import (
	"reflect"
	"testing"
)

func TestParseEnv(t *testing.T) {
	cases := []struct {
		src  string
		want []envEntry
	}{
		{"A=1\n", []envEntry{{line: 1, endLine: 1, name: "A", value: "1"}}},
		{"A=1", []envEntry{{line: 1, endLine: 1, name: "A", value: "1"}}},
		{"# c\n\nA=1\r\n", []envEntry{{line: 3, endLine: 3, name: "A", value: "1", crlf: true}}},
		{"export A=1", []envEntry{{line: 1, endLine: 1, name: "A", value: "1", export: "export"}}},
		{"declare -x A=\"1\"", []envEntry{{line: 1, endLine: 1, name: "A", value: "1", export: "declare -x", quote: '"'}}},
		{"A = 1", []envEntry{{line: 1, endLine: 1, name: "A", value: "1", spaceBefore: true, spaceAfter: true}}},
		{`A="x\ny"`, []envEntry{{line: 1, endLine: 1, name: "A", value: "x\ny", quote: '"'}}},
		{`A='x\ny'`, []envEntry{{line: 1, endLine: 1, name: "A", value: `x\ny`, quote: '\''}}},
		{`A="a\"b"`, []envEntry{{line: 1, endLine: 1, name: "A", value: `a"b`, quote: '"'}}},
		{"A=`x`", []envEntry{{line: 1, endLine: 1, name: "A", value: "x", quote: '`'}}},
		{"A=x # c", []envEntry{{line: 1, endLine: 1, name: "A", value: "x", comment: true}}},
		{"A=x#c", []envEntry{{line: 1, endLine: 1, name: "A", value: "x#c"}}},
		{"A=x  ", []envEntry{{line: 1, endLine: 1, name: "A", value: "x", trailingWS: true}}},
		{`A="x" # c`, []envEntry{{line: 1, endLine: 1, name: "A", value: "x", quote: '"'}}},
		{`A="x"y`, []envEntry{{line: 1, endLine: 1, name: "A", value: "x", quote: '"', afterQuote: true}}},
		{"A=\"x\ny\"\nB=2", []envEntry{{line: 1, endLine: 2, name: "A", value: "x\ny", quote: '"'}, {line: 3, endLine: 3, name: "B", value: "2"}}},
		{`A="x`, []envEntry{{line: 1, endLine: 1, name: "A", value: "x", quote: '"', unbalanced: true}}},
		{"A", []envEntry{{line: 1, endLine: 1, name: "A", noEquals: true}}},
		{"A: x", []envEntry{{line: 1, endLine: 1, name: "A", value: "x", yaml: true}}},
		{"  - A=1", []envEntry{{line: 1, endLine: 1, name: "A", value: "1"}}},
		{"1A=1\nBASH_FUNC_x%%=() {\n}\nnot a var\n", nil},
		{"A=1=2", []envEntry{{line: 1, endLine: 1, name: "A", value: "1=2"}}},
	}
	for _, c := range cases {
		var got []envEntry
		parseEnv(c.src, func(e *envEntry) bool {
			got = append(got, *e)
			return true
		})
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseEnv(%q)\n got %+v\nwant %+v", c.src, got, c.want)
		}
	}
}

func TestParseEnvStops(t *testing.T) {
	n := 0
	parseEnv("A=1\nB=2\nC=3\n", func(*envEntry) bool {
		n++
		return n < 2
	})
	if n != 2 {
		t.Errorf("called %d times, want 2", n)
	}
}
