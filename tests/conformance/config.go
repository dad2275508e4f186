package main

import (
	"fmt"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
)

// appConfig is the slice of waypoint.hcl a build needs. Only the structure
// around `build { use "x" { ... } }` is read; everything else in the file is
// tolerated and ignored.
type appConfig struct {
	Project    string
	ProjectDir string // directory holding waypoint.hcl (Waypoint's path.project)
	App        string
	AppPath    string // absolute, as Waypoint puts it in component.Source.Path
	Use        string
	Body       hcl.Body // the use body: the plugin's configuration
}

func loadConfig(path, appName string) (*appConfig, error) {
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

	c := &appConfig{ProjectDir: filepath.Dir(abs), Project: "wphost"}
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
		Blocks:     []hcl.BlockHeaderSchema{{Type: "build"}},
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
	if len(ac.Blocks) == 0 {
		return nil, fmt.Errorf("app %q has no build block", c.App)
	}

	bc, _, diags := ac.Blocks[0].Body.PartialContent(&hcl.BodySchema{
		Blocks: []hcl.BlockHeaderSchema{{Type: "use", LabelNames: []string{"type"}}},
	})
	if diags.HasErrors() {
		return nil, diags
	}
	if len(bc.Blocks) == 0 {
		return nil, fmt.Errorf("app %q: build has no use block", c.App)
	}
	c.Use = bc.Blocks[0].Labels[0]
	c.Body = bc.Blocks[0].Body
	return c, nil
}

func stringAttr(a *hcl.Attribute) (string, error) {
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return "", diags
	}
	if v.Type() != cty.String || v.IsNull() {
		return "", fmt.Errorf("%s: %s must be a string", a.Range, a.Name)
	}
	return v.AsString(), nil
}
