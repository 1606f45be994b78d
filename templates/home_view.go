package templates

import "github.com/keycheck/keycheck/checks"

// Demo is what the home page shows under "keycheck serve --demo": which fake
// HiAPI answers, and the fakes' scenario keys to click, the target's
// shown. The zero Demo shows nothing.
type Demo struct {
	// HiAPIURL is the fake the live test calls.
	HiAPIURL string
	Keys     []DemoKey
	// Target is the provider the form starts on, whose keys show first.
	Target checks.ProviderID
}

// demoGroup is one provider's scenario keys in the banner.
type demoGroup struct {
	Target checks.ProviderID
	Keys   []DemoKey
}

// groups are the keys by provider, in checks.Targets order, leaving out
// providers with none.
func (d Demo) groups() []demoGroup {
	var out []demoGroup
	for _, t := range checks.Targets() {
		g := demoGroup{Target: t.ID}
		for _, k := range d.Keys {
			if k.target() == t.ID {
				g.Keys = append(g.Keys, k)
			}
		}
		if len(g.Keys) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// shown reports whether the group shows as the page loads: the form's
// target's. The select swaps them (app.js).
func (d Demo) shown(g demoGroup) bool {
	t, _ := checks.TargetOf(d.Target)
	return g.Target == t.ID
}

// On reports whether the page is a demo's.
func (d Demo) On() bool { return len(d.Keys) > 0 }

// DemoKey is one scenario of the fake HiAPI, offered as a button that fills
// the key field with a key that picks it.
type DemoKey struct {
	// Name is the scenario ("good", "revoked"...), the button's label.
	Name string
	// Key picks the scenario. It is a published example, not a secret.
	Key string
	// Says is what keycheck answers for it, e.g. "auth fails: dead key".
	Says string
	// Provider is whose fake the key picks a scenario of; "" is HiAPI.
	Provider checks.ProviderID
}

// target is the key's provider, HiAPI when unset.
func (k DemoKey) target() checks.ProviderID {
	t, _ := checks.TargetOf(k.Provider)
	return t.ID
}

// testID names the key's button: "demo-key-revoked" for HiAPI's (as
// before other providers had fakes), "demo-key-openai-good" for others'.
func (k DemoKey) testID() string {
	if t := k.target(); t != checks.ProviderHiAPI {
		return "demo-key-" + string(t) + "-" + k.Name
	}
	return "demo-key-" + k.Name
}
