package checks

import "strings"

// input is a part of Input a hint can ask a person for.
type input uint8

const (
	inputKey input = iota
	inputVarName
	inputEnvFile
	inputBaseURL
	inputHeader
	inputLast4
	inputLength
)

// inputs name each input on each surface, the one table every hint reads:
// on the page, the verb for giving it and the field it goes in; in the
// CLI, its flag.
var inputs = [...]struct{ verb, field, flag string }{
	inputKey:     {"paste", "the key field", "the environment (or --stdin)"},
	inputVarName: {"give", "the variable name field", "--var"},
	inputEnvFile: {"paste", "the .env field", "--env-file"},
	inputBaseURL: {"paste", "the base URL field", "--base-url"},
	inputHeader:  {"paste", "the header field", "--header"},
	inputLast4:   {"enter", "the last-four field", "--expected-last4"},
	inputLength:  {"enter", "the length field", "--expected-length"},
}

// give says how to give keycheck what, for the inputs named: "paste the
// base URL …" on the page, "pass --base-url with the base URL …" in the
// CLI. It starts in lower case; capitalise it to start a sentence.
func give(s Surface, what string, in ...input) string {
	if s != SurfaceCLI {
		return inputs[in[0]].verb + " " + what
	}
	flags := make([]string, len(in))
	for i, x := range in {
		flags[i] = inputs[x].flag
	}
	return "pass " + joinAnd(flags) + " with " + what
}

// give is give on the surface of the check.
func (st *state) give(what string, in ...input) string { return give(st.in.Surface, what, in...) }

// field names where an input goes: "the variable name field" on the page,
// "--var" in the CLI.
func (st *state) field(in input) string {
	if st.in.Surface == SurfaceCLI {
		return inputs[in].flag
	}
	return inputs[in].field
}

// bySurface is a text on each surface, indexed by Surface.
type bySurface [2]string

// asking is a sentence that asks for inputs, made once for each surface
// from inputs (not at every check: a clean key shows several of them):
// before, then how to give what, then after.
func asking(before, what, after string, in ...input) bySurface {
	var t bySurface
	for s := range t {
		g := give(Surface(s), what, in...)
		if before == "" || strings.HasSuffix(before, ". ") {
			g = capitalise(g)
		}
		t[s] = before + g + after
	}
	return t
}

// The skip details and hints that ask for an input.
var (
	askBaseURL = asking("Skipped: no base URL given. ",
		"the base URL your client uses (e.g. the value of HIAPI_BASE_URL or OPENAI_BASE_URL, or base_url in your code)", " to check it.", inputBaseURL)
	askHeader = asking("Skipped: no header given. ",
		"the Authorization header your code sends, or the whole curl command,", " to check it.", inputHeader)
	askVariable = asking("Skipped: no variable name, .env file or `env` output given. ",
		"your .env file, or the output of `env | grep -i key` run where the key fails,", " to check that the process reads this key.", inputEnvFile)
	askVarName     = asking(" (the name HiAPI documents; ", "the name your code reads", " if it is another)", inputVarName)
	checkedVarName = asking(", the name HiAPI documents: ", "the name your code reads", " if it is another.)", inputVarName)
	askExpected    = asking(", with no ellipsis or mask. Compare both with the key in the HiAPI dashboard, or ",
		"the last four and length it shows", " to have them checked.", inputLast4, inputLength)
)
