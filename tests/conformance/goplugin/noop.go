package main

import (
	"context"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"

	"wpconformance/internal/handproto"
)

// NoopBuilder (goplugin -noop [-lines N]) is the Go baseline of
// scripts/bench.ts: no config (ConfigStruct answers nil, so the host makes
// no Configure call) and a build that takes the same arguments as
// Builder.build, prints Lines ui.Output lines (`line I of N`), and returns
// at once. Unlike Builder it starts no child process, so the plugin's peak
// RSS is its own.
type NoopBuilder struct {
	Lines int
}

func (b *NoopBuilder) BuildFunc() interface{} { return b.build }

func (b *NoopBuilder) build(
	ctx context.Context,
	ui terminal.UI,
	src *component.Source,
	log hclog.Logger,
) (*handproto.Binary, error) {
	outputLines(ui, b.Lines)
	return &handproto.Binary{Location: "noop"}, nil
}

var _ component.Builder = (*NoopBuilder)(nil)
