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

func TestEndpoint(t *testing.T) {
	tests := []struct {
		base   string
		id     ID
		taskID string
		want   string
	}{
		{"", StepAuth, "", "GET https://api.hiapi.ai/v1/tasks?page=1&size=1"},
		{"https://api.hiapi.ai/v1/", StepModel, "", "POST https://api.hiapi.ai/v1/tasks"},
		{"http://127.0.0.1:8089", StepResult, "tk-hiapi-1", "GET http://127.0.0.1:8089/v1/tasks/tk-hiapi-1"},
		{"", StepResult, "", ""},
		{"", StepWhitespace, "", ""},
	}
	for _, tt := range tests {
		if got := Endpoint(tt.base, tt.id, tt.taskID); got != tt.want {
			t.Errorf("Endpoint(%q, %s, %q) = %q, want %q", tt.base, tt.id, tt.taskID, got, tt.want)
		}
	}
}
