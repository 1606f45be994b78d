package templates

// Demo is what the home page shows under "keycheck serve --demo": which fake
// HiAPI answers, and its scenario keys to click. The zero Demo shows nothing.
type Demo struct {
	// HiAPIURL is the fake the live test calls.
	HiAPIURL string
	Keys     []DemoKey
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
}
