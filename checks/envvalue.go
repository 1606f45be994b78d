package checks

// EnvValue returns the value a dotenv loader gives name from src, a .env
// file or `env` output, read by the same parser as the variable step: the
// last definition wins. line is where that definition starts. ok is false
// when src does not set name (a line with no '=' sets nothing: dotenv
// loaders skip it).
func EnvValue(src, name string) (value string, line int, ok bool) {
	parseEnv(src, func(e *envEntry) bool {
		if e.name == name && !e.noEquals {
			value, line, ok = e.value, e.line, true
		}
		return true
	})
	return value, line, ok
}
