// Command goplugin is a minimal Waypoint builder plugin written with the real
// Go SDK. It is the reference the conformance host is validated against and
// the Go baseline for benchmarks of the TypeScript toolkit.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/hashicorp/go-hclog"
	sdk "github.com/hashicorp/waypoint-plugin-sdk"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"
)

type BuildConfig struct {
	OutputName string `hcl:"output_name,optional"`
	Source     string `hcl:"source,optional"`
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
) (*Binary, error) {
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
	return &Binary{Location: filepath.Join(dir, b.config.OutputName)}, nil
}

func main() {
	sdk.Main(sdk.WithComponents(&Builder{}))
}
