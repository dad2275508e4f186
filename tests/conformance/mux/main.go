// Command wpmux launches a plugin executable with a real go-plugin (>= 1.6)
// client, optionally asking for gRPC broker multiplexing, and writes what
// happened as JSON. It proves that a plugin which cannot multiplex makes such
// a host fail with go-plugin's own "not supported" error, and that without
// the request the same plugin starts normally.
//
// Usage: wpmux -plugin PATH [-multiplex=true] -report FILE
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// Waypoint's handshake values (waypoint-plugin-sdk internal/plugin).
var handshake = plugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "WAYPOINT_PLUGIN",
	MagicCookieValue: "be6c1928786a4df0222c13eef44ac846da2c0d461d99addc93f804601c6b7205",
}

// stubPlugin stands in for a Waypoint component: the client side only needs
// the connection, and this program never serves plugins.
type stubPlugin struct {
	plugin.Plugin
}

func (stubPlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error {
	return errors.New("wpmux only acts as a host")
}

func (stubPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (interface{}, error) {
	return conn, nil
}

type report struct {
	Multiplex         bool   `json:"multiplex"`
	ClientError       string `json:"clientError"`
	IsMuxNotSupported bool   `json:"isMuxNotSupported"`
	Killed            bool   `json:"killed"`
}

func main() {
	pluginPath := flag.String("plugin", "", "plugin executable to launch")
	multiplex := flag.Bool("multiplex", false, "request gRPC broker multiplexing (sets PLUGIN_MULTIPLEX_GRPC)")
	reportPath := flag.String("report", "", "file to write the JSON report to")
	flag.Parse()
	if *pluginPath == "" || *reportPath == "" {
		fmt.Fprintln(os.Stderr, "usage: wpmux -plugin PATH [-multiplex=true] -report FILE")
		os.Exit(2)
	}

	logger := hclog.New(&hclog.LoggerOptions{
		Name:   "wpmux",
		Output: os.Stderr,
		Level:  hclog.Info,
	})

	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:     handshake,
		Plugins:             plugin.PluginSet{"builder": stubPlugin{}},
		Cmd:                 exec.Command(*pluginPath),
		AllowedProtocols:    []plugin.Protocol{plugin.ProtocolGRPC},
		GRPCBrokerMultiplex: *multiplex,
		Logger:              logger,
	})

	rep := report{Multiplex: *multiplex}
	if _, err := client.Client(); err != nil {
		rep.ClientError = err.Error()
		rep.IsMuxNotSupported = errors.Is(err, plugin.ErrGRPCBrokerMuxNotSupported)
	}
	client.Kill()
	rep.Killed = true

	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, "wpmux:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*reportPath, append(data, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "wpmux:", err)
		os.Exit(1)
	}
}
