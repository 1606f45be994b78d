package checks

import "testing"

func TestResultImage(t *testing.T) {
	out := func(url, typ string) Output { return Output{URL: url, Type: typ} }
	tests := []struct {
		name    string
		r       Result
		want    string
		wantImg bool
	}{
		{"no evidence", Result{Status: StatusPass}, "", false},
		{"not passed", Result{Status: StatusFail, Live: &LiveEvidence{Outputs: []Output{out("https://x/i.png", "image")}}}, "", false},
		{"the image among several", Result{Status: StatusPass, Live: &LiveEvidence{Outputs: []Output{out("https://x/t.png", "thumbnail"), out("https://x/i.png", "image")}}}, "https://x/i.png", true},
		{"first output when none is an image", Result{Status: StatusPass, Live: &LiveEvidence{Outputs: []Output{out("https://x/a.mp4", "video")}}}, "https://x/a.mp4", true},
		{"a javascript: URL is never an image", Result{Status: StatusPass, Live: &LiveEvidence{Outputs: []Output{out("javascript:alert(1)", "image"), out("https://x/t.png", "thumbnail")}}}, "https://x/t.png", true},
		{"only unsafe URLs", Result{Status: StatusPass, Live: &LiveEvidence{Outputs: []Output{out("data:image/png;base64,AA", "image")}}}, "", false},
	}
	for _, tt := range tests {
		got, ok := tt.r.Image()
		if ok != tt.wantImg || got.URL != tt.want {
			t.Errorf("%s: Image() = %q, %v; want %q, %v", tt.name, got.URL, ok, tt.want, tt.wantImg)
		}
	}
}
