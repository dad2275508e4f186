package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"
)

type RegistryConfig struct {
	// Directory receives the pushed copies.
	Directory string `hcl:"directory"`
	// Name of the copy; default: the artifact's base name.
	Name string `hcl:"name,optional"`
	// NoAccessInfo makes AccessInfoFunc return nil, to show how
	// Waypoint's build reacts to a registry without one.
	NoAccessInfo bool `hcl:"no_access_info,optional"`
}

// Registry "pushes" a built binary by copying it into a directory.
type Registry struct {
	config RegistryConfig
}

func (r *Registry) Config() (interface{}, error) { return &r.config, nil }

func (r *Registry) PushFunc() interface{} { return r.push }

// AccessInfoFunc exists because Waypoint 0.11 fails every build that has a
// registry whose client reports no AccessInfoFunc.
func (r *Registry) AccessInfoFunc() interface{} {
	if r.config.NoAccessInfo {
		return nil
	}
	return r.access
}

func (r *Registry) access(log hclog.Logger) (*AccessInfo, error) {
	log.Debug("access info requested")
	return &AccessInfo{}, nil
}

func (r *Registry) push(
	ctx context.Context,
	ui terminal.UI,
	log hclog.Logger,
	bin *Binary,
) (*PushedFile, error) {
	st := ui.Status()
	defer st.Close()

	name := r.config.Name
	if name == "" {
		name = filepath.Base(bin.Location)
	}
	dir, err := filepath.Abs(r.config.Directory)
	if err != nil {
		return nil, err
	}
	dst := filepath.Join(dir, name)
	st.Update("Pushing " + bin.Location)
	log.Info("pushing", "from", bin.Location, "to", dst)
	if err := copyFile(bin.Location, dst); err != nil {
		st.Step(terminal.StatusError, "Push failed")
		return nil, err
	}
	st.Step(terminal.StatusOK, "Pushed to "+dst)
	return &PushedFile{Path: dst, Source: bin.Location}, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", dst, err)
	}
	return nil
}
