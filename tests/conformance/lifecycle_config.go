package main

import (
	"fmt"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// useStanza is one `use "NAME" { ... }` block: the plugin name Waypoint
// discovers and the body it decodes into that plugin's config.
type useStanza struct {
	Name string
	Body hcl.Body
}

// lifecycleConfig is the part of waypoint.hcl the lifecycle replays:
//
//	app "x" {
//	  build   { use "b" {...}  registry { use "r" {...} } }
//	  deploy  { use "p" {...} }
//	  release { use "m" {...} }
//	}
//
// Everything else (hooks, labels, workspace scopes, url, config) is
// tolerated and ignored.
type lifecycleConfig struct {
	Project    string
	ProjectDir string
	App        string
	AppPath    string
	Build      *useStanza
	Registry   *useStanza
	Deploy     *useStanza
	Release    *useStanza
}

// uses lists the stanzas in the order Waypoint's config tracks plugins
// (build, registry, deploy, release), for the mapper probes.
func (c *lifecycleConfig) uses() []*useStanza {
	var out []*useStanza
	for _, u := range []*useStanza{c.Build, c.Registry, c.Deploy, c.Release} {
		if u != nil {
			out = append(out, u)
		}
	}
	return out
}

func loadLifecycleConfig(path, appName string) (*lifecycleConfig, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	f, diags := hclparse.NewParser().ParseHCLFile(abs)
	if diags.HasErrors() {
		return nil, diags
	}
	root, _, diags := f.Body.PartialContent(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "project"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "app", LabelNames: []string{"name"}}},
	})
	if diags.HasErrors() {
		return nil, diags
	}
	c := &lifecycleConfig{ProjectDir: filepath.Dir(abs), Project: "wphost"}
	if a, ok := root.Attributes["project"]; ok {
		if c.Project, err = stringAttr(a); err != nil {
			return nil, err
		}
	}
	var app *hcl.Block
	for _, b := range root.Blocks {
		if appName == "" || b.Labels[0] == appName {
			app = b
			break
		}
	}
	if app == nil {
		if appName == "" {
			return nil, fmt.Errorf("%s: no app block", path)
		}
		return nil, fmt.Errorf("%s: no app %q", path, appName)
	}
	c.App = app.Labels[0]

	ac, _, diags := app.Body.PartialContent(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "path"}},
		Blocks: []hcl.BlockHeaderSchema{
			{Type: "build"}, {Type: "deploy"}, {Type: "release"},
		},
	})
	if diags.HasErrors() {
		return nil, diags
	}
	c.AppPath = c.ProjectDir
	if a, ok := ac.Attributes["path"]; ok {
		p, err := stringAttr(a)
		if err != nil {
			return nil, err
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(c.ProjectDir, p)
		}
		c.AppPath = p
	}

	for _, b := range ac.Blocks {
		var target **useStanza
		switch b.Type {
		case "build":
			target = &c.Build
		case "deploy":
			target = &c.Deploy
		case "release":
			target = &c.Release
		}
		if *target != nil {
			return nil, fmt.Errorf("%s: app %q has more than one %s block", b.DefRange, c.App, b.Type)
		}
		schema := &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "use", LabelNames: []string{"type"}}}}
		if b.Type == "build" {
			schema.Blocks = append(schema.Blocks, hcl.BlockHeaderSchema{Type: "registry"})
		}
		bc, _, diags := b.Body.PartialContent(schema)
		if diags.HasErrors() {
			return nil, diags
		}
		for _, inner := range bc.Blocks {
			switch inner.Type {
			case "use":
				if *target != nil {
					return nil, fmt.Errorf("%s: %s has more than one use block", inner.DefRange, b.Type)
				}
				*target = &useStanza{Name: inner.Labels[0], Body: inner.Body}
			case "registry":
				rc, _, diags := inner.Body.PartialContent(&hcl.BodySchema{
					Blocks: []hcl.BlockHeaderSchema{{Type: "use", LabelNames: []string{"type"}}},
				})
				if diags.HasErrors() {
					return nil, diags
				}
				if len(rc.Blocks) != 1 {
					return nil, fmt.Errorf("%s: registry needs exactly one use block", inner.DefRange)
				}
				c.Registry = &useStanza{Name: rc.Blocks[0].Labels[0], Body: rc.Blocks[0].Body}
			}
		}
		if *target == nil {
			return nil, fmt.Errorf("%s: %s has no use block", b.DefRange, b.Type)
		}
	}
	if c.Build == nil {
		return nil, fmt.Errorf("app %q has no build block", c.App)
	}
	return c, nil
}
