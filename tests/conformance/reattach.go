package main

// Debug-mode plugins: Waypoint connects to an already running plugin process
// when WP_REATTACH_PLUGINS names it (internal/plugin/debug.go,
// ReattachPluginFactory). The value is what the SDK's Debug prints: a JSON
// object from plugin name to sdk.ReattachConfig, possibly still wrapped in
// the single quotes of the shell line it was copied from.

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/go-plugin"
	sdk "github.com/hashicorp/waypoint-plugin-sdk"
)

const reattachEnv = "WP_REATTACH_PLUGINS"

// reattachPath is the pseudo executable path under which a reattach target
// is registered in host.reattach.
func reattachPath(name string) string { return "reattach:" + name }

// parseReattach decodes a WP_REATTACH_PLUGINS value the way Waypoint does:
// leading and trailing single quotes are dropped, then every entry must have
// a unix or tcp address that resolves.
func parseReattach(in string) (map[string]*plugin.ReattachConfig, error) {
	out := map[string]*plugin.ReattachConfig{}
	in = strings.TrimLeft(strings.TrimRight(in, "'"), "'")
	if in == "" {
		return out, nil
	}
	var m map[string]sdk.ReattachConfig
	if err := json.Unmarshal([]byte(in), &m); err != nil {
		return nil, fmt.Errorf("%s: %w", reattachEnv, err)
	}
	for name, c := range m {
		var addr net.Addr
		var err error
		switch c.Addr.Network {
		case "unix":
			addr, err = net.ResolveUnixAddr("unix", c.Addr.String)
		case "tcp":
			addr, err = net.ResolveTCPAddr("tcp", c.Addr.String)
		default:
			err = fmt.Errorf("unknown address type %q", c.Addr.Network)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: plugin %q: %w", reattachEnv, name, err)
		}
		out[name] = &plugin.ReattachConfig{
			Protocol:        plugin.Protocol(c.Protocol),
			ProtocolVersion: c.ProtocolVersion,
			Pid:             c.Pid,
			Test:            c.Test,
			Addr:            addr,
		}
	}
	return out, nil
}

// reattachTargets looks the names up in WP_REATTACH_PLUGINS. Entries with
// Test=false are accepted as Waypoint accepts them: go-plugin then treats the
// process as its own, and Kill shuts it down (SIGKILL after 2 s).
func reattachTargets(names []string) (map[string]*plugin.ReattachConfig, error) {
	if len(names) == 0 {
		return nil, nil
	}
	raw, ok := os.LookupEnv(reattachEnv)
	if !ok {
		return nil, fmt.Errorf("-reattach needs %s in the environment", reattachEnv)
	}
	all, err := parseReattach(raw)
	if err != nil {
		return nil, err
	}
	out := map[string]*plugin.ReattachConfig{}
	for _, n := range names {
		rc, ok := all[n]
		if !ok {
			known := make([]string, 0, len(all))
			for k := range all {
				known = append(known, k)
			}
			sort.Strings(known)
			return nil, fmt.Errorf("%s has no plugin %q (it has %q)", reattachEnv, n, known)
		}
		out[reattachPath(n)] = rc
	}
	return out, nil
}
