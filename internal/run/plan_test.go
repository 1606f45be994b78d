package run

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/keycheck/keycheck/checks"
)

// refusedKeys are keys the diagnosis says HiAPI cannot accept: none of
// them may reach HiAPI, however the live test is started.
var refusedKeys = map[string]string{
	"an OpenAI key":              "sk-proj-" + strings.Repeat("Ab3dE6gH9j", 6),
	"an OpenAI key with newline": "sk-proj-" + strings.Repeat("Ab3dE6gH9j", 6) + "\n",
	"an Anthropic key":           "sk-ant-api03-" + strings.Repeat("Ab3dE6gH9j", 9),
	"a masked key":               "sk-Qm2Xv9LpR4…hJ2k",
	"a key cut short":            "sk-Qm2Xv9LpR4",
	"a placeholder":              "YOUR_API_KEY",
	"a variable's name":          "$HIAPI_API_KEY",
	"only Bearer":                "Bearer ",
	"no key":                     "",
	"a key split in two":         testKey[:20] + "\n" + testKey[20:],
	"a look-alike inside":        strings.Replace(testKey, "Q", "Ԛ", 1),
	"invalid UTF-8":              testKey[:10] + "\xff" + testKey[11:],
	"a JWT":                      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
}

// TestStartRefusesWhatCannotBelong: Start refuses a key the plan will not
// send with *NotSentError, before it reserves, saves or sends anything.
func TestStartRefusesWhatCannotBelong(t *testing.T) {
	for name, key := range refusedKeys {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := &fakeProvider{}
				s := newMemStore(newRun("r1"))
				lr := NewRunner(s, p, nil, LiveConfig{}, quietLog(), nil)
				err := lr.Start("r1", key)
				var ns *NotSentError
				if !errors.As(err, &ns) {
					t.Fatalf("Start = %v, want *NotSentError", err)
				}
				plan := checks.PlanLive(key)
				if ns.Reason != plan.Reason || ns.Cause != plan.Cause || !strings.HasPrefix(ns.Error(), "Not sent, since ") {
					t.Errorf("NotSentError %+v (%q), want the plan's %q, %s", ns, ns.Error(), plan.Reason, plan.Cause)
				}
				synctest.Wait()
				if len(s.saved) != 0 || lr.Running("r1") || len(p.received()) != 0 {
					t.Errorf("a refused start saved %d states, running %v, sent %d requests", len(s.saved), lr.Running("r1"), len(p.received()))
				}
			})
		})
	}
	t.Run("an OpenAI key names the provider", func(t *testing.T) {
		lr := NewRunner(newMemStore(newRun("r1")), &fakeProvider{}, nil, LiveConfig{}, quietLog(), nil)
		err := lr.Start("r1", refusedKeys["an OpenAI key with newline"])
		if want := "Not sent, since this is an OpenAI key: HiAPI has never seen it."; err == nil || err.Error() != want {
			t.Errorf("Start = %v, want %q", err, want)
		}
		var ns *NotSentError
		if errors.As(err, &ns); ns == nil || ns.Cause != checks.StepProvider {
			t.Errorf("cause %+v, want provider", ns)
		}
	})
}

// TestTestSendsNothingWhenRefused: the CLI's path (Test) sends nothing for
// the same keys; the live steps skip with the reason, so none of them is
// a failure HiAPI never said, and /runs?failed=auth does not list the run.
func TestTestSendsNothingWhenRefused(t *testing.T) {
	for name, key := range refusedKeys {
		t.Run(name, func(t *testing.T) {
			p := &fakeProvider{}
			r := &Run{ID: "r1", Model: "gpt-image-2", Prompt: "a red apple", Steps: checks.Check(checks.Input{Key: key})}
			saves := 0
			Test(context.Background(), p, nil, LiveConfig{}, r, key, func(*Run) { saves++ })
			if got := p.received(); len(got) != 0 {
				t.Errorf("HiAPI received %d requests", len(got))
			}
			reason := checks.PlanLive(key).Reason
			for _, id := range liveSteps {
				s, _ := r.Step(id)
				if s.Status != checks.StatusSkip || !strings.HasPrefix(s.Detail, reason+" Nothing goes to HiAPI until") {
					t.Errorf("%s = %s %q, want skip with %q", id, s.Status, s.Detail, reason)
				}
			}
			if slices.Contains(r.Failed(), checks.StepAuth) || r.Live != LiveDone || saves != 1 {
				t.Errorf("failed %v, live %q, %d saves", r.Failed(), r.Live, saves)
			}
			if v := checks.VerdictOf(r.Steps); v.Status != checks.StatusFail || v.Step == checks.StepAuth || v.Headline == "" {
				t.Errorf("verdict %+v", v)
			}
		})
	}
}

// TestCleanedKeyIsWhatHiAPIGets: a key whose only fault is around it goes
// to HiAPI without it, every live step says so, and HiAPI's answer is the
// proof in the verdict.
func TestCleanedKeyIsWhatHiAPIGets(t *testing.T) {
	tests := []struct {
		name, raw, removed string
		provider           *fakeProvider
		want               string
		verdictStep        checks.ID
		headline           string
	}{
		{
			name: "trailing newline, HiAPI accepts it", raw: testKey + "\n", removed: "the trailing newline",
			provider: &fakeProvider{}, want: "auth=pass model=pass result=pass", verdictStep: checks.StepWhitespace,
			headline: "HiAPI accepts the key with the trailing newline removed: that is the key's whole problem.",
		},
		{
			name: "export line in quotes with CRLF", raw: `export HIAPI_API_KEY="` + testKey + "\"\r\n",
			removed:  "the ‘export HIAPI_API_KEY=’ in front, the quotes and the trailing Windows line ending (CR LF)",
			provider: &fakeProvider{}, want: "auth=pass model=pass result=pass", verdictStep: checks.StepCharacters,
			headline: "HiAPI accepts the key with the ‘export HIAPI_API_KEY=’ in front, the quotes and the trailing Windows line ending (CR LF) removed: that is the key's whole problem.",
		},
		{
			name: "Bearer wrapper, HiAPI refuses it: the deeper cause", raw: "Bearer " + testKey, removed: "the ‘Bearer’ in front",
			provider: &fakeProvider{ProbeFn: func(context.Context) checks.Answer {
				return checks.Answer{HTTPStatus: 401, Code: "permission_denied", Message: "invalid api key"}
			}},
			want: "auth=fail model=skip result=skip", verdictStep: checks.StepAuth,
			headline: "Even with the ‘Bearer’ in front removed, HiAPI does not accept this key: it was revoked or rotated, or it is not HiAPI's.",
		},
		{
			name: "quotes, HiAPI busy: the offline cause stands", raw: "'" + testKey + "'", removed: "the quotes",
			provider: &fakeProvider{ProbeFn: func(context.Context) checks.Answer { return checks.Answer{HTTPStatus: 503} }},
			want:     "auth=unknown model=skip result=skip", verdictStep: checks.StepCharacters,
			headline: "Your key is wrapped in quotes: they became part of it.",
		},
		{
			name: "leading space, the key may not use the model", raw: " " + testKey, removed: "the leading space",
			provider: &fakeProvider{CreateFn: func(context.Context) (string, checks.Answer) {
				return "", checks.Answer{HTTPStatus: 403, Code: "permission_denied", Message: "This API key cannot use the selected model."}
			}},
			want: "auth=pass model=fail result=skip", verdictStep: checks.StepModel,
			headline: "With the leading space removed: HiAPI knows this key but does not let it use gpt-image-2.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRun("r1")
				r.Steps = checks.Check(checks.Input{Key: tt.raw})
				s := newMemStore(r)
				lr := NewRunner(s, tt.provider, nil, LiveConfig{PollEvery: time.Second, Timeout: time.Minute}, quietLog(), nil)
				if err := lr.Start("r1", tt.raw); err != nil {
					t.Fatal(err)
				}
				got := waitDone(t, lr, s, "r1")
				if st := statuses(got); st != tt.want {
					t.Errorf("steps: %s, want %s", st, tt.want)
				}
				keys := tt.provider.received()
				if len(keys) == 0 {
					t.Fatal("nothing was sent")
				}
				for _, k := range keys {
					if k != testKey {
						t.Errorf("HiAPI received %q, want the cleaned key", k)
					}
				}
				// Every state a page saw says the test is of the cleaned key.
				for _, saved := range s.saved {
					for _, id := range liveSteps {
						st, _ := saved.Step(id)
						if !strings.HasPrefix(st.Detail, "Tested with "+tt.removed+" removed. ") || st.Live == nil || st.Live.Cleaned != tt.removed {
							t.Errorf("%s (%s) does not say the key was cleaned: %q", id, st.Status, st.Detail)
						}
					}
				}
				v := checks.VerdictOf(got.Steps)
				if v.Status != checks.StatusFail || v.Step != tt.verdictStep || v.Headline != tt.headline {
					t.Errorf("verdict %s [%s] %q\nwant fail [%s] %q", v.Status, v.Step, v.Headline, tt.verdictStep, tt.headline)
				}
			})
		})
	}
}

// TestLiveHeadlineSaysHowLong: the pass says how long the whole test took,
// from the probe to the image, in the runner's virtual time.
func TestLiveHeadlineSaysHowLong(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &fakeProvider{
			ProbeFn: func(context.Context) checks.Answer {
				time.Sleep(2 * time.Second)
				return checks.Answer{HTTPStatus: 200}
			},
			GetFn: successAfter(3),
		}
		s := newMemStore(newRun("r1"))
		// The probe takes 2 s, then polls come 1 s, 1.25 s and 1.56 s
		// apart: the image is there 5.8 s after the probe went out.
		lr := NewRunner(s, p, nil, LiveConfig{PollEvery: time.Second, Timeout: time.Minute}, quietLog(), nil)
		if err := lr.Start("r1", testKey); err != nil {
			t.Fatal(err)
		}
		r := waitDone(t, lr, s, "r1")
		v := checks.VerdictOf(r.Steps)
		if v.Status != checks.StatusPass || v.Headline != "A working key: HiAPI returned an image in 6 s." {
			t.Errorf("verdict %s %q", v.Status, v.Headline)
		}
	})
}

// TestUnsendableKeyIsNotAFailure: should the client refuse a key (a byte
// no header may carry), nothing went to HiAPI, so no live step fails.
func TestUnsendableKeyIsNotAFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &fakeProvider{ProbeFn: func(context.Context) checks.Answer {
			return checks.Answer{Kind: checks.AnswerBadKey, Message: "the key holds a newline (U+000A) at character 52, which no HTTP header may carry"}
		}}
		s := newMemStore(newRun("r1"))
		lr := NewRunner(s, p, nil, LiveConfig{}, quietLog(), nil)
		if err := lr.Start("r1", testKey); err != nil {
			t.Fatal(err)
		}
		r := waitDone(t, lr, s, "r1")
		if got := statuses(r); got != "auth=skip model=skip result=skip" || len(r.Failed()) != 0 {
			t.Errorf("steps %s, failed %v", got, r.Failed())
		}
	})
}

// TestInterruptedCleanedTest: a test of the cleaned key that keycheck
// stops still says whose key it tested, live or marked at the next start.
func TestInterruptedCleanedTest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &fakeProvider{GetFn: handling}
		s := newMemStore(newRun("r1"))
		lr := NewRunner(s, p, nil, LiveConfig{PollEvery: time.Second, Timeout: time.Minute}, quietLog(), nil)
		if err := lr.Start("r1", testKey+"\r\n"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Second)
		synctest.Wait()
		if err := lr.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		r, _ := s.GetRun(context.Background(), "r1")
		res, _ := r.Step(checks.StepResult)
		if r.Live != LiveInterrupted || res.Status != checks.StatusUnknown ||
			res.Detail != "Tested with the trailing Windows line ending (CR LF) removed. Interrupted: keycheck stopped while this step was running. The task may still finish at HiAPI." {
			t.Errorf("live %q, result %s %q", r.Live, res.Status, res.Detail)
		}
	})
}
