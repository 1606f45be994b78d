package main

import (
	"bufio"
	"debug/elf"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// There is no Docker engine where the tests run, so the image is never
// built here. These tests keep the Dockerfile and deploy/ honest without
// it: the build command builds, every setting and flag they pass is one
// keycheck serve reads, the HEALTHCHECK's command exists and works, the
// user is not root, and the compose file wires what the README says.

// serveSettings are the environment variables "keycheck serve" reads: the
// names it asks its getenv for.
func serveSettings(t *testing.T) map[string]bool {
	t.Helper()
	asked := map[string]bool{}
	getenv := func(k string) string { asked[k] = true; return "" }
	if _, err := parseServe(nil, io.Discard, getenv); err != nil {
		t.Fatalf("parseServe with no settings: %v", err)
	}
	return asked
}

// settingName is how a keycheck setting is spelled in a file.
var settingName = regexp.MustCompile(`KEYCHECK_[A-Z0-9_]+`)

// TestDeployNamesRealSettings: every KEYCHECK_* name in the Dockerfile
// and deploy/ is a setting keycheck serve reads; a misspelt or retired one
// would be silently ignored in a container.
func TestDeployNamesRealSettings(t *testing.T) {
	real := serveSettings(t)
	files := []string{filepath.Join(repoRoot, "Dockerfile")}
	deploy, err := filepath.Glob(filepath.Join(repoRoot, "deploy", "*"))
	if err != nil || len(deploy) < 3 {
		t.Fatalf("deploy/: %v %v", deploy, err)
	}
	files = append(files, deploy...)
	files = append(files, filepath.Join(repoRoot, "deploy", ".env.example"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range settingName.FindAllString(string(b), -1) {
			if !real[name] {
				t.Errorf("%s names %s, which keycheck serve does not read", f, name)
			}
		}
	}
}

// instruction is one line of a Dockerfile, continuations joined.
type instruction struct {
	cmd  string // FROM, RUN, ENV...
	args string
}

// dockerfile reads the Dockerfile as stages of instructions.
func dockerfile(t *testing.T) [][]instruction {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var stages [][]instruction
	var line string
	for _, raw := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(raw)
		if line == "" && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if cont, ok := strings.CutSuffix(trimmed, "\\"); ok {
			line += cont + " "
			continue
		}
		line += trimmed
		cmd, args, _ := strings.Cut(line, " ")
		line = ""
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			t.Fatalf("Dockerfile: %s before FROM", in.cmd)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	return stages
}

// find returns the args of every instruction cmd in stage.
func find(stage []instruction, cmd string) []string {
	var out []string
	for _, in := range stage {
		if in.cmd == cmd {
			out = append(out, in.args)
		}
	}
	return out
}

// instructionEnv reads ENV and ARG instructions (KEY=VALUE ..., no spaces in a
// value) into name=value pairs.
func instructionEnv(stage []instruction, cmd string) map[string]string {
	out := map[string]string{}
	for _, args := range find(stage, cmd) {
		for _, kv := range strings.Fields(args) {
			k, v, _ := strings.Cut(kv, "=")
			out[k] = v
		}
	}
	return out
}

// execForm reads an instruction's JSON exec form: ["/keycheck", "serve"].
func execForm(t *testing.T, what, args string) []string {
	t.Helper()
	var out []string
	if err := json.Unmarshal([]byte(args), &out); err != nil || len(out) == 0 {
		t.Fatalf("Dockerfile %s %q: want the exec form, [\"/keycheck\", ...] (the image has no shell): %v", what, args, err)
	}
	return out
}

// TestDockerfileImage: the final image is distroless (or scratch), runs
// as a user that is not root, listens on every interface of the
// container, and its HEALTHCHECK runs a keycheck subcommand in exec form.
func TestDockerfileImage(t *testing.T) {
	stages := dockerfile(t)
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stages, want a build stage and the image", len(stages))
	}
	goVersion := goModVersion(t)
	if from := stages[0][0].args; !strings.HasPrefix(from, "golang:"+goVersion+"-") {
		t.Errorf("build stage FROM %s; want golang:%s-…, the Go of go.mod", from, goVersion)
	}
	final := stages[len(stages)-1]
	if from := final[0].args; !strings.HasPrefix(from, "gcr.io/distroless/static") && from != "scratch" {
		t.Errorf("final FROM %s; want distroless static or scratch: one static binary", from)
	}
	users := find(final, "USER")
	if len(users) == 0 {
		t.Fatal("the image sets no USER: it would run as root")
	}
	if user, _, _ := strings.Cut(users[len(users)-1], ":"); user == "root" || user == "0" || user == "" {
		t.Errorf("the image runs as %q: want a user that is not root", users[len(users)-1])
	}
	env := instructionEnv(final, "ENV")
	if env["KEYCHECK_ADDR"] != "0.0.0.0:8080" {
		t.Errorf("KEYCHECK_ADDR=%q; want 0.0.0.0:8080, so the port is reachable from outside the container", env["KEYCHECK_ADDR"])
	}
	if !slices.Contains(find(final, "EXPOSE"), "8080") || len(find(final, "VOLUME")) == 0 {
		t.Errorf("want EXPOSE 8080 and a VOLUME for the SQLite file")
	}
	entry := execForm(t, "ENTRYPOINT", find(final, "ENTRYPOINT")[0])
	hc := find(final, "HEALTHCHECK")
	if len(hc) != 1 {
		t.Fatalf("want one HEALTHCHECK, found %d", len(hc))
	}
	_, cmd, ok := strings.Cut(hc[0], "CMD ")
	args := execForm(t, "HEALTHCHECK", cmd)
	if !ok || args[0] != entry[0] || len(args) < 2 {
		t.Fatalf("HEALTHCHECK %s: want CMD [%q, \"healthcheck\"]", hc[0], entry[0])
	}
	// The subcommand exists: asked for its help, it exits 0, where an
	// unknown command exits 2.
	var out syncBuffer
	if code := realMain(t.Context(), append(args[1:], "-h"), nil, &out, &out, func(string) string { return "" }, nil); code != 0 {
		t.Errorf("keycheck %v -h exited %d: %s", args[1:], code, out.String())
	}
}

// goModVersion is go.mod's Go, major.minor ("1.26").
func goModVersion(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatal("go.mod names no go version")
	}
	return m[1]
}

// TestDockerfileBuilds runs the build stage's commands as docker build
// would, on the files .dockerignore lets through, with its ENV and ARG: the
// binary must build, be static, carry the version, and answer the image's
// HEALTHCHECK while it runs as the image's ENTRYPOINT and CMD.
func TestDockerfileBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds keycheck: skipped with -short")
	}
	stages := dockerfile(t)
	build, final := stages[0], stages[len(stages)-1]
	context := dockerContext(t)
	out := filepath.Join(t.TempDir(), "out")
	const version = "deploy-test"
	env := append(os.Environ(), "VERSION="+version)
	for k, v := range instructionEnv(build, "ENV") {
		env = append(env, k+"="+v)
	}
	ran := 0
	for _, run := range find(build, "RUN") {
		if !strings.Contains(run, "go build") && !strings.HasPrefix(run, "mkdir") {
			continue // go mod download: the tests' module cache has them
		}
		fields := strings.Fields(run)
		for len(fields) > 0 && strings.HasPrefix(fields[0], "--mount=") {
			fields = fields[1:]
		}
		command := strings.ReplaceAll(strings.Join(fields, " "), " /out/", " "+out+"/")
		cmd := exec.Command("sh", "-c", command)
		cmd.Dir, cmd.Env = context, env
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("the Dockerfile's %q failed: %v\n%s", command, err, b)
		}
		ran++
	}
	if ran < 2 {
		t.Fatalf("ran %d of the build stage's commands; want its go build and mkdir", ran)
	}
	bin := filepath.Join(out, "keycheck")
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary is dynamically linked: the distroless static image has no libc")
		}
	}
	f.Close()
	if b, err := exec.Command(bin, "version").Output(); err != nil || strings.TrimSpace(string(b)) != "keycheck "+version {
		t.Errorf("keycheck version: %q %v; want the build's version", b, err)
	}

	// The image's command, with its environment (on a free port of
	// loopback, not the image's 8080), then its HEALTHCHECK.
	imageEnv := instructionEnv(final, "ENV")
	imageEnv["KEYCHECK_ADDR"] = "127.0.0.1:0"
	imageEnv["KEYCHECK_DB"] = filepath.Join(t.TempDir(), "keycheck.db")
	serve := exec.Command(bin, append(execForm(t, "ENTRYPOINT", find(final, "ENTRYPOINT")[0])[1:], execForm(t, "CMD", find(final, "CMD")[0])...)...)
	serve.Env = environ(imageEnv)
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { serve.Process.Kill(); serve.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "keycheck is running at http://"); ok {
				addr <- strings.Fields(rest)[0]
			}
		}
	}()
	var port string
	select {
	case a := <-addr:
		_, port, _ = net.SplitHostPort(a)
	case <-time.After(30 * time.Second):
		t.Fatal("the image's command printed no address")
	}
	_, hcCmd, _ := strings.Cut(find(final, "HEALTHCHECK")[0], "CMD ")
	hc := execForm(t, "HEALTHCHECK", hcCmd)
	healthcheck := func() (int, string) {
		cmd := exec.Command(bin, hc[1:]...)
		// As in the container: the image's KEYCHECK_ADDR, every interface.
		imageEnv["KEYCHECK_ADDR"] = "0.0.0.0:" + port
		cmd.Env = environ(imageEnv)
		b, _ := cmd.CombinedOutput()
		return cmd.ProcessState.ExitCode(), string(b)
	}
	if code, said := healthcheck(); code != 0 {
		t.Errorf("the HEALTHCHECK against the running image's command: exit %d: %s", code, said)
	}
	serve.Process.Kill()
	serve.Wait()
	if code, said := healthcheck(); code != 1 {
		t.Errorf("the HEALTHCHECK once keycheck is gone: exit %d: %s; want 1", code, said)
	}
}

// environ is env as a process's environment, and nothing else of this
// one's but PATH and HOME.
func environ(env map[string]string) []string {
	out := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// dockerContext copies the checkout as docker build sends it: without
// what .dockerignore names (its patterns are of the plain kinds this
// reads: a path from the root, maybe with * in it, or **/name anywhere).
func dockerContext(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			if strings.HasPrefix(line, "!") {
				t.Fatalf(".dockerignore: %q: this test does not read exceptions", line)
			}
			patterns = append(patterns, strings.TrimSuffix(line, "/"))
		}
	}
	ignored := func(rel string) bool {
		for _, p := range patterns {
			pattern, target := p, rel
			if rest, ok := strings.CutPrefix(p, "**/"); ok {
				pattern, target = rest, filepath.Base(rel)
			}
			if ok, _ := filepath.Match(pattern, target); ok {
				return true
			}
		}
		return false
	}
	dst := filepath.Join(t.TempDir(), "context")
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if rel != "." && ignored(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(target, b, 0o644)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{".git", "bin", "deploy"} {
		if _, err := os.Stat(filepath.Join(dst, gone)); err == nil {
			t.Errorf(".dockerignore lets %s into the build context", gone)
		}
	}
	return dst
}

// compose is the part of a compose file these tests read.
type compose struct {
	Services map[string]struct {
		Image string
		Build *struct {
			Context    string
			Dockerfile string
		}
		Command         []string
		Environment     map[string]string
		Ports           []string
		Volumes         []string
		Networks        any
		Healthcheck     *struct{ Test []string }
		StopGracePeriod string `yaml:"stop_grace_period"`
	}
}

// composeVar is compose's ${NAME}, ${NAME:-default} or ${NAME:?error}.
var composeVar = regexp.MustCompile(`\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}`)

// interpolate resolves compose's variables with vars, as docker compose
// does with deploy/.env.
func interpolate(s string, vars map[string]string) string {
	return composeVar.ReplaceAllStringFunc(s, func(m string) string {
		parts := composeVar.FindStringSubmatch(m)
		if v, ok := vars[parts[1]]; ok && v != "" {
			return v
		}
		if parts[2] == "-" {
			return parts[3]
		}
		return ""
	})
}

// TestComposeFile: deploy/compose.yaml runs PostgreSQL 15 with a
// healthcheck and a volume, two or more keycheck replicas built from the
// Dockerfile on it, sharing their session keys and trusting the proxy's
// address alone, with metrics on a port nobody publishes, and Caddy
// balancing them on /readyz with no sticky sessions, passing events on
// at once.
func TestComposeFile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("deploy/compose.yaml: %v", err)
	}
	// deploy/.env as .env.example says to fill it.
	vars := map[string]string{"POSTGRES_PASSWORD": "pw", "KEYCHECK_SESSION_KEYS": strings.Repeat("ab", 32)}

	pg, ok := c.Services["postgres"]
	if !ok || !strings.HasPrefix(pg.Image, "postgres:15") || pg.Healthcheck == nil || len(pg.Healthcheck.Test) == 0 ||
		!slices.ContainsFunc(pg.Volumes, func(v string) bool { return strings.HasSuffix(v, ":/var/lib/postgresql/data") }) {
		t.Errorf("postgres: want image postgres:15…, a healthcheck and a volume on its data directory: %+v", pg)
	}
	// The image's first start runs its init on a server listening on the
	// Unix socket only: a socket check calls that ready, and keycheck's TCP
	// connection is refused.
	if pg.Healthcheck != nil && !slices.Contains(pg.Healthcheck.Test, "-h") {
		t.Errorf("postgres: healthcheck %v asks over the Unix socket; want pg_isready -h 127.0.0.1, over TCP as keycheck connects", pg.Healthcheck.Test)
	}
	proxy, ok := c.Services["proxy"]
	if !ok || !strings.HasPrefix(proxy.Image, "caddy:") {
		t.Fatalf("proxy: want Caddy: %+v", proxy)
	}
	nets, _ := proxy.Networks.(map[string]any)
	front, _ := nets["front"].(map[string]any)
	proxyIP := net.ParseIP(yamlString(front["ipv4_address"]))
	if proxyIP == nil {
		t.Fatalf("the proxy has no fixed address on the front network for keycheck to trust: %v", proxy.Networks)
	}

	var replicas []string
	for name, s := range c.Services {
		if len(s.Ports) > 0 && name != "proxy" {
			t.Errorf("%s publishes ports %v: only the proxy is reached from outside", name, s.Ports)
		}
		for _, p := range s.Ports {
			if strings.HasSuffix(p, ":9090") {
				t.Errorf("%s publishes the metrics port: %s", name, p)
			}
		}
		if s.Build == nil {
			continue
		}
		replicas = append(replicas, name)
		if s.Build.Context != ".." || s.Build.Dockerfile != "Dockerfile" {
			t.Errorf("%s builds %+v, want the checkout's Dockerfile", name, *s.Build)
		}
		env := map[string]string{}
		for k, v := range s.Environment {
			env[k] = interpolate(v, vars)
		}
		if !strings.HasPrefix(env["KEYCHECK_DB"], "postgres://") || env["KEYCHECK_SESSION_KEYS"] != vars["KEYCHECK_SESSION_KEYS"] {
			t.Errorf("%s: want KEYCHECK_DB=postgres://… and the shared KEYCHECK_SESSION_KEYS: %v", name, env)
		}
		if len(s.Command) == 0 || s.Command[0] != "serve" {
			t.Fatalf("%s: command %v, want serve and its flags", name, s.Command)
		}
		cfg, err := parseServe(s.Command[1:], io.Discard, func(k string) string { return env[k] })
		if err != nil {
			t.Fatalf("%s: keycheck %v with its environment: %v", name, s.Command, err)
		}
		if len(cfg.TrustedProxies) == 0 || !slices.ContainsFunc(cfg.TrustedProxies, func(n *net.IPNet) bool { return n.Contains(proxyIP) }) {
			t.Errorf("%s trusts %v, not the proxy's %s", name, cfg.TrustedProxies, proxyIP)
		}
		if _, port, _ := net.SplitHostPort(cfg.MetricsAddr); port == "" || port == "8080" {
			t.Errorf("%s: --metrics-addr %q; want a port of its own", name, cfg.MetricsAddr)
		}
		// The shutdown's phases take up to 30 s (README, "Shutdown"):
		// compose's default 10 s would SIGKILL live tests before they save.
		if d, err := time.ParseDuration(s.StopGracePeriod); err != nil || d < 30*time.Second {
			t.Errorf("%s: stop_grace_period %q; want 30s or more, the time keycheck's shutdown may take", name, s.StopGracePeriod)
		}
	}
	if len(replicas) < 2 {
		t.Fatalf("keycheck replicas %v: want two or more", replicas)
	}

	caddy, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "Caddyfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(proxy.Volumes, "./Caddyfile:/etc/caddy/Caddyfile:ro") {
		t.Errorf("the proxy does not mount deploy/Caddyfile: %v", proxy.Volumes)
	}
	conf := string(caddy)
	for _, r := range replicas {
		if !strings.Contains(conf, " "+r+":8080") {
			t.Errorf("the Caddyfile does not balance onto %s:8080", r)
		}
	}
	for _, want := range []string{"health_uri /readyz", "flush_interval -1"} {
		if !strings.Contains(conf, want) {
			t.Errorf("the Caddyfile lacks %q", want)
		}
	}
	for _, sticky := range []string{"lb_policy cookie", "lb_policy ip_hash", "lb_policy client_ip_hash", "lb_policy header"} {
		if strings.Contains(conf, sticky) {
			t.Errorf("the Caddyfile pins clients to a replica (%s): keycheck needs no sticky sessions", sticky)
		}
	}
}

// yamlString is a YAML scalar as a string.
func yamlString(v any) string {
	s, _ := v.(string)
	return s
}
