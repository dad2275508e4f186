// Command goplugin is a minimal Waypoint builder plugin written with the real
// Go SDK. It is the reference the conformance host is validated against and
// the Go baseline for benchmarks of the TypeScript toolkit.
//
// Arguments (none is what Waypoint passes):
//
//	-auth        serve a builder that also implements component.Authenticator
//	-noop        serve NoopBuilder: no config, a build that returns at once
//	             (the Go baseline of scripts/bench.ts)
//	-lines N     with -noop: the build prints N ui.Output lines first
//	-debug NAME  run as a debug server (sdk.Debug): print the
//	             WP_REATTACH_PLUGINS line for NAME and serve until SIGINT
//	-template MODE, -empty-config, -registry-aware, -examples
//	             the parity builders of parity.go
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/hashicorp/go-hclog"
	sdk "github.com/hashicorp/waypoint-plugin-sdk"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"

	"wpconformance/internal/handproto"
)

type BuildConfig struct {
	OutputName string `hcl:"output_name,optional"`
	Source     string `hcl:"source,optional"`
	// Lines > 0 makes the build print that many ui.Output lines first
	// (the Go baseline of `wphost uibench`).
	Lines int `hcl:"lines,optional"`
}

type Builder struct {
	config BuildConfig
}

func (b *Builder) Config() (interface{}, error) { return &b.config, nil }

// ConfigSet runs after the host has decoded the `use` body; defaults are
// applied here because unset optional attributes arrive as "".
func (b *Builder) ConfigSet(raw interface{}) error {
	c, ok := raw.(*BuildConfig)
	if !ok {
		return fmt.Errorf("expected *BuildConfig, got %T", raw)
	}
	if c.OutputName == "" {
		c.OutputName = "app"
	}
	if c.Source == "" {
		c.Source = "./"
	}
	if c.Lines < 0 {
		return fmt.Errorf("lines must be >= 0")
	}
	if _, err := os.Stat(c.Source); err != nil {
		return fmt.Errorf("source folder does not exist: %s", c.Source)
	}
	b.config = *c
	return nil
}

func (b *Builder) BuildFunc() interface{} { return b.build }

func (b *Builder) build(
	ctx context.Context,
	ui terminal.UI,
	src *component.Source,
	log hclog.Logger,
) (*handproto.Binary, error) {
	outputLines(ui, b.config.Lines)

	st := ui.Status()
	defer st.Close()

	st.Update("Building application")
	log.Info("building", "source", b.config.Source, "output", b.config.OutputName, "app", src.App)

	dir, err := filepath.Abs(b.config.Source)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", b.config.OutputName)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		st.Step(terminal.StatusError, "Build failed")
		log.Error("go build failed", "err", err, "output", string(out))
		return nil, fmt.Errorf("go build failed: %w: %s", err, out)
	}

	st.Step(terminal.StatusOK, "Application built successfully")
	return &handproto.Binary{Location: filepath.Join(dir, b.config.OutputName)}, nil
}

// outputLines prints `line I of N` n times: the output of a build
// configured with `lines` (or of -noop -lines N).
func outputLines(ui terminal.UI, n int) {
	for i := 1; i <= n; i++ {
		ui.Output("line %d of %d", i, n)
	}
}

func main() {
	var comp interface{} = &Builder{}
	debugName := ""
	noop, lines := false, 0
	args := os.Args[1:]
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-auth":
			comp = &AuthBuilder{Builder: &Builder{}}
		case "-noop":
			noop = true
		case "-template":
			if i+1 >= len(args) {
				fmt.Fprintln(os.Stderr, "-template needs computed, nil or empty")
				os.Exit(2)
			}
			i++
			templateMode = args[i]
			comp = &TemplateBuilder{}
		case "-empty-config":
			comp = &EmptyConfigBuilder{}
		case "-registry-aware":
			comp = &RegistryAwareBuilder{}
		case "-examples":
			comp = &ExamplesBuilder{}
		case "-lines":
			n := -1
			if i+1 < len(args) {
				i++
				if v, err := strconv.Atoi(args[i]); err == nil {
					n = v
				}
			}
			if n < 0 {
				fmt.Fprintln(os.Stderr, "-lines needs a count >= 0")
				os.Exit(2)
			}
			lines = n
		case "-debug":
			if i+1 >= len(args) {
				fmt.Fprintln(os.Stderr, "-debug needs a plugin name")
				os.Exit(2)
			}
			i++
			debugName = args[i]
		default:
			fmt.Fprintf(os.Stderr, "unknown argument %q\n", args[i])
			os.Exit(2)
		}
	}
	switch {
	case noop:
		comp = &NoopBuilder{Lines: lines}
	case lines > 0:
		fmt.Fprintln(os.Stderr, "-lines is for -noop (the builder takes `lines` from its config)")
		os.Exit(2)
	}
	if debugName == "" {
		sdk.Main(sdk.WithComponents(comp))
		return
	}
	// sdk.Debug stops on SIGINT; SIGTERM too so test harnesses can end it.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := sdk.Debug(ctx, debugName, sdk.WithComponents(comp)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
