// Command wphost is the conformance host: it launches a Waypoint plugin
// executable and drives it with the same Go client code (go-plugin, the
// waypoint-plugin-sdk client stubs, argmapper) that Waypoint 0.11.4's core
// links, reproducing the call sequence of `waypoint build`.
//
// Every completed scenario exits 0 and leaves its verdict in the -report
// file; a non-zero exit means wphost itself was misused or broke.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

const usage = `usage:
  wphost build     -plugin PATH [-plugin-arg ARG]... -config waypoint.hcl [-app NAME]
                   -report FILE [-push=true] [-ui plain|console] [-cancel-after DUR] [-log FILE]
                   [-automtls | -reattach NAME]
  wphost kill      -plugin PATH [-plugin-arg ARG]... -report FILE [-log FILE]
                   [-automtls [-bad-client-cert] | -reattach NAME]
  wphost handshake -plugin PATH [-plugin-arg ARG]... [-n 20] -report FILE [-log FILE]
  wphost docs      -plugin PATH [-plugin-arg ARG]... -component builder|registry|platform|releasemanager
                   -report FILE [-log FILE]
  wphost probe     -plugin PATH [-plugin-arg ARG]... -report FILE [-log FILE] [-automtls | -reattach NAME]
  wphost lifecycle -config waypoint.hcl [-app NAME] -plugin NAME=PATH... [-plugin-arg NAME=ARG]...
                   [-reattach NAME]... [-steps build,push,deploy,release,status,exec,logs,destroy]
                   -report FILE [-log FILE] [-ui plain|console] [-exec-arg ARG]... [-exec-input TEXT]
                   [-exec-tty] [-logs-limit N] [-last-report HEALTH]
  wphost task      -plugin PATH [-plugin-arg ARG]... [-config FILE.hcl] -oci-url URL [-arg A]...
                   [-entrypoint E]... [-env K=V]... [-watch=true] [-stop=true] -report FILE [-log FILE]
                   [-ui plain|console]
  wphost auth      -plugin PATH [-plugin-arg ARG]... -component builder|registry|platform|releasemanager
                   [-config waypoint.hcl [-app NAME]] [-auth-mode always|needed|never] -report FILE
                   [-log FILE] [-ui plain|console] [-automtls | -reattach NAME]
  wphost rpcbench  -plugin PATH [-plugin-arg ARG]... [-n 1000] [-concurrency 1] [-warmup 0]
                   [-component builder|registry|platform|releasemanager] [-rpc spec|isauthenticator|health]
                   -report FILE [-log FILE] [-automtls | -reattach NAME]
  wphost uibench   -plugin PATH [-plugin-arg ARG]... -config waypoint.hcl [-app NAME] -lines N
                   -report FILE [-log FILE] [-automtls | -reattach NAME]
  wphost deployenv -cases FILE.json -report FILE
  wphost builds    -reattach NAME -config waypoint.hcl [-app NAME] [-n 1] [-timeout 30s]
                   [-rss-at K,...] [-settle 1s] [-details] [-max-hangs 0] -report FILE [-log FILE]
  wphost startprobe -spec VARIANTS.json [-n 15] [-warmup 2] -report FILE

-reattach NAME connects to the running plugin NAME from WP_REATTACH_PLUGINS
instead of spawning one (no -plugin then).
`

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, " ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// common holds the flags every subcommand shares.
type common struct {
	discover   string
	plugin     string
	pluginArgs stringList
	report     string
	logFile    string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.plugin, "plugin", "", "plugin executable")
	fs.StringVar(&c.discover, "discover", "", "find waypoint-plugin-NAME as Waypoint does, instead of -plugin")
	fs.Var(&c.pluginArgs, "plugin-arg", "argument for the plugin executable (repeatable)")
	fs.StringVar(&c.report, "report", "", "where to write the JSON report")
	fs.StringVar(&c.logFile, "log", "", "host log file (JSON, trace level); default: stderr at warn")
}

func (c *common) check() error {
	if c.discover != "" {
		if c.plugin != "" {
			return fmt.Errorf("-discover replaces -plugin")
		}
		p, _, err := discoverPlugin(c.discover)
		if err != nil {
			return err
		}
		c.plugin = p
	}
	if c.plugin == "" || c.report == "" {
		return fmt.Errorf("-plugin and -report are required")
	}
	return nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "build":
		err = cmdBuild(os.Args[2:])
	case "kill":
		err = cmdKill(os.Args[2:])
	case "handshake":
		err = cmdHandshake(os.Args[2:])
	case "docs":
		err = cmdDocs(os.Args[2:])
	case "probe":
		err = cmdProbe(os.Args[2:])
	case "lifecycle":
		err = cmdLifecycle(os.Args[2:])
	case "task":
		err = cmdTask(os.Args[2:])
	case "auth":
		err = cmdAuth(os.Args[2:])
	case "rpcbench":
		err = cmdRPCBench(os.Args[2:])
	case "uibench":
		err = cmdUIBench(os.Args[2:])
	case "deployenv":
		err = cmdDeployEnv(os.Args[2:])
	case "builds":
		err = cmdBuilds(os.Args[2:])
	case "startprobe":
		err = cmdStartProbe(os.Args[2:])
	case "-h", "-help", "--help", "help":
		fmt.Print(usage)
		return
	default:
		err = usageError{fmt.Errorf("unknown subcommand %q", os.Args[1])}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wphost:", err)
		if _, ok := err.(usageError); ok {
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

func parse(fs *flag.FlagSet, c *common, args []string) error {
	return parseSpawn(fs, c, nil, args)
}

// spawnFlags are the connection modes build, kill, probe, auth and the
// benchmarks share.
type spawnFlags struct {
	reattach string
	autoMTLS bool
}

func (f *spawnFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.reattach, "reattach", "", "connect to plugin NAME from "+reattachEnv+" instead of spawning -plugin")
	fs.BoolVar(&f.autoMTLS, "automtls", false, "turn on go-plugin AutoMTLS (PLUGIN_CLIENT_CERT, TLS on every connection)")
}

// parseSpawn is parse for commands with spawnFlags (f, unless nil):
// -reattach replaces -plugin.
func parseSpawn(fs *flag.FlagSet, c *common, f *spawnFlags, args []string) error {
	fs.SetOutput(os.Stderr)
	c.register(fs)
	if f != nil {
		f.register(fs)
	}
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected arguments: %v", fs.Args())}
	}
	if f == nil || f.reattach == "" {
		return wrapUsage(c.check())
	}
	switch {
	case c.report == "":
		return usageError{fmt.Errorf("-report is required")}
	case c.plugin != "" || len(c.pluginArgs) > 0:
		return usageError{fmt.Errorf("-reattach replaces -plugin and -plugin-arg")}
	case f.autoMTLS:
		// go-plugin only negotiates AutoMTLS for processes it starts.
		return usageError{fmt.Errorf("-automtls cannot be combined with -reattach")}
	}
	return nil
}

func wrapUsage(err error) error {
	if err != nil {
		return usageError{err}
	}
	return nil
}

func checkUI(ui string) error {
	if ui != "plain" && ui != "console" {
		return usageError{fmt.Errorf("-ui must be plain or console")}
	}
	return nil
}

func checkComponent(name string) error {
	for _, n := range componentNames {
		if n == name {
			return nil
		}
	}
	return usageError{fmt.Errorf("-component must be one of %s", strings.Join(componentNames, ", "))}
}

// newSpawnHost is newHost plus the connection mode (f may be nil).
func newSpawnHost(c *common, f *spawnFlags) (*host, error) {
	if f == nil {
		f = &spawnFlags{}
	}
	if f.reattach != "" {
		c.plugin = reattachPath(f.reattach)
	}
	h, err := newHost(c)
	if err != nil {
		return nil, err
	}
	h.autoMTLS = f.autoMTLS
	if f.reattach != "" {
		if h.reattach, err = reattachTargets([]string{f.reattach}); err != nil {
			h.close()
			return nil, usageError{err}
		}
	}
	return h, nil
}

// runReport starts the host (with the connection mode f, which may be nil),
// runs scenario on it and writes the scenario's report.
func runReport(c *common, f *spawnFlags, scenario func(h *host) interface{}) error {
	h, err := newSpawnHost(c, f)
	if err != nil {
		return err
	}
	defer h.close()
	return writeJSON(c.report, scenario(h))
}

func cmdBuild(args []string) error {
	var c common
	var sf spawnFlags
	var o buildOpts
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.StringVar(&o.config, "config", "", "waypoint.hcl")
	fs.StringVar(&o.app, "app", "", "app name (default: first app)")
	fs.BoolVar(&o.push, "push", true, "also run the push step (spawns a second builder)")
	fs.StringVar(&o.ui, "ui", "plain", "plain (NonInteractiveUI) or console (ConsoleUI)")
	fs.DurationVar(&o.cancelAfter, "cancel-after", 0, "cancel the build call's context after this long")
	if err := parseSpawn(fs, &c, &sf, args); err != nil {
		return err
	}
	if o.config == "" {
		return usageError{fmt.Errorf("-config is required")}
	}
	if err := checkUI(o.ui); err != nil {
		return err
	}
	return runReport(&c, &sf, func(h *host) interface{} { return h.build(&o) })
}

func cmdKill(args []string) error {
	var c common
	var sf spawnFlags
	var badCert bool
	fs := flag.NewFlagSet("kill", flag.ContinueOnError)
	fs.BoolVar(&badCert, "bad-client-cert", false, "with AutoMTLS (implied), check that the plugin refuses connections without the host's client cert")
	if err := parseSpawn(fs, &c, &sf, args); err != nil {
		return err
	}
	if badCert {
		if sf.reattach != "" {
			return usageError{fmt.Errorf("-bad-client-cert needs AutoMTLS, which -reattach cannot do")}
		}
		sf.autoMTLS = true
	}
	return runReport(&c, &sf, func(h *host) interface{} { return h.killScenario(badCert) })
}

func cmdHandshake(args []string) error {
	var c common
	var n int
	fs := flag.NewFlagSet("handshake", flag.ContinueOnError)
	fs.IntVar(&n, "n", 20, "number of spawn/connect/kill rounds")
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	if n < 1 {
		return usageError{fmt.Errorf("-n must be >= 1")}
	}
	return runReport(&c, nil, func(h *host) interface{} { return h.handshakeScenario(n) })
}

func cmdDocs(args []string) error {
	var c common
	var comp string
	fs := flag.NewFlagSet("docs", flag.ContinueOnError)
	fs.StringVar(&comp, "component", "builder", "component type to dispense: "+strings.Join(componentNames, "|"))
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	if err := checkComponent(comp); err != nil {
		return err
	}
	return runReport(&c, nil, func(h *host) interface{} { return h.docsScenario(comp) })
}

func cmdProbe(args []string) error {
	var c common
	var sf spawnFlags
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	if err := parseSpawn(fs, &c, &sf, args); err != nil {
		return err
	}
	return runReport(&c, &sf, func(h *host) interface{} { return h.probeScenario() })
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
