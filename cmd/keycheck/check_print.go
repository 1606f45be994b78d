package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/keycheck/keycheck/checks"
)

// lineWidth is the terminal width the doctor output is wrapped to.
const lineWidth = 80

// Bold on, and back to normal weight, for code spans on a terminal.
const (
	boldOn  = "\x1b[1m"
	boldOff = "\x1b[22m"
)

// styled reports whether code spans may be drawn in bold: only on a
// terminal, and only if the person has not asked for plain output
// (NO_COLOR, https://no-color.org, or TERM=dumb). Anywhere else (a pipe,
// a file, a CI log) the output is plain text.
func styled(w io.Writer, getenv func(string) string) bool {
	f, ok := w.(*os.File)
	if !ok || getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// doctor prints a check the way a doctor command does: the verdict first,
// a mark per step with what needs attention under it, and the verdict again
// last with its fix. Product copy marks code with `backticks`; the doctor
// never prints them.
type doctor struct {
	w    io.Writer
	bold bool
	// shown says where each line of a fix was printed, or will be (the
	// verdict's fix, at the end), so a fix that several steps give is
	// printed once and the later steps point to it.
	shown map[string]string
	// details says which step first gave each detail.
	details map[string]checks.ID
}

// printDoctor prints the checklist; src says where the key came from.
func printDoctor(w io.Writer, src keySource, fp checks.Fingerprint, results []checks.Result, bold bool) {
	d := &doctor{w: w, bold: bold, shown: map[string]string{}, details: map[string]checks.ID{}}
	v := checks.VerdictOf(results)
	fmt.Fprintf(w, "keycheck: checking the key in %s\n", src.name)
	if src.note != "" {
		d.paragraph(2, "", src.note)
	}
	if fp.SHA256 != "" {
		fmt.Fprintf(w, "  fingerprint %s…%s, %d chars, %s\n", fp.Prefix, fp.Suffix, fp.Length, fp.SHA256)
		fmt.Fprintln(w, "  compare it where the key is deployed:")
		d.text(4, "", "`"+checks.HashCommandFor(src.varName)+"`")
	}
	fmt.Fprintln(w)
	d.paragraph(0, mark(v.Status)+" ", v.Headline)
	fmt.Fprintln(w)

	for _, line := range fixLines(v.Fix) {
		d.shown[line] = "the end"
	}
	width := 0
	for _, r := range results {
		width = max(width, len(r.ID))
	}
	livePending := false
	for _, r := range results {
		if r.Status == checks.StatusPending {
			livePending = true
			continue
		}
		d.step(r, width)
	}
	fmt.Fprintln(w)
	d.paragraph(0, "", checks.Summary(results))
	if livePending {
		d.paragraph(0, "", liveHint(src.target))
	}
	fmt.Fprintln(w)
	d.paragraph(0, mark(v.Status)+" ", v.Headline)
	d.text(2, "fix: ", v.Fix)
}

// step prints one step's line, its image, and, when it needs attention,
// its detail, request id and fix, indented under it.
func (d *doctor) step(r checks.Result, width int) {
	fmt.Fprintf(d.w, "%s %-*s  %s\n", mark(r.Status), width, r.ID, r.Title)
	indent := width + 4
	if img, ok := r.Image(); ok && r.ID == checks.StepResult {
		d.paragraph(indent, "image: ", img.URL)
	}
	if r.Status == checks.StatusPass {
		// A live step that passed with a cleaned key says so: that is the
		// proof the verdict rests on.
		if r.Live != nil && r.Live.Cleaned != "" {
			d.paragraph(indent, "", "Tested with "+r.Live.Cleaned+" removed.")
		}
		return
	}
	d.detail(r, indent)
	if r.Live != nil && r.Live.RequestID != "" {
		d.paragraph(indent, "request_id: ", r.Live.RequestID)
	}
	if r.Status != checks.StatusSkip {
		d.fix(r, indent)
	}
}

// detail prints what a step found. A long detail another step already
// gave (the three live steps not sent, for one reason) is not repeated.
func (d *doctor) detail(r checks.Result, indent int) {
	text := strings.TrimSpace(r.Detail)
	if first, ok := d.details[text]; ok && utf8.RuneCountInString(text) > lineWidth-indent {
		d.paragraph(indent, "", "Same as "+string(first)+", above.")
		return
	}
	if _, ok := d.details[text]; !ok {
		d.details[text] = r.ID
	}
	d.text(indent, "", text)
}

// fix prints the lines of a step's fix not printed yet, and points to
// where the others are.
func (d *doctor) fix(r checks.Result, indent int) {
	var fresh []string
	var elsewhere []string
	for _, line := range fixLines(r.Fix) {
		if where, ok := d.shown[line]; ok {
			if !slices.Contains(elsewhere, where) {
				elsewhere = append(elsewhere, where)
			}
			continue
		}
		fresh = append(fresh, line)
		d.shown[line] = "the " + string(r.ID) + " step above"
	}
	d.text(indent, "fix: ", strings.Join(fresh, "\n"))
	if len(elsewhere) == 0 {
		return
	}
	see := strings.Join(elsewhere, " and ")
	if len(fresh) == 0 {
		d.paragraph(indent, "fix: ", "see "+see+".")
	} else {
		d.paragraph(indent+len("fix: "), "", "The rest: see "+see+".")
	}
}

// fixLines are the lines of a fix, without blank ones.
func fixLines(fix string) []string {
	var lines []string
	for _, l := range strings.Split(fix, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	return lines
}

// text prints product copy, a paragraph per line, after indent spaces; the
// first line starts with lead, the others are aligned under its end. A
// command on a line of its own (the whole line one code span, or a line
// with no code after one that ends with a colon) is printed as it is, so it
// can be copied; the other lines are wrapped to lineWidth.
func (d *doctor) text(indent int, lead, text string) {
	prev := ""
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if cmd, ok := command(prev, line); ok {
			fmt.Fprintf(d.w, "%s%s%s\n", strings.Repeat(" ", indent), lead, d.code(cmd))
		} else {
			d.paragraph(indent, lead, line)
		}
		lead, prev = strings.Repeat(" ", utf8.RuneCountInString(lead)), line
	}
}

// command reports whether line is a command on a line of its own, and
// returns it without its backticks.
func command(prev, line string) (string, bool) {
	if n := strings.Count(line, "`"); n == 2 && strings.HasPrefix(line, "`") && strings.HasSuffix(line, "`") {
		return line[1 : len(line)-1], true
	}
	if strings.HasSuffix(prev, ":") && !strings.Contains(line, "`") {
		return line, true
	}
	return "", false
}

func (d *doctor) code(s string) string {
	if d.bold {
		return boldOn + s + boldOff
	}
	return s
}

// paragraph prints one line of product copy wrapped to lineWidth, after
// indent spaces: the first line starts with lead, the next ones are
// aligned under its end. It breaks only between words, never inside a
// code span, so a command that fits a line is never cut; one that does not
// gets a line of its own and runs past the width rather than break.
func (d *doctor) paragraph(indent int, lead, line string) {
	hang := strings.Repeat(" ", indent+utf8.RuneCountInString(lead))
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", indent))
	b.WriteString(lead)
	col, empty := len(hang), true
	for _, w := range d.words(line) {
		n := utf8.RuneCountInString(w.plain)
		if !empty && col+1+n > lineWidth {
			b.WriteString("\n")
			b.WriteString(hang)
			col, empty = len(hang), true
		}
		if !empty {
			b.WriteString(" ")
			col++
		}
		b.WriteString(w.styled)
		col += n
		empty = false
	}
	b.WriteString("\n")
	io.WriteString(d.w, b.String())
}

// word is a unit a line may break around: its text as it reads, and as it
// prints (code in bold on a terminal).
type word struct{ plain, styled string }

// words splits a line of product copy at its blanks, keeping each code span
// whole with whatever touches it ("`printf`," is one word), and drops the
// backticks. A line with an odd number of backticks has no code spans: its
// backticks are text, as the page shows them (templates.Rich).
func (d *doctor) words(line string) []word {
	spans := strings.Count(line, "`")%2 == 0
	var out []word
	var plain, styled strings.Builder
	inCode := false
	flush := func() {
		if plain.Len() > 0 {
			out = append(out, word{plain.String(), styled.String()})
		}
		plain.Reset()
		styled.Reset()
	}
	for _, r := range line {
		switch {
		case r == '`' && spans:
			inCode = !inCode
			switch {
			case d.bold && inCode:
				styled.WriteString(boldOn)
			case d.bold:
				styled.WriteString(boldOff)
			}
		case r == ' ' && !inCode:
			flush()
		default:
			plain.WriteRune(r)
			styled.WriteRune(r)
		}
	}
	flush()
	return out
}

func mark(s checks.Status) string {
	switch s {
	case checks.StatusPass:
		return "✓"
	case checks.StatusWarn, checks.StatusUnknown:
		return "!"
	case checks.StatusFail:
		return "✗"
	case checks.StatusSkip:
		return "-"
	}
	return "·"
}

// liveHint says what --live would ask of the target, and what it costs.
func liveHint(t checks.Target) string {
	if t.ID == checks.ProviderHiAPI {
		return "Add --live to ask HiAPI itself (a free probe, then one test task that spends credits)."
	}
	return "Add --live to ask " + t.Name + " itself, with free requests only: keycheck never spends " + t.Name + " credits."
}
