package checks

import (
	"strings"
	"testing"
)

// TestCopyBackticksPair: every line of every detail and fix that the tables
// produce pairs its backticks, so the page shows each command as code (an
// odd count makes the whole line plain text, a doubled one an empty span).
func TestCopyBackticksPair(t *testing.T) {
	for id, cases := range allTables {
		for _, c := range *cases {
			for _, r := range Check(c.in) {
				for _, text := range []string{r.Detail, r.Fix} {
					for _, line := range strings.Split(text, "\n") {
						if strings.Count(line, "`")%2 != 0 || strings.Contains(line, "``") {
							t.Errorf("%s table, step %s: unpaired or doubled backtick in %q", id, r.ID, line)
						}
					}
				}
			}
		}
	}
}
