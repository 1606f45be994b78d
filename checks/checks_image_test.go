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
		{"an IMAGE output after a thumbnail", Result{Status: StatusPass, Live: &LiveEvidence{Outputs: []Output{out("https://x/t.png", "thumbnail"), out("https://x/i.png", "IMAGE")}}}, "https://x/i.png", true},
		{"an ftp: URL only", Result{Status: StatusPass, Live: &LiveEvidence{Outputs: []Output{out("ftp://x/i.png", "image")}}}, "", false},
		{"a javascript: URL only", Result{Status: StatusPass, Live: &LiveEvidence{Outputs: []Output{out("javascript:alert(1)", "image")}}}, "", false},
		{"an empty URL and one without a host", Result{Status: StatusPass, Live: &LiveEvidence{Outputs: []Output{out("", "image"), out("https:///i.png", "image")}}}, "", false},
		{"mixed: an http image after unusable ones", Result{Status: StatusPass, Live: &LiveEvidence{Outputs: []Output{out("ftp://x/i.png", "image"), out("https://x/a.mp4", "video"), out("http://x/i.png", "Image")}}}, "http://x/i.png", true},
	}
	for _, tt := range tests {
		got, ok := tt.r.Image()
		if ok != tt.wantImg || got.URL != tt.want {
			t.Errorf("%s: Image() = %q, %v; want %q, %v", tt.name, got.URL, ok, tt.want, tt.wantImg)
		}
	}
}
