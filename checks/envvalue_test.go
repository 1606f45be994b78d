package checks

import "testing"

// TestEnvValue: the value a dotenv loader gives a name, read by the
// variable step's parser.
func TestEnvValue(t *testing.T) {
	tests := []struct {
		name, src, want string
		line            int
		ok              bool
	}{
		{"set once", "A=1\nHIAPI_API_KEY=sk-abc\n", "sk-abc", 2, true},
		{"the last definition wins", "HIAPI_API_KEY=sk-old\nB=2\nHIAPI_API_KEY=sk-new\n", "sk-new", 3, true},
		{"export and quotes", "export HIAPI_API_KEY=\"sk-abc\"\n", "sk-abc", 1, true},
		{"env output", "PATH=/usr/bin\nHIAPI_API_KEY=sk-abc", "sk-abc", 2, true},
		{"set empty", "HIAPI_API_KEY=\n", "", 1, true},
		{"a line with no = sets nothing", "HIAPI_API_KEY\n", "", 0, false},
		{"a later line with no = keeps the value", "HIAPI_API_KEY=sk-abc\nHIAPI_API_KEY\n", "sk-abc", 1, true},
		{"another name", "OPENAI_API_KEY=sk-abc\n", "", 0, false},
		{"a comment", "# HIAPI_API_KEY=sk-abc\n", "", 0, false},
		{"empty", "", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, line, ok := EnvValue(tt.src, "HIAPI_API_KEY")
			if v != tt.want || line != tt.line || ok != tt.ok {
				t.Errorf("EnvValue(%q) = %q, %d, %v; want %q, %d, %v", tt.src, v, line, ok, tt.want, tt.line, tt.ok)
			}
		})
	}
}
