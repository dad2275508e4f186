package main

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
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
	appInfo
	Build    *useStanza
	Registry *useStanza
	Deploy   *useStanza
	Release  *useStanza
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
	info, blocks, err := parseApp(path, appName, "build", "deploy", "release")
	if err != nil {
		return nil, err
	}
	c := &lifecycleConfig{appInfo: *info}
	for _, b := range blocks {
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
		schema := useSchema()
		if b.Type == "build" {
			schema = useSchema("registry")
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
				rc, _, diags := inner.Body.PartialContent(useSchema())
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
