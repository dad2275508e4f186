package main

import (
	"fmt"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
)

// appInfo is what every command reads of the app in waypoint.hcl.
type appInfo struct {
	Project    string
	ProjectDir string // directory holding waypoint.hcl (Waypoint's path.project)
	App        string
	AppPath    string // absolute, as Waypoint puts it in component.Source.Path
}

// appConfig is the slice of waypoint.hcl a build needs. Only the structure
// around `build { use "x" { ... } }` is read; everything else in the file is
// tolerated and ignored.
type appConfig struct {
	appInfo
	Use  string
	Body hcl.Body // the use body: the plugin's configuration
}

func loadConfig(path, appName string) (*appConfig, error) {
	info, blocks, err := parseApp(path, appName, "build")
	if err != nil {
		return nil, err
	}
	if len(blocks) == 0 {
		return nil, fmt.Errorf("app %q has no build block", info.App)
	}
	bc, _, diags := blocks[0].Body.PartialContent(useSchema())
	if diags.HasErrors() {
		return nil, diags
	}
	if len(bc.Blocks) == 0 {
		return nil, fmt.Errorf("app %q: build has no use block", info.App)
	}
	return &appConfig{appInfo: *info, Use: bc.Blocks[0].Labels[0], Body: bc.Blocks[0].Body}, nil
}

// parseApp reads waypoint.hcl up to the app named appName (the first app
// when appName is ""): the project name, the app's path, and the app's
// blocks of the given types.
func parseApp(path, appName string, blockTypes ...string) (*appInfo, []*hcl.Block, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, err
	}
	f, diags := hclparse.NewParser().ParseHCLFile(abs)
	if diags.HasErrors() {
		return nil, nil, diags
	}
	root, _, diags := f.Body.PartialContent(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "project"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "app", LabelNames: []string{"name"}}},
	})
	if diags.HasErrors() {
		return nil, nil, diags
	}

	info := &appInfo{ProjectDir: filepath.Dir(abs), Project: "wphost"}
	if a, ok := root.Attributes["project"]; ok {
		if info.Project, err = stringAttr(a); err != nil {
			return nil, nil, err
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
			return nil, nil, fmt.Errorf("%s: no app block", path)
		}
		return nil, nil, fmt.Errorf("%s: no app %q", path, appName)
	}
	info.App = app.Labels[0]

	schema := &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "path"}}}
	for _, t := range blockTypes {
		schema.Blocks = append(schema.Blocks, hcl.BlockHeaderSchema{Type: t})
	}
	ac, _, diags := app.Body.PartialContent(schema)
	if diags.HasErrors() {
		return nil, nil, diags
	}
	info.AppPath = info.ProjectDir
	if a, ok := ac.Attributes["path"]; ok {
		p, err := stringAttr(a)
		if err != nil {
			return nil, nil, err
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(info.ProjectDir, p)
		}
		info.AppPath = p
	}
	return info, ac.Blocks, nil
}

// useSchema asks for `use "NAME" { ... }` blocks, plus blocks of the other
// given types.
func useSchema(more ...string) *hcl.BodySchema {
	s := &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "use", LabelNames: []string{"type"}}}}
	for _, t := range more {
		s.Blocks = append(s.Blocks, hcl.BlockHeaderSchema{Type: t})
	}
	return s
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
