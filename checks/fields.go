package checks

// Field is a value a person gave that is not meant to hold the key, such as
// a variable name, a model, a prompt or a display name, with the name the
// surface knows it by (var_name, --model). keycheck stores or shows these
// values, so none of them may carry a piece of the key.
type Field struct {
	Name  string
	Value string
}

// FieldHoldingKey returns the Name of the first field whose Value shows a
// piece of key, by the rule of Secret (8 or more of its characters in a row
// in any case, or the key base64-, hex- or URL-encoded), or "" when none
// does. The key is read as the steps read it: without surrounding blanks
// and wrappers (quotes, "Bearer ", NAME=), decoded when it is base64. Every
// surface refuses the request such a field came in, naming the field and
// never echoing it.
func FieldHoldingKey(key string, fields ...Field) string {
	var sec *Secret
	defer func() { sec.Wipe() }()
	for _, f := range fields {
		if len(f.Value) < Window {
			continue
		}
		if sec == nil {
			var k keyInfo
			k.analyse(key)
			sec = k.secret()
		}
		if sec.In(f.Value) {
			return f.Name
		}
	}
	return ""
}
